/**
 * `npm run worker`: runs the worker against the services named by the environment (validated by
 * domain/settings.ts: a bad value stops it here, naming the variable), with JSON logs at
 * LC_LOG_LEVEL, /healthz, /readyz and /metrics on LC_HTTP_PORT (when set), and a graceful stop on
 * SIGTERM/SIGINT: it stops polling, lets the tasks in flight finish, then exits.
 */
import { DefaultLogger, NativeConnection, Runtime, type LogLevel as SdkLogLevel } from '@temporalio/worker';
import { ValidationError } from '../domain/errors';
import { readSettings, workerTuning, type LogLevel } from '../domain/settings';
import { createTransport, Outbox } from '../mail/outbox';
import { dataConverterFor, parseKeys } from '../security/codec';
import { describeTemporalConnection, temporalConnectionOptions } from '../security/temporal-connection';
import { connectDb, ensureIndexes } from '../store/db';
import { createMetrics, logger, startHealthServer } from './observability';
import { createWorker } from './worker';

/** The SDK's (and its Rust core's) log level for ours; the SDK has no level above ERROR. */
const SDK_LOG_LEVEL: Record<LogLevel, SdkLogLevel> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  fatal: 'ERROR',
  silent: 'ERROR',
};

async function main() {
  const s = readSettings(process.env);
  const temporal = temporalConnectionOptions(s);
  const keys = s.LC_ENCRYPTION_KEYS ? parseKeys(s.LC_ENCRYPTION_KEYS) : undefined;
  logger.level = s.LC_LOG_LEVEL;
  const metricsPort = s.TEMPORAL_METRICS_PORT;
  Runtime.install({
    logger: new DefaultLogger(SDK_LOG_LEVEL[s.LC_LOG_LEVEL], (e) =>
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
  const connection = await NativeConnection.connect(temporal);
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
    workflowBundlePath: s.WORKFLOW_BUNDLE,
    options: { ...workerTuning(s), dataConverter: dataConverterFor(keys), shutdownGraceTime: '30 seconds' },
  });
  const httpPort = s.LC_HTTP_PORT;
  const health = httpPort
    ? startHealthServer({
        port: httpPort,
        host: s.LC_HTTP_HOST,
        registry: metrics.registry,
        ready: () => worker.getState() === 'RUNNING',
      })
    : undefined;
  logger.info(
    { taskQueue: s.TASK_QUEUE, temporal: s.TEMPORAL_ADDRESS, http: httpPort, ...workerTuning(s) },
    'worker polling',
  );
  console.log(`[worker] polling task queue "${s.TASK_QUEUE}" on ${describeTemporalConnection(temporal)}`);
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
