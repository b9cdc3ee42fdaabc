/** Per-test-file access to the real services the global setup started, and Temporal test environments. */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import type { Db, MongoClient } from 'mongodb';
import { randomBytes } from 'node:crypto';
import type { ActivityDeps } from '../../activities';
import { createTransport, Outbox } from '../../mail/outbox';
import { connectDb, ensureIndexes } from '../../store/db';
import { timeSkippingEnv as startTimeSkipping } from '../../testing/fixtures';
import { createWorker } from '../../workers/worker';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { asOfAnotherDay, testNow } from './clock';
import { SmtpSink } from './smtp-sink';

export const MAIL_FROM = 'LC Tests <lc@tests.example.org>';

let runtimeInstalled = false;
function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests with \`npm test\` (jest global setup)`);
  return v;
}

/** A fresh database on the run's MongoDB-wire server; dropped by `close`. */
export async function testDb(
  label: string,
): Promise<{ db: Db; client: MongoClient; close: () => Promise<void> }> {
  const name = `t_${label.replace(/[^a-z0-9]/gi, '_').slice(0, 30)}_${randomBytes(3).toString('hex')}`;
  const { client, db } = await connectDb(required('LC_TEST_MONGODB_URI'), name);
  await ensureIndexes(db);
  return {
    db,
    client,
    close: async () => {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}

export async function devServerEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: required('TEMPORAL_CLI') },
      ip: '127.0.0.1',
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
    },
  });
}

/**
 * The time-skipping test server, with our search attributes registered (testing/fixtures.ts). Its
 * clock starts at the real time; as of another day (LC_TEST_TODAY, see clock.ts) it skips there first.
 */
export async function timeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await startTimeSkipping(required('TEMPORAL_TEST_SERVER'));
  if (asOfAnotherDay()) {
    const delta = testNow() - (await env.currentTimeMs());
    if (delta < -60_000)
      throw new Error('LC_TEST_TODAY is in the past: the time-skipping server only moves forward');
    if (delta > 0) await env.sleep(delta);
  }
  return env;
}

export interface Harness {
  db: Db;
  sink: SmtpSink;
  outbox: Outbox;
  worker: Worker;
  taskQueue: string;
  /** Runs the worker while `drive` works the workflows, and shuts it down after, whatever happens. */
  whileRunning<T>(drive: () => Promise<T>): Promise<T>;
  /** Starts the worker for the rest of the file; `close` shuts it down. */
  startWorker(): void;
  close(): Promise<void>;
}

/** A database, an SMTP sink and a worker on a fresh task queue of the given environment. */
export async function harness(
  env: TestWorkflowEnvironment,
  label: string,
  deps: Partial<ActivityDeps> = {},
): Promise<Harness> {
  const { db, close: closeDb } = await testDb(label);
  const sink = await new SmtpSink().start();
  const transport = createTransport({ smtpUrl: sink.url, from: MAIL_FROM, maxConnections: 8 });
  const outbox = new Outbox(db, transport, MAIL_FROM);
  const taskQueue = `tq-${label}-${randomBytes(3).toString('hex')}`;
  let started: Promise<void> | undefined;
  const worker = await createWorker({
    connection: env.nativeConnection,
    taskQueue,
    deps: { db, outbox, sendConcurrency: 16, ...deps },
    workflowBundlePath: required('LC_TEST_WORKFLOW_BUNDLE'),
  });
  return {
    db,
    sink,
    outbox,
    worker,
    taskQueue,
    async whileRunning<T>(drive: () => Promise<T>): Promise<T> {
      const running = worker.run();
      try {
        return await drive();
      } finally {
        worker.shutdown();
        await running;
      }
    },
    startWorker() {
      started = worker.run();
    },
    async close() {
      if (started) {
        worker.shutdown();
        await started;
      }
      transport.close();
      await sink.stop();
      await closeDb();
    },
  };
}
