/**
 * Fault: the Temporal server restarted mid-lifecycle. The faulted run's dev server keeps its state
 * in a database file (`temporal server start-dev --db-filename …`); while the collaborative sends
 * its decisions and starts its team workflows, the test stops that server with SIGTERM and starts
 * it again on the same port and file. The worker process, the test's client and the people's
 * inputs ride over the gap (they reconnect); the timers that came due while it was down fire
 * after. A clean run on a second dev server goes through the same lifecycle at the same moments;
 * the faulted run must end with the same emails and records.
 */
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { freePort, startTemporal, type Service } from '../../tools/services';
import { testDb } from '../helpers/env';
import type { SmtpSink } from '../helpers/smtp-sink';
import type { WorkerProcess } from '../helpers/worker-process';
import {
  concludeFault,
  CollaborativeRun,
  diagnostics,
  driveAll,
  expectSameAsClean,
  runDir,
  seconds,
  sink,
  startWorker,
  temporalClient,
  waitFor,
  type Timeline,
  type Cleanup,
} from './scenario';

/**
 * The restart comes at the first decision email (30 s); the first session is 35 s behind it, room
 * for a slow restart and for the teams to start and send their first emails.
 */
const TIMELINE: Timeline = {
  info: 10,
  close: 20,
  decisions: 30,
  prework: 32,
  sessions: [65, 80, 95],
  sessionSeconds: 5,
  end: 107,
};

/** fault: the Temporal server restarts mid-lifecycle: running workflows continue after a SIGTERM and restart on the same database file, with the same emails and records. */
export async function temporalRestart(cleanup: Cleanup): Promise<void> {
  const started = Date.now();
  const dir = runDir(`temporal-restart-${randomBytes(2).toString('hex')}`);
  const binary = process.env.TEMPORAL_CLI!;
  const port = await freePort();
  const dbFile = path.join(dir, 'temporal.db');
  const startFaulted = () => startTemporal({ binary, port, dbFile, logDir: dir });
  const [cleanServer, first] = await Promise.all([
    startTemporal({ binary, port: await freePort(), logDir: path.join(dir, 'clean') }),
    startFaulted(),
  ]);
  let faultedServer: Service = first;
  cleanup.push(
    () => cleanServer.stop(),
    () => faultedServer.stop(),
  );
  const clients: Record<string, { client: Client; close: () => Promise<void> }> = {
    clean: await temporalClient(cleanServer.url),
    faulted: await temporalClient(faultedServer.url),
  };
  cleanup.push(
    () => clients.clean!.close(),
    () => clients.faulted!.close(),
  );

  const tag = randomBytes(2).toString('hex');
  const sides = await Promise.all(
    (['clean', 'faulted'] as const).map(async (label) => {
      const db = await testDb(`fault_temporal_${label}`);
      const s = await sink();
      const taskQueue = `tq-fault-temporal-${label}-${tag}`;
      const worker = await startWorker({
        address: label === 'clean' ? cleanServer.url : faultedServer.url,
        taskQueue,
        mongoUri: process.env.LC_TEST_MONGODB_URI!,
        db: db.db.databaseName,
        smtpUrl: s.sink.url,
      });
      cleanup.push(
        () => db.close(),
        () => s.sink.stop(),
        () => worker.kill(),
      );
      return { label, db, sink: s.sink as SmtpSink, worker: worker as WorkerProcess, taskQueue };
    }),
  );
  const [clean, faulted] = sides as [(typeof sides)[0], (typeof sides)[0]];

  const t0 = Date.now();
  const runs = [clean, faulted].map(
    (side) =>
      new CollaborativeRun({
        label: side.label,
        slug: `${side.label}-${tag}`,
        t0,
        timeline: TIMELINE,
        client: () => clients[side.label]!.client,
        db: () => side.db.db,
        taskQueue: side.taskQueue,
      }),
  );
  const [cleanRun, faultedRun] = runs as [CollaborativeRun, CollaborativeRun];
  const events: string[] = [];
  const note = (s: string) => events.push(`${seconds(Date.now() - t0).padStart(7)} [fault] ${s}`);
  let serverRuns = 1;
  try {
    await Promise.all([cleanRun.launch(clean.db.db), faultedRun.launch(faulted.db.db)]);
    const driving = driveAll(runs);

    // ---- the fault: SIGTERM the server while the decisions go out, start it again -------
    await waitFor(
      'the first decision email of the faulted run, to restart the server at',
      () => faulted.sink.received.some((m) => /:decision:/.test(String(m.parsed.headers.get('x-lc-key')))),
      { pollMs: 20, failed: driving.failure },
    );
    note(`first decision email delivered: SIGTERM to the Temporal server (${dbFile})`);
    const stopAt = Date.now();
    await faultedServer.stop();
    note(`the server exited after ${Date.now() - stopAt} ms; starting it on the same port and file`);
    faultedServer = await startFaulted();
    serverRuns++;
    note(`the server listens again, ${Date.now() - stopAt} ms after the SIGTERM`);

    await driving.done;
    await Promise.all(runs.map((r) => r.awaitEnd(120_000)));
  } catch (err) {
    console.log(diagnostics(runs, [clean.worker, faulted.worker], events));
    throw err;
  }

  const summary = await concludeFault({
    name: 'temporal-restart',
    runs: serverRuns,
    clean: { run: cleanRun, sink: clean.sink },
    faulted: { run: faultedRun, sink: faulted.sink },
    events,
    started,
  });
  expect(summary.faults).toBe(1);
  expectSameAsClean(summary);
}
