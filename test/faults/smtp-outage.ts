/**
 * Fault: the SMTP server down for 60 s. After the applications are in and before the decisions
 * are due, the faulted run's SMTP server stops listening (and ends its connections with a 421);
 * 60 s later it listens again on the same port. The decisions fall due while it is down: the
 * sends fail (connection refused), the outbox releases their claims, and the activity is retried
 * with its backoff (5, 10, 20, 40 s) until the server is back. Every email must then be delivered
 * exactly once — counted at the SMTP server by business key and by Message-ID — and the run must
 * end with the same emails and records as the clean run beside it.
 */
import { randomBytes } from 'node:crypto';

import { testDb } from '../helpers/env';
import {
  temporalWithClient,
  concludeFault,
  CollaborativeRun,
  diagnostics,
  driveAll,
  expectSameAsClean,
  runDir,
  seconds,
  sink,
  sleep,
  smtpDown,
  smtpUp,
  startWorker,
  waitFor,
  type Timeline,
  type Cleanup,
} from './scenario';

const OUTAGE_MS = 60_000;

/**
 * The SMTP server goes down once the confirmations of the applications are delivered (they are
 * all in by the close at 20 s), not before 12 s, and is back 60 s later: between 72 and about
 * 85 s. The decisions fall due at 60 s, inside the outage: the notification's attempts come at 60,
 * 65, 75 and 95 s (its retry policy: 5 s, then doubling), so it is delivered at 75 or 95 s (the
 * return is well before 95 s, so never at the attempt after, 135 s), and the teams start long
 * before the first session at 125 s.
 */
const TIMELINE: Timeline = {
  info: 10,
  close: 20,
  decisions: 60,
  prework: 62,
  sessions: [125, 140, 155],
  sessionSeconds: 5,
  end: 167,
};
const DOWN_AT = 12;

/** fault: the SMTP server is down for 60 s: emails due while it is down are delivered once it returns, each exactly once. */
export async function smtpOutage(cleanup: Cleanup): Promise<void> {
  const started = Date.now();
  const tag = randomBytes(2).toString('hex');
  const temporal = await temporalWithClient(runDir(`smtp-outage-${tag}`), cleanup);
  const client = temporal.client;

  const [cleanDb, faultDb] = [await testDb('fault_smtp_clean'), await testDb('fault_smtp_faulted')];
  const [cleanSink, faultSink] = [await sink(), await sink()];
  cleanup.push(
    () => cleanDb.close(),
    () => faultDb.close(),
    () => cleanSink.sink.stop(),
    () => faultSink.sink.stop(),
  );
  const queues = { clean: `tq-fault-smtp-clean-${tag}`, faulted: `tq-fault-smtp-faulted-${tag}` };
  const [cleanWorker, faultWorker] = await Promise.all(
    [[cleanDb, cleanSink, queues.clean] as const, [faultDb, faultSink, queues.faulted] as const].map(
      ([db, s, taskQueue]) =>
        startWorker({
          address: temporal.url,
          taskQueue,
          mongoUri: process.env.LC_TEST_MONGODB_URI!,
          db: db.db.databaseName,
          smtpUrl: s.sink.url,
        }),
    ),
  );
  cleanup.push(
    () => cleanWorker!.kill(),
    () => faultWorker!.kill(),
  );

  const t0 = Date.now();
  const common = { t0, timeline: TIMELINE, client: () => client };
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
    db: () => faultDb.db,
    taskQueue: queues.faulted,
  });
  const runs = [cleanRun, faultedRun];
  const events: string[] = [];
  const note = (s: string) => events.push(`${seconds(Date.now() - t0).padStart(7)} [fault] ${s}`);
  let smtpRuns = 1;
  let downAt = 0;
  let upAt = 0;
  try {
    await Promise.all([cleanRun.launch(cleanDb.db), faultedRun.launch(faultDb.db)]);
    const driving = driveAll(runs);

    // ---- the fault: the SMTP server down for 60 s across the decisions ---------------------
    const confirmations = () =>
      faultSink.sink.received.filter((m) =>
        /:application-received:/.test(String(m.parsed.headers.get('x-lc-key'))),
      ).length;
    await waitFor('the 8 confirmations of the applications at the SMTP server', () => confirmations() >= 8, {
      pollMs: 20,
      failed: driving.failure,
    });
    await sleep(t0 + DOWN_AT * 1000 - Date.now());
    const before = faultSink.sink.received.length;
    await smtpDown(faultSink.sink);
    downAt = Date.now();
    note(`SMTP server down (port ${faultSink.sink.port}); ${before} emails delivered before`);
    await sleep(OUTAGE_MS - 2000);
    note(`while the SMTP server is down: ${await faultedRun.pendingActivities()}`);
    await sleep(downAt + OUTAGE_MS - Date.now());
    await smtpUp(faultSink.sink);
    upAt = Date.now();
    smtpRuns++;
    note(
      `SMTP server listens again after ${seconds(upAt - downAt)}; ` +
        `${faultSink.sink.received.length - before} emails delivered while it was down`,
    );

    await driving.done;
    await Promise.all(runs.map((r) => r.awaitEnd(180_000)));
  } catch (err) {
    console.log(diagnostics(runs, [cleanWorker!, faultWorker!], events));
    throw err;
  }

  const received = faultSink.sink.received;
  const messageIds = new Set(received.map((m) => m.parsed.messageId));
  const duringOutage = received.filter(
    (m) => m.receivedAt.getTime() >= downAt && m.receivedAt.getTime() < upAt,
  );
  const afterReturn = received.filter((m) => m.receivedAt.getTime() >= upAt);
  const firstAfter = afterReturn.length ? seconds(afterReturn[0]!.receivedAt.getTime() - upAt) : 'never';
  const retried = await faultDb.db.collection('outbox').countDocuments({ attempts: { $gt: 1 } });
  const summary = await concludeFault({
    name: 'smtp-outage',
    runs: smtpRuns,
    clean: { run: cleanRun, sink: cleanSink.sink },
    faulted: { run: faultedRun, sink: faultSink.sink },
    events,
    started,
    extra: (s) => [
      `at the SMTP server: ${received.length} deliveries, ${s.faulted.deliveries.size} business keys, ` +
        `${messageIds.size} Message-IDs; ${duringOutage.length} while it was down, the first after its return ${firstAfter} later; ` +
        `${retried} emails needed more than one attempt`,
    ],
  });
  expect(summary.faults).toBe(1);
  expect(duringOutage).toEqual([]);
  // The outage was felt: sends failed while it was down, and were retried.
  expect(summary.faulted.retries).toBeGreaterThan(0);
  expect(retried).toBeGreaterThan(0);
  // Exactly once, counted both ways at the SMTP server.
  expect(messageIds.size).toBe(received.length);
  expect(summary.faulted.deliveries.size).toBe(received.length);
  expectSameAsClean(summary);
}
