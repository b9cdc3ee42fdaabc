/**
 * What the fault tests share: one compressed collaborative (seconds-scale dates), driven the same
 * way twice at the same moment — a clean run and a run whose service the test takes down — and the
 * comparison of what each left behind: the workflows' outcome, the emails at its SMTP server (by
 * business key and by Message-ID) and its records in MongoDB.
 *
 * The lifecycle: 4 sites announced (with the informational-call invitation), 4 applications,
 * faculty decide (2 accepted, 1 waitlisted, 1 declined), the decisions go out and 2 team workflows
 * start, pre-work is recorded, attendance at learning sessions 1 and 2, the end, the final report.
 * Each test places its fault in that timeline and leaves enough room after it that nothing due
 * during the fault goes stale (a reminder reached after what it reminds of is skipped by design).
 *
 * The summary line: `runs` is how many times the component under fault ran (was started), `faults`
 * how many times the test took it down; workflows, emails and records are those of the faulted
 * run, `expected` being what the clean run produced.
 */
import {
  Client,
  Connection,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Db } from 'mongodb';
import fs from 'node:fs';
import path from 'node:path';
import * as ops from '../../app';
import { PHASES } from '../../domain/phases';
import { messageIdFor } from '../../mail/outbox';
import { COLLECTIONS } from '../../store/db';
import { upsertSites } from '../../store/sites';
import { freePort, startTemporal } from '../../tools/services';
import {
  completePrework,
  recordAttendance,
  recordDecision,
  statusQuery,
  submitApplication,
  teamStatusQuery,
  teamWorkflowId,
  type CollaborativeStatus,
} from '../../workflows';
import { exampleConfig } from '../helpers/configs';
import { MAIL_FROM } from '../helpers/env';
import { applicationFor, exampleSites, piOf } from '../helpers/people';
import { SmtpSink, type ReceivedMail } from '../helpers/smtp-sink';
import { WorkerProcess } from '../helpers/worker-process';

export const FACULTY = 'jcohen@faculty.example.org';
export const SITE_IDS = ['bayview', 'cedar-hill', 'delta-youth', 'elm-street'];
const DECISIONS = {
  bayview: 'accept',
  'cedar-hill': 'accept',
  'delta-youth': 'waitlist',
  'elm-street': 'decline',
} as const;
const ACCEPTED = ['bayview', 'cedar-hill'];

export const SITES = exampleSites.filter((s) => SITE_IDS.includes(s.siteId));

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The dates of the compressed collaborative, in seconds from launch. */
export interface Timeline {
  info: number;
  close: number;
  decisions: number;
  prework: number;
  /** The starts of the three learning sessions; each lasts `sessionSeconds`. */
  sessions: [number, number, number];
  sessionSeconds: number;
  end: number;
}

/** The example collaborative with the timeline's dates, its 4 sites, and no metrics. */
export function timelineConfig(slug: string, t0: number, t: Timeline): Record<string, any> {
  const at = (s: number) => new Date(t0 + s * 1000).toISOString();
  const c = exampleConfig();
  c.slug = slug;
  c.title = 'Fault test collaborative';
  c.scheduleChecks = 'compressed';
  c.sites = SITE_IDS;
  delete c.metrics; // monthly periods have no place in a two-minute collaborative
  c.schedule = {
    announcement: at(0),
    informationalCalls: [{ start: at(t.info), durationMinutes: 30 }],
    applicationsOpen: at(0),
    applicationsClose: at(t.close),
    decisionsDue: at(t.decisions),
    prework: at(t.prework),
    learningSessions: t.sessions.map((s, i) => ({
      start: at(s),
      end: at(s + t.sessionSeconds),
      venue: `Venue ${i + 1}`,
    })),
    consultation: [],
    end: at(t.end),
  };
  return c;
}

/** What a fault scenario started, to stop after the file. */
export type Cleanup = (() => Promise<unknown>)[];

/** What a fault test started, stopped in reverse order after its file (a failing stop only warns). */
export function cleanupAfterAll(): Cleanup {
  const cleanup: Cleanup = [];
  afterAll(async () => {
    for (const f of cleanup.reverse()) await f().catch((err: Error) => console.warn(err.message));
  });
  return cleanup;
}

