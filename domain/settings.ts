/**
 * The process configuration: every environment variable the worker, the web app, the CLI, the
 * codec server and `npm start` read, validated once at start. Pure: it is given the environment,
 * it does not read it (nor the files it names: security/temporal-connection.ts reads those).
 *
 * A missing or bad value stops the process with one line per problem, each starting with the
 * variable's name. With NODE_ENV=production (the Docker image sets it), LC_SIGNING_KEY and
 * LC_WEB_BASE_URL are required. .env.example documents every key (a test keeps the two equal).
 */
import { z } from 'zod';
import { formatIssues, ValidationError } from './errors';

export const DEFAULTS = {
  temporalAddress: '127.0.0.1:7233',
  mongodbUri: 'mongodb://127.0.0.1:27027/',
  smtpUrl: 'smtp://127.0.0.1:1025',
} as const;

/** pino's levels; the Temporal SDK's own logs follow (see workers/main.ts). */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ invalid_type_error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
const port = () => wholeNumber(1, 65535);
const flag = () =>
  z
    .enum(['true', 'false', '1', '0'], { errorMap: () => ({ message: 'must be true or false' }) })
    .transform((v) => v === 'true' || v === '1');
const text = () => z.string().min(1, 'must not be empty');

/** "<id>:<base64 of 32 bytes>" (44 characters, one "=" of padding). */
const ENCRYPTION_KEY = /^([\w.-]+):([A-Za-z0-9+/]{43}=)$/;

const schema = z.object({
  // ---- runtime ----
  /** `production` makes LC_SIGNING_KEY, LC_WEB_BASE_URL and LC_ENCRYPTION_KEYS required (the Docker image sets it). */
  NODE_ENV: z.string().optional(),
  LC_LOG_LEVEL: z
    .enum(LOG_LEVELS, { errorMap: () => ({ message: `must be one of ${LOG_LEVELS.join(', ')}` }) })
    .default('info'),

  // ---- Temporal ----
  TEMPORAL_ADDRESS: z
    .string()
    .regex(
      /^(\[[\da-fA-F:]+\]|[^\s/:[\]]+):\d+$/,
      'must be host:port, e.g. 127.0.0.1:7233 or <ns>.<account>.tmprl.cloud:7233',
    )
    .default(DEFAULTS.temporalAddress),
  TEMPORAL_NAMESPACE: text().default('default'),
  /** TLS without client certificates (a server with a publicly trusted certificate). */
  TEMPORAL_TLS: flag().optional(),
  /** mTLS: paths of the client certificate and its private key (PEM), both or neither. */
  TEMPORAL_TLS_CERT: text().optional(),
  TEMPORAL_TLS_KEY: text().optional(),
  /** Path of the CA certificate (PEM) that signed the server's, when not publicly trusted. */
  TEMPORAL_TLS_CA: text().optional(),
  /** The server name (SNI) to check the server's certificate against, when not the address's host. */
  TEMPORAL_TLS_SERVER_NAME: text().optional(),
  /** Temporal Cloud API key (sent as a Bearer token; turns TLS on). */
  TEMPORAL_API_KEY: text().optional(),
  TASK_QUEUE: text().default('lc-orchestrator'),

  // ---- the worker process ----
  /** A prebuilt workflow bundle (`npm run build`); otherwise the worker bundles at start. */
  WORKFLOW_BUNDLE: text().optional(),
  /** Worker tuning; unset = the Temporal SDK's defaults (100, 40, and a cache sized to memory). */
  LC_WORKER_MAX_CONCURRENT_ACTIVITIES: wholeNumber(1).optional(),
  LC_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: wholeNumber(1).optional(),
  LC_WORKER_MAX_CACHED_WORKFLOWS: wholeNumber(0).optional(),
  /** /healthz, /readyz and /metrics of the worker (off when unset), and the interface they bind. */
  LC_HTTP_PORT: port().optional(),
  LC_HTTP_HOST: text().default('127.0.0.1'),
  /** The Temporal SDK runtime's Prometheus metrics (off when unset). */
  TEMPORAL_METRICS_PORT: port().optional(),

  // ---- MongoDB ----
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .default(DEFAULTS.mongodbUri),
  MONGODB_DB: z
    .string()
    .regex(/^[^/\\. "$]{1,63}$/, 'must be a MongoDB database name (no / \\ . " $ or spaces)')
    .default('lc'),

  // ---- mail ----
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .default(DEFAULTS.smtpUrl),
  MAIL_FROM: z
    .string()
    .min(3, 'must be a sender such as "Name <address@example.org>"')
    .default('Learning Collaboratives <lc@lc-orchestrator.local>'),
  MAIL_RATE_PER_SECOND: z.coerce
    .number({ invalid_type_error: 'must be a number (0 = no limit)' })
    .min(0, 'must be 0 (no limit) or more')
    .default(0),

  // ---- the web app: its port, the base URL its links in emails use, and the key that signs them ----
  LC_WEB_PORT: z.coerce
    .number({ invalid_type_error: 'must be a port number' })
    .int('must be a port number')
    .min(0, 'must be a port number')
    .max(65535, 'must be a port number')
    .default(3000),
  /** The interface the web app listens on (0.0.0.0 in a container). */
  LC_WEB_HOST: text().default('127.0.0.1'),
  LC_WEB_BASE_URL: z.string().url('must be a URL such as https://lc.example.org').optional(),
  /** HMAC key for signed links and session cookies; at least 32 characters. */
  /** The key that signs links; retired keys after it ("current,retired") still verify (rotation). */
  LC_SIGNING_KEY: z
    .string()
    .refine(
      (v) => v.split(',').every((k) => k.trim().length >= 32),
      'must be at least 32 characters (openssl rand -hex 32); retired keys after a comma, each as long',
    )
    .optional(),
  /** Days a link in an email stays valid (sign-in links: 15 minutes, fixed). */
  LC_LINK_TTL_DAYS: z.coerce
    .number({ invalid_type_error: 'must be a number of days' })
    .min(1, 'must be at least 1')
    .max(365, 'must be at most 365')
    .default(45),

  /** Network administrators: comma-separated emails that coordinate every collaborative in the web app. */
  LC_WEB_ADMINS: z
    .string()
    .superRefine((value, ctx) => {
      for (const email of value.split(',').map((e) => e.trim()))
        if (!z.string().email().safeParse(email).success)
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${email}" is not an email address` });
    })
    .optional(),

  // ---- payload encryption and the codec server ----
  /** "<id>:<base64 32 bytes>[,…]": encrypt workflow payloads (first key encrypts); see security/codec.ts. */
  LC_ENCRYPTION_KEYS: z
    .string()
    .superRefine((value, ctx) => {
      const ids = new Set<string>();
      value.split(',').forEach((entry, i) => {
        const m = ENCRYPTION_KEY.exec(entry.trim());
        const problem = (message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, message });
        if (!m)
          return problem(`entry ${i + 1}: expected <id>:<base64 of 32 bytes> (openssl rand -base64 32)`);
        if (ids.has(m[1]!)) problem(`lists the key id "${m[1]}" twice`);
        ids.add(m[1]!);
      });
    })
    .optional(),
  LC_CODEC_PORT: port().default(8888),
  LC_CODEC_HOST: text().default('127.0.0.1'),
  LC_CODEC_CORS_ORIGIN: z
    .string()
    .url('must be the Temporal UI origin, e.g. https://temporal.example.org')
    .default('http://127.0.0.1:8233'),
  /** When set, the codec server requires it as a Bearer token. */
  LC_CODEC_TOKEN: text().optional(),
});

