/**
 * Fault: the MongoDB-wire server (FerretDB) down for 30 s mid-lifecycle. The faulted run keeps its
 * records on a FerretDB of its own (the run's shared one serves the other tests and the clean run).
 * After the first learning session the teams send the invitations to the second; the faulted run's
 * SMTP server is then a slow relay (each recipient answered after 4 s), and when the first of those
 * invitations is delivered the test stops that FerretDB (SIGTERM) with the others still in flight,
 * keeps it down for 30 s, and starts it again on the same port and data directory. The attendance
 * of the first session is recorded while it is down. The emails the SMTP server took while the
 * database was away must be recorded as sent when it returns (not sent again), the activities that
 * failed must be retried until they succeed, the workflows must not fail, and the run must end with
 * the same emails and records as the clean run beside it.
 */
import type { Db, MongoClient } from 'mongodb';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { connectDb, ensureIndexes } from '../../store/db';
import { toolPaths } from '../../tools/provisioning';
import { freePort, startFerretDb, type Service } from '../../tools/services';
import { testDb } from '../helpers/env';
import {
  CollaborativeRun,
  concludeFault,
  diagnostics,
  driveAll,
  expectSameAsClean,
  runDir,
  seconds,
  sink,
  sleep,
  smtpServerOf,
  startWorker,
  temporalWithClient,
  waitFor,
  type Cleanup,
  type Timeline,
} from './scenario';

const OUTAGE_MS = 30_000;
/** The slow relay: from the first session on, each RCPT TO of the faulted run is answered this much later. */
const RELAY_DELAY_MS = 4000;

/**
 * FerretDB goes down at the invitations to the second session (sent at the end of the first, 60 s),
 * a few seconds after its SIGTERM (its graceful stop), for 30 s; the attendance of the first
 * session is recorded once it is down. Everything held up by the outage has gone out within
 * seconds of its return (about 100 s), well before the second session at 125 s and the third
 * (whose invitations go out at the end of the second and are skipped if still due at its start).
 */
const TIMELINE: Timeline = {
  info: 10,
  close: 20,
  decisions: 30,
  prework: 32,
  sessions: [55, 125, 140],
  sessionSeconds: 5,
  end: 152,
};