/** A Temporal dev server on a free port (logs in `logDir`) and a client of it, both stopped by `cleanup`. */
export async function temporalWithClient(
  logDir: string,
  cleanup: Cleanup,
): Promise<{ url: string; client: Client }> {
  const temporal = await startTemporal({ binary: process.env.TEMPORAL_CLI!, port: await freePort(), logDir });
  cleanup.push(() => temporal.stop());
  const { client, close } = await temporalClient(temporal.url);
  cleanup.push(close);
  return { url: temporal.url, client };
}

/** A Temporal client that survives its server going away (gRPC reconnects on the next call). */
export async function temporalClient(
  address: string,
): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ address });
  return { client: new Client({ connection }), close: () => connection.close() };
}

/** The real worker process for one run. */
export async function startWorker(o: {
  address: string;
  taskQueue: string;
  mongoUri: string;
  db: string;
  smtpUrl: string;
}): Promise<WorkerProcess> {
  const worker = new WorkerProcess({
    TEMPORAL_ADDRESS: o.address,
    TASK_QUEUE: o.taskQueue,
    MONGODB_URI: o.mongoUri,
    MONGODB_DB: o.db,
    SMTP_URL: o.smtpUrl,
    MAIL_FROM,
    WORKFLOW_BUNDLE: process.env.LC_TEST_WORKFLOW_BUNDLE,
  });
  await worker.start(90_000);
  return worker;
}

/**
 * How long one step waits for the state it needs (a workflow started, a phase reached, an email
 * delivered) before the test gives up. Only a safety net: under load the states come late, and
 * the steps wait for them, not for the schedule's dates.
 */
export const PATIENCE_MS = 180_000;

class NotYet extends Error {}

/** In a `waitFor` check: what it found instead, for the message if the wait gives up. */
export function notYet(found: string): never {
  throw new NotYet(found);
}

/**
 * Waits until `check` gives something other than undefined or false; its errors (a server
 * restarting, a workflow not started yet) count as "not yet". `failed` ends the wait with the
 * error of whatever the wait depends on (the runs' driving).
 */
export async function waitFor<T>(
  awaited: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  o: { timeoutMs?: number; pollMs?: number; failed?: () => unknown } = {},
): Promise<T> {
  const timeoutMs = o.timeoutMs ?? PATIENCE_MS;
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const failure = o.failed?.();
    if (failure) throw failure;
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err instanceof NotYet ? ` (found ${err.message})` : ` (last error: ${(err as Error).message})`;
    }
    if (Date.now() > deadline) throw new Error(`waited ${seconds(timeoutMs)} for ${awaited}${last}`);
    await sleep(o.pollMs ?? 300);
  }
}

const updateRefusal = (err: unknown) =>
  err instanceof WorkflowUpdateFailedError
    ? ((err.cause as Error | undefined)?.message ?? err.message)
    : undefined;

/**
 * Calls `fn` until it succeeds: a service down (connection refused, unavailable, a workflow not
 * started yet) is "not yet", for as long as `o.timeoutMs` (a safety net; `o.awaited` says what
 * it waits for). An Update refused by its validator fails the run, unless the refusal is one that
 * passes (`o.retryRefusal`); so does a workflow that has ended.
 */
async function persist<T>(
  what: string,
  fn: (attempt: number) => Promise<T>,
  o: { awaited: string; timeoutMs?: number; retryRefusal?: RegExp },
): Promise<T> {
  const timeoutMs = o.timeoutMs ?? PATIENCE_MS;
  const deadline = Date.now() + timeoutMs;
  let refusals = 0;
  for (;;) {
    try {
      return await fn(refusals);
    } catch (err) {
      const refusal = updateRefusal(err);
      if (refusal !== undefined) {
        if (!o.retryRefusal?.test(refusal)) throw new Error(`${what} was refused: ${refusal}`);
        refusals++;
      }
      if (err instanceof WorkflowNotFoundError && /already completed/i.test(err.message))
        throw new Error(`${what} came after its workflow ended: ${err.message}`);
      if (Date.now() > deadline)
        throw new Error(
          `${what} still failed after ${seconds(timeoutMs)} waiting for ${o.awaited}: ${(err as Error).message}`,
        );
      await sleep(300);
    }
  }
}

export interface RunOutcome {
  label: string;
  slug: string;
  workflows: { completed: number; total: number; notCompleted: string[] };
  /** Business key (without the slug) → the Message-ID of every delivery of it. */
  deliveries: Map<string, string[]>;
  delivered: number;
  records: string[];
  /** Activity attempts after the first, over every workflow of the run: how much the fault was felt. */
  retries: number;
}

