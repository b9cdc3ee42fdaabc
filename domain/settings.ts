/**
 * Process settings from environment variables, validated once at start. Pure: it is given the
 * environment, it does not read it. Issue #10 extends this to the whole production config.
 */
import { z } from 'zod';
import { formatIssues, ValidationError } from './errors';

export const DEFAULTS = {
  temporalAddress: '127.0.0.1:7233',
  mongodbUri: 'mongodb://127.0.0.1:27027/',
  smtpUrl: 'smtp://127.0.0.1:1025',
} as const;

const settingsSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default(DEFAULTS.temporalAddress),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TASK_QUEUE: z.string().min(1).default('lc-orchestrator'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'MONGODB_URI must start with mongodb:// or mongodb+srv://')
    .default(DEFAULTS.mongodbUri),
  MONGODB_DB: z.string().min(1).default('lc'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'SMTP_URL must start with smtp:// or smtps://')
    .default(DEFAULTS.smtpUrl),
  MAIL_FROM: z.string().min(3).default('Learning Collaboratives <lc@lc-orchestrator.local>'),
  MAIL_RATE_PER_SECOND: z.coerce.number().min(0).default(0),
  /** The web app: its port, the base URL its links in emails use, and the key that signs them. */
  LC_WEB_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LC_WEB_BASE_URL: z.string().url('LC_WEB_BASE_URL must be a URL such as https://lc.example.org').optional(),
  /** HMAC key for signed links and session cookies; at least 32 characters. */
  LC_SIGNING_KEY: z.string().min(32, 'LC_SIGNING_KEY must be at least 32 characters').optional(),
  /** Days a link in an email stays valid (sign-in links: 15 minutes, fixed). */
  LC_LINK_TTL_DAYS: z.coerce.number().min(1).max(365).default(45),
    /** "<id>:<base64 32 bytes>[,…]": encrypt workflow payloads (first key encrypts); see security/codec.ts. */
  LC_ENCRYPTION_KEYS: z
    .string()
    .regex(
      /^[\w.-]+:[A-Za-z0-9+/=]+(\s*,\s*[\w.-]+:[A-Za-z0-9+/=]+)*$/,
      'LC_ENCRYPTION_KEYS: expected <id>:<base64 key>[,<id>:<base64 key>…]',
    )
    .optional(),
});

export type Settings = z.infer<typeof settingsSchema>;

export function readSettings(env: Record<string, string | undefined>): Settings {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = settingsSchema.safeParse(cleaned);
  if (!r.success) throw new ValidationError('the environment', formatIssues(r.error));
  return r.data;
}
