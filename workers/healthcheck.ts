/**
 * The image's HEALTHCHECK (Dockerfile): exits 0 while a worker of this container polls
 * TASK_QUEUE on the Temporal frontend (a poller whose identity ends with @<hostname>, seen within
 * the last two minutes), 1 otherwise. Connects as every process does (TLS or API key included).
 */
import os from 'node:os';
import { Connection } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { readSettings } from '../domain/settings';
import { temporalConnectionOptions } from '../security/temporal-connection';

async function main(): Promise<boolean> {
  const s = readSettings(process.env);
  const connection = await Connection.connect({ ...temporalConnectionOptions(s), connectTimeout: 5000 });
  try {
    const { pollers } = await connection.workflowService.describeTaskQueue({
      namespace: s.TEMPORAL_NAMESPACE,
      taskQueue: { name: s.TASK_QUEUE },
      taskQueueType: proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    const now = Date.now() / 1000;
    return pollers.some(
      (p) =>
        !!p.identity?.endsWith(`@${os.hostname()}`) && now - Number(p.lastAccessTime?.seconds ?? 0) < 120,
    );
  } finally {
    await connection.close();
  }
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