/** One collaborative: launched, driven through its lifecycle, then read back. */
export class CollaborativeRun {
  readonly workflowId: string;
  readonly log: string[] = [];

  constructor(
    readonly o: {
      label: string;
      slug: string;
      t0: number;
      timeline: Timeline;
      client: () => Client;
      db: () => Db;
      taskQueue: string;
      /** What the attendance of a session also waits for, beyond the session's start (a fault's moment). */
      attendWhen?: (session: number) => Promise<void> | undefined;
    },
  ) {
    this.workflowId = `lc/${o.slug}`;
  }

  note(s: string): void {
    this.log.push(`${seconds(Date.now() - this.o.t0).padStart(7)} [${this.o.label}] ${s}`);
  }

  private at(s: number): number {
    return this.o.t0 + s * 1000;
  }

  private handle(workflowId = this.workflowId): WorkflowHandle {
    return this.o.client().workflow.getHandle(workflowId);
  }

  private async update<R, A>(
    what: string,
    workflowId: string,
    def: UpdateDefinition<R, [A]>,
    arg: A,
    awaited: string,
    retryRefusal?: RegExp,
  ): Promise<R> {
    // The same id for a resend after a lost answer, so the workflow applies it once.
    const id = `${this.o.slug}:${what}`;
    return persist(
      what,
      (refused) => this.handle(workflowId).executeUpdate(def, { args: [arg], updateId: `${id}:${refused}` }),
      { awaited, retryRefusal },
    );
  }

  async launch(db: Db): Promise<void> {
    await upsertSites(db, SITES);
    await ops.launch(
      this.o.client(),
      db,
      this.o.taskQueue,
      timelineConfig(this.o.slug, this.o.t0, this.o.timeline),
    );
    this.note(`launched ${this.workflowId}`);
  }

  /**
   * The people of the collaborative, each once the workflow is in the state their input needs.
   * The product's own windows stay: applications before they close, decisions before they are due
   * (a late one is escalated by email), attendance once its session started; the timelines leave
   * those room under load. Throws if an input misses its window.
   */
  async drive(): Promise<void> {
    const t = this.o.timeline;
    const status = () => this.handle().query(statusQuery);
    await waitFor(`the announcement of ${this.workflowId} to its ${SITE_IDS.length} sites`, async () => {
      const s = await status();
      return s.announcedTo === SITE_IDS.length || notYet(`announced to ${s.announcedTo}`);
    });
    for (const siteId of SITE_IDS)
      await this.update(
        `apply:${siteId}`,
        this.workflowId,
        submitApplication,
        applicationFor(siteId, piOf(siteId)),
        `${this.workflowId} to take the application`,
      );
    this.note('4 applications in');

    await waitFor(`${this.workflowId} to close its applications (phase review)`, async () => {
      const s = await status();
      return PHASES.indexOf(s.phase) >= PHASES.indexOf('review') || notYet(`phase ${s.phase}`);
    });
    for (const siteId of SITE_IDS)
      await this.update(
        `decide:${siteId}`,
        this.workflowId,
        recordDecision,
        { siteId, decision: DECISIONS[siteId as keyof typeof DECISIONS], notes: '', by: FACULTY },
        `${this.workflowId} to take the decision`,
      );
    if (Date.now() >= this.at(t.decisions))
      throw new Error(`the decisions were recorded after they were due (${t.decisions} s)`);
    this.note('4 decisions in');

    // The teams start once the decisions are sent, which a fault may hold up for a minute.
    for (const siteId of ACCEPTED) {
      const id = teamWorkflowId(this.o.slug, siteId);
      await waitFor(`the team workflow ${id} (started once the decisions are sent)`, () =>
        this.handle(id).query(teamStatusQuery),
      );
      this.note(`team ${siteId} running (LS1 at ${t.sessions[0]} s)`);
    }
    // Pre-work: all of it for bayview, the checklist for cedar-hill.
    const prework: [string, 'checklist' | 'commitment' | 'baseline'][] = [
      ['bayview', 'checklist'],
      ['bayview', 'commitment'],
      ['bayview', 'baseline'],
      ['cedar-hill', 'checklist'],
    ];
    for (const [siteId, item] of prework)
      await this.update(
        `prework:${siteId}:${item}`,
        teamWorkflowId(this.o.slug, siteId),
        completePrework,
        { item, by: `supervisor@${siteId}.example.org` },
        `the team workflow of ${siteId} to take the pre-work`,
      );
    this.note('pre-work in');

    const at = (siteId: string) => (who: string) => `${who}@${siteId}.example.org`;
    const attendance: [number, string, [string, boolean][]][] = [
      [
        0,
        'bayview',
        [
          ['leader', true],
          ['supervisor', true],
          ['clinician', true],
        ],
      ],
      [
        0,
        'cedar-hill',
        [
          ['leader', true],
          ['supervisor', false],
          ['clinician', false],
        ],
      ],
      [1, 'bayview', [['clinician', true]]],
    ];
    for (const [session, siteId, people] of attendance) {
      // Attendance is refused before its session starts; it is taken any time after, while the team runs.
      await sleep(this.at(t.sessions[session]!) + 1000 - Date.now());
      await this.o.attendWhen?.(session);
      await this.update(
        `attend:${session}:${siteId}`,
        teamWorkflowId(this.o.slug, siteId),
        recordAttendance,
        {
          session,
          attendees: people.map(([who, present]) => ({ email: at(siteId)(who), present })),
          by: FACULTY,
        },
        `the team workflow of ${siteId} to take the attendance of LS${session + 1}`,
        /still starting|has not started yet/,
      );
    }
    this.note('attendance in');
  }

