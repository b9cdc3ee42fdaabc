/** The sizes every scenario reads; set on the command line (see `npm run bench -- --help`). */
export interface BenchOptions {
  /** Fan-out: PIs the announcement goes to. */
  pis: number;
  /** Fan-out: emails in flight at once (sendAnnouncements' default, `sendConcurrency`, is 8). */
  concurrency: number;
  /** Fan-out: SMTP connections of the pooled transport (createTransport's default is 3). */
  pool: number;
  /** Compliance: teams with submissions, in collaboratives of `teamsPerLc`. */
  teams: number;
  teamsPerLc: number;
  periods: number;
  /** Compliance: timed repetitions of each query (the median is reported). */
  repeat: number;
  /**
   * Lifecycle: accepted teams of the 18-month collaborative. 10 by default, not 30: on FerretDB's
   * SQLite backend every outbox write scans the whole outbox, so the run grows with the square of
   * the emails (5 teams: ~3 min, 10: ~15 min, 30: estimated 2 h). See bench/README.md.
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
}

export const DEFAULTS: BenchOptions = {
  pis: 1000,
  concurrency: 8,
  pool: 3,
  teams: 1000,
  teamsPerLc: 50,
  periods: 18,
  repeat: 7,
  lifecycleTeams: 10,
  lifecycleMetrics: true,
  cached: [0, 100, 500, 1000],
  restart: 500,
  workflows: 300,
};
