/** `npm run worker`: runs the worker against the services named by the environment. */
import { NativeConnection } from '@temporalio/worker';
import { connectDb, ensureIndexes } from '../activities/db';
import { createTransport, Outbox } from '../activities/outbox';
import { ValidationError } from '../domain/errors';
import { readSettings } from '../domain/settings';
import { dataConverterFor, parseKeys } from '../security/codec';
import { createWorker } from './worker';

async function main() {
  const s = readSettings(process.env);
  const { client, db } = await connectDb(s.MONGODB_URI, s.MONGODB_DB);
  await ensureIndexes(db);
  const transport = createTransport({
    smtpUrl: s.SMTP_URL,
    from: s.MAIL_FROM,
    ratePerSecond: s.MAIL_RATE_PER_SECOND,
  });
  const connection = await NativeConnection.connect({ address: s.TEMPORAL_ADDRESS });
  const worker = await createWorker({
    connection,
    namespace: s.TEMPORAL_NAMESPACE,
    taskQueue: s.TASK_QUEUE,
    deps: { db, outbox: new Outbox(db, transport, s.MAIL_FROM) },
    workflowBundlePath: process.env.WORKFLOW_BUNDLE || undefined,
    options: { dataConverter: dataConverterFor(s.LC_ENCRYPTION_KEYS ? parseKeys(s.LC_ENCRYPTION_KEYS) : undefined) },
  });
  console.log(`[worker] polling task queue "${s.TASK_QUEUE}" on ${s.TEMPORAL_ADDRESS}`);
  try {
    await worker.run(); // the SDK shuts down gracefully on SIGINT/SIGTERM
  } finally {
    transport.close();
    await connection.close();
    await client.close();
  }
}

main().catch((err) => {
  console.error(err instanceof ValidationError ? `[worker] ${err.message}` : err);
  process.exit(1);
});
