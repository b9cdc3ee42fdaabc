/** The sizes every scenario reads; set on the command line (see `npm run bench -- --help`). */
export interface BenchOptions {
  /** FerretDB's backend for the database scenarios: SQLite (the project's) or a private PostgreSQL. */
  store: 'sqlite' | 'postgresql';
  /** Fan-out: PIs the announcement goes to. */
  pis: number;
  /** Fan-out: emails in flight at once (sendAnnouncements' default, `sendConcurrency`, is 8). */
  concurrency: number;
  /** Fan-out: SMTP connections of the pooled transport (createTransport's default is 3). */
  pool: number;
  /**
   * Fan-out: rounds of raw nodemailer and `Outbox.send`, alternately (which goes first alternates
   * too); the ratio is the median of the rounds' ratios, so a burst of load on the shared machine
   * moves one round, not the figure.
   */
  fanoutRounds: number;
  /** Compliance: teams with submissions, in collaboratives of `teamsPerLc`. */
  teams: number;
  teamsPerLc: number;
  periods: number;
  /** Compliance: timed repetitions of each query (the median is reported). */
  repeat: number;
  /**
   * Lifecycle: accepted teams of the 18-month collaborative: 30 by default, the full size (249 s on
   * FerretDB/SQLite on 2026-12-02, 14 min before the `_id` and outbox changes; bench/README.md).
   */
  lifecycleTeams: number;
  /** Lifecycle: whether teams report monthly metrics (the example collaborative does). */
  lifecycleMetrics: boolean;
  /** Memory: cached team workflows at which RSS is sampled. */
  cached: number[];
  /** Restart: team workflows a cold worker must pick up again. */
  restart: number;
  /** Throughput: workflows started per kind. */
  workflows: number;
  /**
   * Throughput, DIAGNOSTIC ONLY: `memory` runs the team workflows' record activities against an
   * in-memory map instead of the database, to show how much of the time is the database's.
   */
  throughputActivities: 'db' | 'memory';
  /** By _id: the two collection sizes (small, large) at which the calls by `_id` are timed. */
  byIdDocs: number[];
  /** By _id: timed calls of each kind at each size (the median is reported). */
  byIdSamples: number;
  /** Page charts: the teams and periods of the collaborative whose run charts are drawn. */
  pageTeams: number;
  pagePeriods: number;
  /** Coordinator page: the emails in the collaborative's outbox. */
  pageEmails: number;
}

export const DEFAULTS: BenchOptions = {
  store: 'sqlite',
  pis: 1000,
  concurrency: 8,
  pool: 3,
  fanoutRounds: 5,
  teams: 1000,
  teamsPerLc: 50,
  periods: 18,
  repeat: 7,
  lifecycleTeams: 30,
  lifecycleMetrics: true,
  cached: [0, 100, 500, 1000],
  restart: 500,
  workflows: 300,
  throughputActivities: 'db',
  byIdDocs: [1000, 100_000],
  byIdSamples: 60,
  pageTeams: 30,
  pagePeriods: 18,
  pageEmails: 10_000,
};
