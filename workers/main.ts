/**
 * `npm run worker`: runs the worker against the services named by the environment, with JSON
 * logs, /healthz, /readyz and /metrics on LC_HTTP_PORT (when set), and a graceful stop on
 * SIGTERM/SIGINT: it stops polling, lets the tasks in flight finish, then exits.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { connectDb, ensureIndexes } from '../activities/db';
import { createTransport, Outbox } from '../activities/outbox';
import { ValidationError } from '../domain/errors';
import { readSettings } from '../domain/settings';
import { dataConverterFor, parseKeys } from '../security/codec';
import { createMetrics, logger, startHealthServer } from './observability';
import { createWorker } from './worker';

async function main() {
  const s = readSettings(process.env);
  const keys = s.LC_ENCRYPTION_KEYS ? parseKeys(s.LC_ENCRYPTION_KEYS) : undefined;
  const metricsPort = process.env.TEMPORAL_METRICS_PORT;
  Runtime.install({
    logger: new DefaultLogger('INFO', (e) =>
      logger[e.level === 'TRACE' ? 'trace' : (e.level.toLowerCase() as 'info')]({ ...e.meta }, e.message),
    ),
    ...(metricsPort
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${metricsPort}` } } } }
      : {}),
  });
  const { client, db } = await connectDb(s.MONGODB_URI, s.MONGODB_DB);
  await ensureIndexes(db);
  const transport = createTransport({
    smtpUrl: s.SMTP_URL,
    from: s.MAIL_FROM,
    ratePerSecond: s.MAIL_RATE_PER_SECOND,
  });
  const outbox = new Outbox(db, transport, s.MAIL_FROM);
  const metrics = createMetrics();
  outbox.onOutcome = (e) => metrics.count(e);
  const connection = await NativeConnection.connect({ address: s.TEMPORAL_ADDRESS });
  const worker = await createWorker({
    connection,
    namespace: s.TEMPORAL_NAMESPACE,
    taskQueue: s.TASK_QUEUE,
    deps: {
      db,
      outbox,
      // Emails carry signed links to the web app when it has an address and a key.
      links:
        s.LC_WEB_BASE_URL && s.LC_SIGNING_KEY
          ? { baseUrl: s.LC_WEB_BASE_URL, key: s.LC_SIGNING_KEY, ttlDays: s.LC_LINK_TTL_DAYS }
          : undefined,
    },
    workflowBundlePath: process.env.WORKFLOW_BUNDLE || undefined,
    options: { dataConverter: dataConverterFor(keys), shutdownGraceTime: '30 seconds' },
  });
  const httpPort = process.env.LC_HTTP_PORT;
  const health = httpPort
    ? startHealthServer({
        port: Number(httpPort),
        host: process.env.LC_HTTP_HOST ?? '127.0.0.1',
        registry: metrics.registry,
        ready: () => worker.getState() === 'RUNNING',
      })
    : undefined;
  logger.info({ taskQueue: s.TASK_QUEUE, temporal: s.TEMPORAL_ADDRESS, http: httpPort }, 'worker polling');
  console.log(`[worker] polling task queue "${s.TASK_QUEUE}" on ${s.TEMPORAL_ADDRESS}`);
  try {
    await worker.run(); // the SDK's runtime shuts the worker down gracefully on SIGINT/SIGTERM
  } finally {
    health?.close();
    transport.close();
    await connection.close();
    await client.close();
    logger.info('worker stopped');
  }
}

main().catch((err) => {
  console.error(err instanceof ValidationError ? `[worker] ${err.message}` : err);
  process.exit(1);
});
