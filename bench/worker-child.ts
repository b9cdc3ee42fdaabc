/**
 * The worker as a process of its own, for the memory and restart scenarios: the project's
 * createWorker with the environment a deployment gives it, plus `maxCachedWorkflows`. It answers
 * the bench over IPC: `status` (the SDK's worker status) and `mem` (process.memoryUsage() after
 * full garbage collections; run with --expose-gc). It exits when told to `stop` or when killed.
 */
import { NativeConnection } from '@temporalio/worker';
import { createTransport, Outbox } from '../mail/outbox';
import { connectDb } from '../store/db';
import { createWorker } from '../workers/worker';
import { MAIL_FROM, quietRuntime, sleep } from './lib';

interface Request {
  id: number;
  cmd: 'status' | 'mem' | 'stop';
}

async function main() {
  const env = process.env;
  quietRuntime();
  const { client, db } = await connectDb(env.MONGODB_URI!, env.MONGODB_DB);
  const transport = createTransport({ smtpUrl: env.SMTP_URL!, from: MAIL_FROM });
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS! });
  const worker = await createWorker({
    connection,
    taskQueue: env.TASK_QUEUE!,
    deps: { db, outbox: new Outbox(db, transport, MAIL_FROM) },
    workflowBundlePath: env.WORKFLOW_BUNDLE,
    options: { maxCachedWorkflows: Number(env.MAX_CACHED_WORKFLOWS || 1000) },
  });
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (m: Request) => {
    void (async () => {
      if (m.cmd === 'status') {
        const st = worker.getStatus();
        process.send!({
          id: m.id,
          status: {
            runState: st.runState,
            cached: st.numCachedWorkflows,
            inFlightActivations: st.numInFlightWorkflowActivations,
            inFlightActivities: st.numInFlightActivities,
          },
        });
      } else if (m.cmd === 'mem') {
        for (let i = 0; i < 3; i++) {
          gc?.();
          await sleep(50);
        }
        process.send!({ id: m.id, mem: { ...process.memoryUsage(), gc: !!gc } });
      } else if (m.cmd === 'stop') {
        worker.shutdown();
        process.send!({ id: m.id, stopping: true });
      }
    })();
  });
  process.send!({ ready: true, pid: process.pid });
  try {
    await worker.run();
  } finally {
    transport.close();
    await connection.close();
    await client.close();
  }
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
