/**
 * The outage faults of a collaborative's life, each beside a clean run (see scenario.ts): the SMTP
 * server down for 60 s, the MongoDB-wire server down for 30 s, the Temporal server restarted.
 * Each has its own Temporal server, worker processes, SMTP servers and databases, and spends most
 * of its two to three minutes waiting for the compressed schedule's dates, so the three run at the
 * same time: the file takes as long as the longest of them, not the sum (about 3 minutes instead
 * of 7). The timeouts are safety nets, beyond the steps' own (PATIENCE_MS in scenario.ts).
 * `npx jest test/faults -t SMTP` runs one alone.
 */
import { cleanupAfterAll } from './scenario';
import { ferretdbOutage } from './ferretdb-outage';
import { smtpOutage } from './smtp-outage';
import { temporalRestart } from './temporal-restart';

const cleanup = cleanupAfterAll();

it.concurrent(
  'SMTP server down for 60 s: emails due while it is down are delivered once it returns, each exactly once',
  () => smtpOutage(cleanup),
  600_000,
);

it.concurrent(
  'MongoDB-wire server down for 30 s: activities retry until it is back; the workflow does not fail, nothing is lost or sent twice',
  () => ferretdbOutage(cleanup),
  600_000,
);

it.concurrent(
  'Temporal server restarted: running workflows continue after a SIGTERM and restart on the same database file, with the same emails and records',
  () => temporalRestart(cleanup),
  600_000,
);