/** Every variable the configuration reads, in the order above. */
export const SETTINGS_KEYS = Object.keys(schema.shape) as (keyof typeof schema.shape)[];

export type Settings = z.infer<typeof schema>;

const TLS_FILES = [
  'TEMPORAL_TLS_CERT',
  'TEMPORAL_TLS_KEY',
  'TEMPORAL_TLS_CA',
  'TEMPORAL_TLS_SERVER_NAME',
] as const;

/**
 * What one variable cannot say alone, checked on the raw values so that these are reported
 * together with any bad value of the schema.
 */
function crossChecks(env: Record<string, string>): string[] {
  const problems: string[] = [];
  if (env.NODE_ENV === 'production') {
    if (!env.LC_SIGNING_KEY)
      problems.push('LC_SIGNING_KEY: is required when NODE_ENV=production (openssl rand -hex 32)');
    if (!env.LC_WEB_BASE_URL)
      problems.push('LC_WEB_BASE_URL: is required when NODE_ENV=production (the public URL of the web app)');
    // Every PI's and team member's name and email travels in workflow payloads: private by default.
    if (!env.LC_ENCRYPTION_KEYS)
      problems.push(
        'LC_ENCRYPTION_KEYS: is required when NODE_ENV=production (<id>:<key>, the key from openssl rand -base64 32)',
      );
  }
  if (env.TEMPORAL_TLS_CERT && !env.TEMPORAL_TLS_KEY)
    problems.push(
      'TEMPORAL_TLS_KEY: is required with TEMPORAL_TLS_CERT (the client certificate’s private key)',
    );
  if (env.TEMPORAL_TLS_KEY && !env.TEMPORAL_TLS_CERT)
    problems.push('TEMPORAL_TLS_CERT: is required with TEMPORAL_TLS_KEY (the client certificate)');
  if (env.TEMPORAL_TLS === 'false' || env.TEMPORAL_TLS === '0')
    for (const name of TLS_FILES)
      if (env[name]) problems.push(`TEMPORAL_TLS: is false, but ${name} is set: unset one of them`);
  return problems;
}

/** Validates the environment; throws a ValidationError listing every bad variable by name. */
export function readSettings(env: Record<string, string | undefined>): Settings {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(
      (e): e is [string, string] => e[1] !== undefined && e[1].trim() !== '' && e[0] in schema.shape,
    ),
  );
  const r = schema.safeParse(cleaned);
  const problems = [...(r.success ? [] : formatIssues(r.error)), ...crossChecks(cleaned)];
  if (!r.success || problems.length) throw new ValidationError('the environment', problems);
  return r.data;
}

/** The worker's concurrency and cache sizes that are set (the SDK's defaults for the rest). */
export function workerTuning(s: Settings): {
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxCachedWorkflows?: number;
} {
  const tuning = {
    maxConcurrentActivityTaskExecutions: s.LC_WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: s.LC_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxCachedWorkflows: s.LC_WORKER_MAX_CACHED_WORKFLOWS,
  };
  return Object.fromEntries(Object.entries(tuning).filter(([, v]) => v !== undefined));
}
