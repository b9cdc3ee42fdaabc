/**
 * `npm run web`: the web app against the services named by the environment (domain/settings.ts).
 * `startWeb` is also what `npm start` calls, beside the worker.
 */
import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { connectClient, openDatabase, openMailer } from '../app';
import { ValidationError } from '../domain/errors';
import { readSettings, type Settings } from '../domain/settings';
import { buildApp } from './app';

/** Network administrators from LC_WEB_ADMINS (comma-separated emails). */
export function adminsFrom(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

/**
 * The signing key: LC_SIGNING_KEY, or on a developer's machine one generated once under .data/
 * (so links in emails outlive a restart). Production requires the variable (domain/settings.ts).
 */
export function signingKey(s: Pick<Settings, 'LC_SIGNING_KEY'>, dataDir: string): string {
  if (s.LC_SIGNING_KEY) return s.LC_SIGNING_KEY;
  const file = path.join(dataDir, 'signing-key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

export interface RunningWeb {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

export async function startWeb(s: Settings, key: string): Promise<RunningWeb> {
  const { client: mongo, db } = await openDatabase(s.MONGODB_URI, s.MONGODB_DB);
  const mailer = openMailer(db, s.SMTP_URL, s.MAIL_FROM);
  const client = await connectClient(s);
  const baseUrl = s.LC_WEB_BASE_URL ?? `http://localhost:${s.LC_WEB_PORT}`;
  const app = await buildApp({
    db,
    client,
    taskQueue: s.TASK_QUEUE,
    key,
    baseUrl,
    admins: adminsFrom(s.LC_WEB_ADMINS),
    outbox: mailer.outbox,
    linkTtlDays: s.LC_LINK_TTL_DAYS,
    // The request log: one JSON line per request on stdout (web/request-log.ts).
    logger: true,
  });
  await app.listen({ port: s.LC_WEB_PORT, host: s.LC_WEB_HOST });
  return {
    app,
    url: baseUrl,
    async close() {
      await app.close();
      mailer.close();
      await client.connection.close();
      await mongo.close();
    },
  };
}

async function main(): Promise<void> {
  const s = readSettings(process.env);
  const web = await startWeb(s, signingKey(s, path.join(__dirname, '..', '.data')));
  console.log(`[web] ${web.url} (listening on port ${s.LC_WEB_PORT})`);
  const stop = () => void web.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module)
  main().catch((err: unknown) => {
    console.error(err instanceof ValidationError ? err.message : err);
    process.exit(1);
  });