  /** Waits for the collaborative's result; then every workflow of the run, as the server tells it. */
  async awaitEnd(timeoutMs: number): Promise<CollaborativeStatus> {
    const result = await persist(
      'the result of the collaborative',
      () => this.handle().result() as Promise<CollaborativeStatus>,
      { awaited: `${this.workflowId} to complete`, timeoutMs },
    );
    this.note(`the collaborative returned, phase ${result.phase}`);
    return result;
  }

  /** The activities the run's workflows wait for, with their attempt and last failure (for the log). */
  async pendingActivities(): Promise<string> {
    const out: string[] = [];
    for (const id of [this.workflowId, ...ACCEPTED.map((s) => teamWorkflowId(this.o.slug, s))]) {
      const d = await this.handle(id)
        .describe()
        .catch(() => undefined);
      for (const a of d?.raw.pendingActivities ?? [])
        out.push(
          `${id.replace(`lc/${this.o.slug}`, '') || 'collaborative'} ${a.activityType?.name} attempt ${a.attempt}` +
            (a.lastFailure?.message ? ` (last failure: ${a.lastFailure.message.slice(0, 80)})` : ''),
        );
    }
    return out.length ? out.join('; ') : 'no activity pending';
  }

  async outcome(received: ReceivedMail[]): Promise<RunOutcome> {
    const ids = [this.workflowId, ...ACCEPTED.map((s) => teamWorkflowId(this.o.slug, s))];
    const notCompleted: string[] = [];
    let retries = 0;
    for (const id of ids) {
      const h = this.handle(id);
      const d = await h.describe().catch(() => undefined);
      if (d?.status.name !== 'COMPLETED') notCompleted.push(`${id}: ${d?.status.name ?? 'not found'}`);
      const history = await h.fetchHistory().catch(() => undefined);
      for (const e of history?.events ?? [])
        if ((e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1) retries++;
    }
    const prefix = `${this.o.slug}:`;
    const deliveries = new Map<string, string[]>();
    for (const m of received) {
      const key = String(m.parsed.headers.get('x-lc-key') ?? '');
      const k = key.startsWith(prefix) ? key.slice(prefix.length) : `(foreign) ${key}`;
      deliveries.set(k, [...(deliveries.get(k) ?? []), m.parsed.messageId ?? '']);
    }
    return {
      label: this.o.label,
      slug: this.o.slug,
      workflows: { completed: ids.length - notCompleted.length, total: ids.length, notCompleted },
      deliveries,
      delivered: received.length,
      records: await recordsOf(this.o.db(), this.o.slug),
      retries,
    };
  }
}

/** The runs driven at once; `failure()` is their error once one failed, for a fault's waits to stop at. */
export function driveAll(runs: CollaborativeRun[]): { done: Promise<void[]>; failure: () => unknown } {
  let failure: unknown;
  const done = Promise.all(runs.map((r) => r.drive()));
  done.catch((err: unknown) => {
    failure = err ?? new Error('driving the runs failed');
  });
  return { done, failure: () => failure };
}

/**
 * The run's records, one line each, with what must match a clean run (its business key and state)
 * and without what may differ (ids, times, attempts, the slug).
 */
export async function recordsOf(db: Db, slug: string): Promise<string[]> {
  const strip = (k: string) => k.replace(`${slug}:`, '');
  type Doc = Record<string, any>;
  const pick: Record<string, (d: Doc) => string> = {
    [COLLECTIONS.applications]: (d) => `${d.siteId} v${d.version} ${d.decision?.decision ?? 'undecided'}`,
    [COLLECTIONS.teams]: (d) => `${d.siteId} ${d.status} promoted=${d.promoted}`,
    [COLLECTIONS.attendance]: (d) => `${d.siteId} LS${d.session} ${d.email} present=${d.present}`,
    [COLLECTIONS.prework]: (d) => `${d.siteId} ${d.item}`,
    [COLLECTIONS.feedback]: (d) => `${d.siteId} ${d.n}`,
    [COLLECTIONS.callRegistrations]: (d) => `${d.call} ${d.siteId} ${d.email}`,
    [COLLECTIONS.callAttendance]: (d) => `${d.call} ${d.siteId}`,
    [COLLECTIONS.reports]: (d) => `${d.kind} teams=${(d.teams as unknown[] | undefined)?.length}`,
    [COLLECTIONS.metrics]: (d) => `${d.siteId} ${d.period}`,
    [COLLECTIONS.outbox]: (d) => `${strip(d.key)} ${d.status} to=${d.to}`,
  };
  const out: string[] = [];
  const programme = await db.collection(COLLECTIONS.collaboratives).find({ slug }).toArray();
  for (const d of programme)
    out.push(`collaboratives: ${d.phase} announced=${[...(d.announcedTo ?? [])].sort().join(',')}`);
  for (const [name, line] of Object.entries(pick))
    for (const d of await db.collection(name).find({ collaborative: slug }).toArray())
      out.push(`${name}: ${line(d)}`);
  return out.sort();
}

export interface Summary {
  name: string;
  runs: number;
  faults: number;
  clean: RunOutcome;
  faulted: RunOutcome;
}

/** Emails expected (the clean run's distinct keys), delivered, and duplicates of the faulted run. */
export function emailCounts(s: Summary): { expected: number; delivered: number; duplicates: number } {
  return {
    expected: s.clean.deliveries.size,
    delivered: s.faulted.delivered,
    duplicates: s.faulted.delivered - s.faulted.deliveries.size,
  };
}

export function faultLine(s: Summary): string {
  const e = emailCounts(s);
  const w = s.faulted.workflows;
  return (
    `[fault] ${s.name}: runs=${s.runs} faults=${s.faults} workflows completed=${w.completed}/${w.total} ` +
    `emails expected=${e.expected} delivered=${e.delivered} duplicates=${e.duplicates} ` +
    `records expected=${s.clean.records.length} found=${s.faulted.records.length}`
  );
}

/** The one summary line, on its own line of the test output (not jest's console block). */
export function printFaultLine(line: string): void {
  process.stdout.write(`\n${line}\n`);
}

/**
 * What a fault must not change: every workflow completed, the same emails (one delivery of each
 * business key, with its key's Message-ID) and the same records as the clean run.
 */
export function expectSameAsClean(s: Summary): void {
  for (const run of [s.clean, s.faulted]) {
    expect(run.workflows.notCompleted).toEqual([]);
    // Each key once, with the Message-ID derived from it.
    const wrong = [...run.deliveries]
      .filter(([k, ids]) => ids.length !== 1 || ids[0] !== messageIdFor(`${run.slug}:${k}`, MAIL_FROM))
      .map(([k, ids]) => `${k}: ${ids.join(' ')}`);
    expect(wrong).toEqual([]);
  }
  // The clean run did the whole lifecycle: decisions, team emails, the final report.
  const keys = [...s.clean.deliveries.keys()];
  for (const kind of ['announcement', 'decision', 'prework', 'session-invite', 'final-report'])
    expect(keys.filter((k) => k.startsWith(`${kind}:`)).length).toBeGreaterThan(0);
  expect([...s.faulted.deliveries.keys()].sort()).toEqual(keys.sort());
  expect(s.faulted.records).toEqual(s.clean.records);
  expect(s.faulted.records.filter((r) => r.startsWith('outbox:') && !r.includes(' sent '))).toEqual([]);
}

/**
 * The end of a fault test: both runs' outcomes as a Summary, the log (both runs, their differences,
 * `extra` lines, activity retries and wall time) and the one `[fault]` line.
 */
export async function concludeFault(o: {
  name: string;
  /** How many times the faulted component ran (1 + the faults injected). */
  runs: number;
  clean: { run: CollaborativeRun; sink: SmtpSink };
  faulted: { run: CollaborativeRun; sink: SmtpSink };
  events: string[];
  started: number;
  extra?: (s: Summary) => string[];
}): Promise<Summary> {
  const summary: Summary = {
    name: o.name,
    runs: o.runs,
    faults: o.runs - 1,
    clean: await o.clean.run.outcome(o.clean.sink.received),
    faulted: await o.faulted.run.outcome(o.faulted.sink.received),
  };
  console.log(
    [
      ...diagnostics([o.clean.run, o.faulted.run], [], o.events).split('\n'),
      ...differences(summary),
      ...(o.extra?.(summary) ?? []),
      `activity retries: clean ${summary.clean.retries}, faulted ${summary.faulted.retries}; wall ${seconds(Date.now() - o.started)}`,
    ].join('\n'),
  );
  printFaultLine(faultLine(summary));
  return summary;
}

/** The log of both runs in time order, and the last lines of each worker. */
export function diagnostics(
  runs: CollaborativeRun[],
  workers: WorkerProcess[],
  extra: string[] = [],
): string {
  const lines = [...runs.flatMap((r) => r.log), ...extra].sort((a, b) => parseFloat(a) - parseFloat(b));
  return [...lines, ...workers.map((w, i) => `--- worker ${i + 1}, last 30 lines ---\n${w.output(30)}`)].join(
    '\n',
  );
}

/** The run directory of this jest run (the global setup made it), for a test's own services. */
export function runDir(name: string): string {
  const dir = path.join(process.env.LC_TEST_RUN_DIR ?? fs.mkdtempSync('/tmp/lc-faults-'), name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** An SMTP sink whose connection errors (a client's reset) are noted, never thrown. */
export async function sink(): Promise<{ sink: SmtpSink; errors: string[] }> {
  const s = await new SmtpSink().start();
  const errors: string[] = [];
  smtpServerOf(s).on('error', (err: Error) => errors.push(err.message));
  return { sink: s, errors };
}

interface SmtpServerInternals {
  server: import('node:net').Server;
  connections: Set<{ send(code: number, text: string): void; close(): void }>;
  listen(port: number, host: string, cb: () => void): void;
  on(event: 'error', f: (err: Error) => void): void;
  onRcptTo: (...args: unknown[]) => void;
}

/** The `smtp-server` instance inside the sink (the helper keeps it private). */
export function smtpServerOf(s: SmtpSink): SmtpServerInternals {
  return (s as unknown as { server: SmtpServerInternals }).server;
}

/** What the faulted run lacks or has in excess, compared with the clean run (for the log). */
export function differences(s: Summary): string[] {
  const diff = (a: string[], b: string[]) => {
    const left = [...a];
    for (const x of b) {
      const i = left.indexOf(x);
      if (i >= 0) left.splice(i, 1);
    }
    return left;
  };
  const keys = (r: RunOutcome) => [...r.deliveries.keys()];
  const out = [
    ...diff(keys(s.clean), keys(s.faulted)).map((k) => `email missing: ${k}`),
    ...diff(keys(s.faulted), keys(s.clean)).map((k) => `email not in the clean run: ${k}`),
    ...[...s.faulted.deliveries]
      .filter(([, ids]) => ids.length > 1)
      .map(([k, ids]) => `email delivered ${ids.length} times: ${k}`),
    ...diff(s.clean.records, s.faulted.records).map((r) => `record missing: ${r}`),
    ...diff(s.faulted.records, s.clean.records).map((r) => `record not in the clean run: ${r}`),
  ];
  return out.length ? out : ['no difference from the clean run'];
}

/**
 * The SMTP server goes down: it stops listening (new connections are refused) and ends the
 * connections it has with a 421, as a server that shuts down does.
 */
export async function smtpDown(s: SmtpSink): Promise<void> {
  const srv = smtpServerOf(s);
  const closed = new Promise<void>((resolve) => srv.server.close(() => resolve()));
  for (const c of srv.connections) {
    c.send(421, 'Service not available, closing transmission channel');
    c.close();
  }
  await Promise.race([closed, sleep(5000)]);
}

/** The SMTP server is back, on the same port, keeping what it received before. */
export async function smtpUp(s: SmtpSink): Promise<void> {
  await new Promise<void>((resolve) => smtpServerOf(s).listen(s.port, '127.0.0.1', resolve));
}
