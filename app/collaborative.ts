/** The use cases of a Learning Collaborative: launch, the lifecycle's inputs, rescheduling, status, metrics. */
import { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import { parseLaunchConfig } from '../domain/config';
import { ValidationError } from '../domain/errors';
import {
  addFacultySchema,
  addSiteSchema,
  applicationSchema,
  attendanceSchema,
  cancelSchema,
  decisionSchema,
  feedbackSchema,
  preworkSchema,
  rescheduleSchema,
  withdrawalSchema,
  type Application,
  type Attendance,
  type Cancel,
  type Decision,
  type Feedback,
  type PreworkDone,
  type Withdrawal,
} from '../domain/inputs';
import { type Submission } from '../domain/metrics';
import { milestoneNames, SIMPLE_MILESTONES } from '../domain/schedule';
import { toInstant } from '../domain/time';
import { currentSchedule, findProgramme, type CollaborativeDoc } from '../store/collaboratives';
import { COLLECTIONS } from '../store/db';
import { getSites } from '../store/sites';
import {
  addFaculty as addFacultyUpdate,
  addSite as addSiteUpdate,
  cancel as cancelUpdate,
  collaborativeWorkflow,
  completePrework as completePreworkUpdate,
  recordAttendance as recordAttendanceUpdate,
  recordDecision as recordDecisionUpdate,
  recordFeedback as recordFeedbackUpdate,
  reschedule as rescheduleUpdate,
  statusQuery,
  submitApplication as submitApplicationUpdate,
  submitMetrics as submitMetricsUpdate,
  teamStatusQuery,
  teamWorkflowId,
  withdraw as withdrawUpdate,
  type CollaborativeStatus,
  type TeamStatus,
  type TeamSummary,
} from '../workflows';
import { checkConfigAgainstDirectory } from './directory';
import { OperationError } from './errors';
import { queryStatus, sendUpdate, startOnce } from './gateway';
import { siteProblems, slugProblems, validate } from './validate';

export async function launch(client: Client, db: Db, taskQueue: string, input: unknown): Promise<string> {
  const config = parseLaunchConfig(input);
  await checkConfigAgainstDirectory(db, config);
  return startOnce(client, db, 'collaborative', collaborativeWorkflow, config, taskQueue);
}

export async function status(client: Client, slug: string): Promise<CollaborativeStatus> {
  return queryStatus(client, 'collaborative', slug, statusQuery);
}

// ---- the lifecycle's operations ------------------------------------------------------------------

/** A PI's application, or an amendment of it (each submission is a new version). */
export async function submitApplication(
  client: Client,
  slug: string,
  input: unknown,
  what = 'the application',
): Promise<{ siteId: string; version: number }> {
  const app: Application = validate(applicationSchema, input, what, slugProblems(slug));
  return sendUpdate(client, { slug }, submitApplicationUpdate, app, 'the application');
}

/** A faculty member's decision on an application, once applications have closed. */
export async function recordDecision(client: Client, slug: string, input: unknown) {
  const d: Decision = validate(decisionSchema, input, 'the decision', slugProblems(slug));
  return sendUpdate(client, { slug }, recordDecisionUpdate, d, 'the decision');
}

/** Attendance at a learning session; `session` is 0-based (LS1 = 0), as in the schema. */
export async function recordAttendance(client: Client, slug: string, siteId: string, input: unknown) {
  const a: Attendance = validate(attendanceSchema, input, 'the attendance', [
    ...slugProblems(slug),
    ...siteProblems(siteId),
  ]);
  return sendUpdate(client, { slug, siteId }, recordAttendanceUpdate, a, 'the attendance');
}

export async function completePrework(client: Client, slug: string, siteId: string, input: unknown) {
  const p: PreworkDone = validate(preworkSchema, input, 'the pre-work', [
    ...slugProblems(slug),
    ...siteProblems(siteId),
  ]);
  return sendUpdate(client, { slug, siteId }, completePreworkUpdate, p, 'the pre-work');
}

export async function withdraw(client: Client, slug: string, input: unknown) {
  const w: Withdrawal = validate(withdrawalSchema, input, 'the withdrawal', slugProblems(slug));
  return sendUpdate(client, { slug }, withdrawUpdate, w, 'the withdrawal');
}

export async function cancel(client: Client, slug: string, input: unknown) {
  const c: Cancel = validate(cancelSchema, input, 'the cancellation', slugProblems(slug));
  return sendUpdate(client, { slug }, cancelUpdate, c, 'the cancellation');
}

export async function recordFeedback(client: Client, slug: string, input: unknown) {
  const f: Feedback = validate(feedbackSchema, input, 'the feedback', slugProblems(slug));
  return sendUpdate(client, { slug }, recordFeedbackUpdate, f, 'the feedback');
}

/**
 * Adds a faculty member to the running collaborative (a coordinator's change): the workflow then
 * takes their decisions and feedback, and the record gives them the faculty role in the web app.
 */
export async function addFaculty(client: Client, db: Db, slug: string, input: unknown) {
  const f = validate(addFacultySchema, input, 'the new faculty member', slugProblems(slug));
  const doc = await collaborativeRecord(db, slug);
  if (doc.config.faculty.some((p) => p.email === f.email))
    throw new ValidationError('the new faculty member', [
      `email: ${f.email} is already faculty of this collaborative`,
    ]);
  return sendUpdate(client, { slug }, addFacultyUpdate, f, 'the new faculty member');
}

/**
 * Adds a site of the directory to the announcement after it went out: its PI receives the
 * announcement and may apply until applications close (the workflow refuses after).
 */
export async function announceLateSite(client: Client, db: Db, slug: string, input: unknown) {
  const a = validate(addSiteSchema, input, 'the late site', slugProblems(slug));
  const doc = await collaborativeRecord(db, slug);
  const [site] = await getSites(db, [a.siteId]);
  const problem = !site
    ? `"${a.siteId}" is not a site of the network directory; add it there first`
    : !site.active
      ? `${site.name} (${a.siteId}) is inactive in the network directory; reactivate it first`
      : doc.announcedTo?.includes(a.siteId)
        ? `${site.name} (${a.siteId}) was already announced to`
        : undefined;
  if (problem) throw new ValidationError('the late site', [`siteId: ${problem}`]);
  return sendUpdate(client, { slug }, addSiteUpdate, a, 'the late site');
}

/** The collaborative's record in MongoDB (its config, time zone and current schedule). */
export async function collaborativeRecord(db: Db, slug: string): Promise<CollaborativeDoc> {
  const doc = await findProgramme<CollaborativeDoc>(db, COLLECTIONS.collaboratives, slug).catch(
    (err: Error) => {
      throw new OperationError(`cannot read the collaborative "${slug}" from MongoDB (${err.message})`);
    },
  );
  if (!doc) throw new OperationError(`no collaborative "${slug}" in the database`, 'not-found');
  return doc;
}

/**
 * A milestone as people name it → its name in the schedule: `LS2`/`ls2` → `learningSessions[1]`,
 * `call1` → `informationalCalls[0]` (both numbered from 1), `applicationsclose` →
 * `applicationsClose`; the schedule's own names (`learningSessions[1]`) pass through.
 */
export function milestoneFromName(name: string): string {
  const n = name.trim();
  const simple = SIMPLE_MILESTONES.find((m) => m.toLowerCase() === n.toLowerCase());
  if (simple) return simple;
  const friendly = /^(ls|learning-?sessions?|call|info-?call|informational-?calls?)\s*(\d+)$/i.exec(n);
  if (friendly && Number(friendly[2]) >= 1) {
    const list = /^(ls|learning)/i.test(friendly[1]!) ? 'learningSessions' : 'informationalCalls';
    return `${list}[${Number(friendly[2]) - 1}]`;
  }
  const indexed = /^(informationalCalls|learningSessions)\[(\d+)\]$/i.exec(n);
  if (indexed)
    return `${/^learning/i.test(indexed[1]!) ? 'learningSessions' : 'informationalCalls'}[${Number(indexed[2])}]`;
  return n;
}

/** `learningSessions[1]` → `LS2`, `informationalCalls[0]` → `call1`; others unchanged. */
export function friendlyMilestone(name: string): string {
  const m = /^(informationalCalls|learningSessions)\[(\d+)\]$/.exec(name);
  if (!m) return name;
  return `${m[1] === 'learningSessions' ? 'LS' : 'call'}${Number(m[2]) + 1}`;
}

export interface RescheduleRequest {
  /** A schedule name (`learningSessions[1]`) or a friendly one (`LS2`, `call1`). */
  milestone: string;
  /** As a coordinator types it: 2027-05-20 (09:00), 2027-05-20T09:30, or with an offset/Z. */
  date: string;
  by: string;
}

/**
 * Moves a milestone. The date is read in the collaborative's time zone (from its record in
 * MongoDB) unless it carries an offset, and sent as a UTC instant.
 */
export async function reschedule(client: Client, db: Db, slug: string, request: RescheduleRequest) {
  const early = slugProblems(slug);
  if (early.length) throw new ValidationError('the reschedule', early);
  const doc = await collaborativeRecord(db, slug);
  const timeZone = doc.config.timeZone;
  const problems: string[] = [];
  const milestone = milestoneFromName(String(request.milestone ?? ''));
  const names = milestoneNames(currentSchedule(doc));
  if (!names.includes(milestone as never))
    problems.push(
      `milestone: unknown milestone "${request.milestone}"; one of: ${names
        .map((n) => (friendlyMilestone(n) === n ? n : `${n} (${friendlyMilestone(n)})`))
        .join(', ')}`,
    );
  const date = String(request.date ?? '').trim();
  const at = toInstant(date, timeZone);
  if (!at)
    problems.push(
      `date: "${date}" is not a date; write 2027-05-20 (09:00), 2027-05-20T09:30 (in ${timeZone}) or 2027-05-20T09:30-04:00`,
    );
  const input = validate(
    rescheduleSchema,
    { milestone, at: at ?? date, by: request.by },
    'the reschedule',
    problems,
  );
  const r = await sendUpdate(client, { slug }, rescheduleUpdate, input, 'the reschedule');
  return { ...r, at: r.at.replace(/\.000Z$/, 'Z'), timeZone };
}

// ---- status --------------------------------------------------------------------------------------

export interface TeamLine extends TeamSummary {
  /** The team workflow's status, for accepted and completed teams. */
  team?: TeamStatus;
  /** Why the team's status could not be read, if it could not. */
  teamError?: string;
}

export interface StatusReport extends Omit<CollaborativeStatus, 'teams'> {
  /** The collaborative's time zone (from its record; UTC when the record is missing). */
  timeZone: string;
  teams: TeamLine[];
}

/** The collaborative's status, its time zone, and each accepted or completed team's own status. */
export async function statusReport(client: Client, db: Db, slug: string): Promise<StatusReport> {
  const early = slugProblems(slug);
  if (early.length) throw new ValidationError('the slug', early);
  const s = await status(client, slug);
  const doc = await collaborativeRecord(db, slug).catch((err: unknown) => {
    if (err instanceof OperationError && err.kind === 'not-found') return undefined;
    throw err;
  });
  const teams = await Promise.all(
    s.teams.map(async (t): Promise<TeamLine> => {
      if (t.state !== 'accepted' && t.state !== 'completed') return { ...t };
      try {
        const team = await client.workflow.getHandle(teamWorkflowId(slug, t.siteId)).query(teamStatusQuery);
        return { ...t, team };
      } catch (err) {
        return { ...t, teamError: (err as Error).message };
      }
    }),
  );
  return { ...s, timeZone: doc?.config.timeZone ?? 'UTC', teams };
}

/** Sessions (1-based, as people number them) where at least one member of the team was present. */
export function sessionsAttended(team: TeamStatus): number[] {
  return Object.entries(team.attendance)
    .filter(([, members]) => Object.values(members).some(Boolean))
    .map(([session]) => Number(session) + 1)
    .sort((a, b) => a - b);
}

/** Sends a team's metrics for a period (submitting a period again amends it). */
export async function submitMetrics(client: Client, slug: string, siteId: string, input: Submission) {
  return sendUpdate(client, { slug, siteId }, submitMetricsUpdate, input, 'the metrics');
}