/** fault: the MongoDB-wire server is down for 30 s mid-lifecycle: activities retry until FerretDB is back: the workflow does not fail, nothing is lost or sent twice. */
export async function ferretdbOutage(cleanup: Cleanup): Promise<void> {
  const started = Date.now();
  const tag = randomBytes(2).toString('hex');
  const dir = runDir(`ferretdb-outage-${tag}`);
  const binary = toolPaths().ferretdb;
  if (!binary) throw new Error('no FerretDB binary: run `npm run provision`');

  // ---- services: one Temporal dev server; the faulted run's own FerretDB ----------------------
  const temporal = await temporalWithClient(dir, cleanup);
  const client = temporal.client;
  const ferretPort = await freePort();
  const startFerret = () =>
    startFerretDb({ binary, port: ferretPort, dataDir: path.join(dir, 'ferretdb'), logDir: dir });
  let ferret: Service = await startFerret();
  cleanup.push(() => ferret.stop());
  let ferretRuns = 1;

  const cleanDb = await testDb('fault_ferret_clean');
  cleanup.push(() => cleanDb.close());
  let faultDb: Db;
  let faultClient: MongoClient;
  {
    const c = await connectDb(ferret.url, `fault_ferret_${tag}`);
    [faultDb, faultClient] = [c.db, c.client];
    await ensureIndexes(faultDb);
    cleanup.push(() => faultClient.close());
  }
  const [cleanSink, faultSink] = [await sink(), await sink()];
  cleanup.push(
    () => cleanSink.sink.stop(),
    () => faultSink.sink.stop(),
  );
  const relay = smtpServerOf(faultSink.sink);
  const accept = relay.onRcptTo;
  let relayDelay = 0;
  relay.onRcptTo = (...args: unknown[]) => setTimeout(() => accept(...args), relayDelay);

  const queues = { clean: `tq-fault-ferret-clean-${tag}`, faulted: `tq-fault-ferret-faulted-${tag}` };
  const [cleanWorker, faultWorker] = await Promise.all([
    startWorker({
      address: temporal.url,
      taskQueue: queues.clean,
      mongoUri: process.env.LC_TEST_MONGODB_URI!,
      db: cleanDb.db.databaseName,
      smtpUrl: cleanSink.sink.url,
    }),
    startWorker({
      address: temporal.url,
      taskQueue: queues.faulted,
      mongoUri: ferret.url,
      db: faultDb.databaseName,
      smtpUrl: faultSink.sink.url,
    }),
  ]);
  cleanup.push(
    () => cleanWorker.kill(),
    () => faultWorker.kill(),
  );

  // Both runs take the attendance of the first session once FerretDB is down.
  let ferretStopped!: () => void;
  const ferretDown = new Promise<void>((resolve) => (ferretStopped = resolve));
  const t0 = Date.now();
  const common = {
    t0,
    timeline: TIMELINE,
    client: () => client,
    attendWhen: (session: number) => (session === 0 ? ferretDown : undefined),
  };
  const cleanRun = new CollaborativeRun({
    ...common,
    label: 'clean',
    slug: `clean-${tag}`,
    db: () => cleanDb.db,
    taskQueue: queues.clean,
  });
  const faultedRun = new CollaborativeRun({
    ...common,
    label: 'faulted',
    slug: `faulted-${tag}`,
    db: () => faultDb,
    taskQueue: queues.faulted,
  });
  const runs = [cleanRun, faultedRun];
  const events: string[] = [];
  const note = (s: string) => events.push(`${seconds(Date.now() - t0).padStart(7)} [fault] ${s}`);
  try {
    await Promise.all([cleanRun.launch(cleanDb.db), faultedRun.launch(faultDb)]);
    const driving = driveAll(runs);

    // ---- the fault: FerretDB stopped while the invitations to LS2 go out, 30 s, started again
    await sleep(t0 + TIMELINE.sessions[0] * 1000 - Date.now());
    relayDelay = RELAY_DELAY_MS;
    const invitesAtSink = () =>
      faultSink.sink.received.filter((m) =>
        /:session-invite:[^:]+:1:/.test(String(m.parsed.headers.get('x-lc-key'))),
      ).length;
    await waitFor(
      'the first invitation to the second session, to stop FerretDB at',
      () => invitesAtSink() > 0,
      {
        pollMs: 20,
        failed: driving.failure,
      },
    );
    const sigterm = Date.now();
    note('first invitation to LS2 delivered: SIGTERM to FerretDB');
    await ferret.stop();
    const stopAt = Date.now();
    ferretStopped();
    note(
      `FerretDB exited ${stopAt - sigterm} ms after the SIGTERM; ${invitesAtSink()} invitations to LS2 delivered`,
    );
    await sleep(OUTAGE_MS - 2000);
    note(`while FerretDB is down: ${await faultedRun.pendingActivities()}`);
    await sleep(OUTAGE_MS - (Date.now() - stopAt));
    ferret = await startFerret();
    ferretRuns++;
    relayDelay = 0;
    note(
      `FerretDB listens again on :${ferretPort}, ${seconds(Date.now() - stopAt)} after it exited; ` +
        `${invitesAtSink()} invitations to LS2 delivered`,
    );

    await driving.done;
    await Promise.all(runs.map((r) => r.awaitEnd(180_000)));
  } catch (err) {
    console.log(diagnostics(runs, [cleanWorker, faultWorker], events));
    throw err;
  }

  const summary = await concludeFault({
    name: 'ferretdb-outage',
    runs: ferretRuns,
    clean: { run: cleanRun, sink: cleanSink.sink },
    faulted: { run: faultedRun, sink: faultSink.sink },
    events,
    started,
  });
  expect(summary.faults).toBe(1);
  // The outage was felt: activities failed while FerretDB was down and were retried.
  expect(summary.faulted.retries).toBeGreaterThan(0);
  expect(summary.clean.retries).toBe(0);
  expectSameAsClean(summary);
}
