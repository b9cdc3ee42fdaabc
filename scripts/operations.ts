/**
 * What coordinators do, independent of how they ask (CLI now, web API later): each operation
 * validates its input with the domain's zod schemas first and fails with a message they can act on.
 */
import { dataConverterFor, parseKeys } from '../security/codec';
import { temporalConnectionOptions, type TemporalSettings } from '../security/temporal-connection';
import fs from 'node:fs';
import path from 'node:path';
import {
  Client,
  Connection,
  isGrpcServiceError,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import type { QueryDefinition, UpdateDefinition, Workflow } from '@temporalio/common';
import { DateTime } from 'luxon';
import type { Db, Filter } from 'mongodb';
import YAML from 'yaml';
import type { z } from 'zod';
import { collaboratives, currentSchedule, type CollaborativeDoc } from '../activities/collaboratives';
import { COLLECTIONS } from '../activities/db';
import { computeCompliance, type ComplianceMatrix } from '../activities/metrics';
import type { EmailStatus, OutboxDoc } from '../activities/outbox';
import { getSites, listSites, upsertSites } from '../activities/sites';
import { emailSchema, siteIdSchema } from '../domain/common';
import { communityWorkflowId, parseCommunityConfig } from '../domain/community';
import { parseLaunchConfig, slugSchema, workflowIdFor, type LaunchConfig } from '../domain/config';
import { formatIssues, ValidationError } from '../domain/errors';
import {
  applicationSchema,
  attendanceSchema,
  cancelSchema,
  decisionSchema,
  feedbackSchema,
  joinSchema,
  leaveSchema,
  meetingAttendanceSchema,
  meetingSummarySchema,
  preworkSchema,
  rescheduleSchema,
  shareSchema,
  withdrawalSchema,
  type Application,
  type Attendance,
  type Cancel,
  type Decision,
  type Feedback,
  type MeetingAttendance,
  type MeetingSummary,
  type PreworkDone,
  type Withdrawal,
} from '../domain/inputs';
import { submissionSchema, type ComplianceCell, type Submission } from '../domain/metrics';
import { milestoneNames, SIMPLE_MILESTONES } from '../domain/schedule';
import { formatFromFileName, parseSitesFile } from '../domain/sites';
import type { Settings } from '../domain/settings';
import { formatInZone, toInstant } from '../domain/time';
import type { RenderedNotice } from '../templates/notices';
import {
  isTemplateName,
  renderSample,
  TEMPLATE_DESCRIPTIONS,
  TEMPLATE_NAMES,
  type TemplateName,
} from '../templates/samples';
import {
  cancel as cancelUpdate,
  collaborativeWorkflow,
  communityStatusQuery,
  completePrework as completePreworkUpdate,
  joinCommunity as joinUpdate,
  learningCommunityWorkflow,
  leaveCommunity as leaveUpdate,
  postShare as postShareUpdate,
  recordMeetingAttendance as meetingAttendanceUpdate,
  recordMeetingSummary as meetingSummaryUpdate,
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
  type CommunityStatus,
  type TeamStatus,
  type TeamSummary,
} from '../workflows';
import { LC_KIND, LC_PHASE } from '../workflows/search-attributes';

/**
 * What went wrong, for the caller to map: `unavailable` (a service cannot be reached: the CLI
 * exits 2) or a refusal people can act on (`refused` by the workflow's validator, `not-found`,
 * `conflict`, `input` such as an unreadable file: the CLI exits 1; a web API answers 4xx).
 */
export type OperationErrorKind = 'unavailable' | 'refused' | 'not-found' | 'conflict' | 'input';

export class OperationError extends Error {
  constructor(
    message: string,
    public readonly kind: OperationErrorKind = 'unavailable',
  ) {
    super(message);
    this.name = 'OperationError';
  }
}

export async function connectClient(
  s: TemporalSettings & Pick<Settings, 'TEMPORAL_NAMESPACE'> & Partial<Pick<Settings, 'LC_ENCRYPTION_KEYS'>>,
): Promise<Client> {
  // TLS files that cannot be read are a bad setting (a ValidationError), not an unreachable server.
  const options = temporalConnectionOptions(s);
  const connection = await Connection.connect({ ...options, connectTimeout: '5 seconds' }).catch(
    (err: Error) => {
      throw new OperationError(
        `cannot reach Temporal at ${s.TEMPORAL_ADDRESS} (${err.message}); is \`npm start\` running, or TEMPORAL_ADDRESS set?`,
      );
    },
  );
  // Payloads are encrypted when keys are configured: the client must hold the workers' keys.
  const dataConverter = dataConverterFor(s.LC_ENCRYPTION_KEYS ? parseKeys(s.LC_ENCRYPTION_KEYS) : undefined);
  return new Client({ connection, namespace: s.TEMPORAL_NAMESPACE, dataConverter });
}

export function readStructuredFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    // Node's message repeats the path ("ENOENT: …, open '<file>'"): say it once.
    const why = (err as Error).message.replace(/, \w+ '.*'$/s, '');
    throw new OperationError(`cannot read ${file}: ${why}`, 'input');
  }
  return parseStructuredText(text, file, /\.json$/i.test(file) ? 'json' : 'yaml');
}

/** YAML (a superset of JSON) or strict JSON text → a value; unreadable text is a ValidationError. */
export function parseStructuredText(text: string, what: string, format: 'json' | 'yaml' = 'yaml'): unknown {
  if (format === 'json') {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new ValidationError(what, [`not valid JSON: ${(err as Error).message}`]);
    }
  }
  const doc = YAML.parseDocument(text);
  if (doc.errors.length)
    throw new ValidationError(
      what,
      doc.errors.map((e) => e.message),
    );
  return doc.toJSON();
}

export async function importSites(db: Db, file: string) {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    // Node's message repeats the path ("ENOENT: …, open '<file>'"): say it once.
    const why = (err as Error).message.replace(/, \w+ '.*'$/s, '');
    throw new OperationError(`cannot read ${file}: ${why}`, 'input');
  }
  const { sites, errors } = parseSitesFile(text, formatFromFileName(file));
  if (errors.length) {
    throw new ValidationError(
      `${file} (nothing was imported)`,
      errors.flatMap((e) => e.problems.map((p) => `line ${e.line}: ${p}`)),
    );
  }
  return { count: sites.length, ...(await upsertSites(db, sites)) };
}

export { listSites };

/** Checks what only the database knows: the sites named in the config exist. */
export async function checkConfigAgainstDirectory(
  db: Db,
  config: Pick<LaunchConfig, 'sites'>,
  what = 'the launch config',
): Promise<void> {
  if (config.sites === 'all') {
    if ((await listSites(db, { activeOnly: true })).length === 0)
      throw new ValidationError(what, [
        'sites: the network directory has no active sites; import them first with `npm run lc -- sites import <file>`',
      ]);
    return;
  }
  const known = new Set((await getSites(db, config.sites)).map((s) => s.siteId));
  const unknown = config.sites.filter((id) => !known.has(id));
  if (unknown.length)
    throw new ValidationError(what, [
      `sites: not in the network directory: ${unknown.join(', ')} (see \`npm run lc -- sites list\`)`,
    ]);
}

/** What runs under a slug: a Learning Collaborative (`lc/<slug>`) or a Learning Community (`lcom/<slug>`). */
export type Programme = 'collaborative' | 'community';
const WORKFLOW_IDS: Record<Programme, (slug: string) => string> = {
  collaborative: workflowIdFor,
  community: communityWorkflowId,
};

const PROGRAMME_COLLECTIONS: Record<Programme, string> = {
  collaborative: COLLECTIONS.collaboratives,
  community: COLLECTIONS.communities,
};

/**
 * Starts a programme's workflow, once per slug ever: a second launch is refused, even after the
 * first ended. A slug is one programme's, collaborative or community, for as long as its records
 * are kept (Temporal forgets a closed workflow after its retention; the records do not), so a new
 * launch can never take over an old programme's records.
 */
async function startOnce(
  client: Client,
  db: Db,
  kind: Programme,
  workflow: Workflow,
  config: { slug: string },
  taskQueue: string,
): Promise<string> {
  const workflowId = WORKFLOW_IDS[kind](config.slug);
  for (const other of Object.keys(PROGRAMME_COLLECTIONS) as Programme[]) {
    const taken = await db
      .collection(PROGRAMME_COLLECTIONS[other])
      .findOne({ slug: config.slug }, { projection: { _id: 1 } })
      .catch((err: Error) => {
        throw new OperationError(`cannot read the programmes from MongoDB (${err.message})`);
      });
    if (taken)
      throw new OperationError(
        `a ${other} with slug "${config.slug}" was already launched (workflow ${WORKFLOW_IDS[other](config.slug)}); choose another slug`,
        'conflict',
      );
  }
  try {
    await client.workflow.start(workflow, {
      workflowId,
      taskQueue,
      args: [config],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: LC_KIND, value: kind },
        { key: LC_PHASE, value: 'scheduled' },
      ],
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      throw new OperationError(
        `a ${kind} with slug "${config.slug}" was already launched (workflow ${workflowId}); choose another slug`,
        'conflict',
      );
    throw unavailableOr(err);
  }
  return workflowId;
}

export async function launch(client: Client, db: Db, taskQueue: string, input: unknown): Promise<string> {
  const config = parseLaunchConfig(input);
  await checkConfigAgainstDirectory(db, config);
  return startOnce(client, db, 'collaborative', collaborativeWorkflow, config, taskQueue);
}

/** Asks a programme's workflow its status. */
async function queryStatus<T>(client: Client, kind: Programme, slug: string, query: QueryDefinition<T>) {
  try {
    return await client.workflow.getHandle(WORKFLOW_IDS[kind](slug)).query(query);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      throw new OperationError(`no ${kind} "${slug}" (workflow ${WORKFLOW_IDS[kind](slug)})`, 'not-found');
    throw unavailableOr(err);
  }
}

export async function status(client: Client, slug: string): Promise<CollaborativeStatus> {
  return queryStatus(client, 'collaborative', slug, statusQuery);
}

// ---- validation at the edge ------------------------------------------------------------------

type Schema<T> = z.ZodType<T, z.ZodTypeDef, unknown>;

/** Parses with a domain schema or throws a ValidationError listing every problem (and `extra` ones). */
export function validate<T>(schema: Schema<T>, input: unknown, what: string, extra: string[] = []): T {
  const r = schema.safeParse(input);
  const problems = [...extra, ...(r.success ? [] : formatIssues(r.error).map(requiredReadably))];
  if (problems.length || !r.success) throw new ValidationError(what, problems);
  return r.data;
}

/** zod says "Required" for a missing field; people read "by: required". */
function requiredReadably(problem: string): string {
  return problem.replace(/: Required$/, ': required');
}

function slugProblems(slug: string): string[] {
  const r = slugSchema.safeParse(slug);
  return r.success ? [] : formatIssues(r.error).map((p) => (p.startsWith('slug') ? p : `slug: ${p}`));
}

function siteProblems(siteId: string): string[] {
  const r = siteIdSchema.safeParse(siteId);
  return r.success ? [] : [`siteId: "${siteId}" is not a site id (letters, digits and dashes)`];
}

/** Throws a ValidationError when the slug cannot be one (for commands to check before connecting). */
export function checkSlug(slug: string): void {
  const problems = slugProblems(slug);
  if (problems.length) throw new ValidationError('the slug', problems);
}

// ---- sending Updates ---------------------------------------------------------------------------

/** How long an Update may take before we suspect that no worker serves the task queue. */
export const UPDATE_TIMEOUT_MS = 60_000;

/** gRPC status codes meaning "the service is not there (in time)": DEADLINE_EXCEEDED, UNAVAILABLE. */
const GRPC_UNREACHABLE = [4, 14];

/** A service failure the caller cannot fix by changing the input becomes `unavailable`. */
function unavailableOr(err: unknown): unknown {
  const grpc = err instanceof ServiceError ? err.cause : err;
  if (isGrpcServiceError(grpc) && GRPC_UNREACHABLE.includes(grpc.code))
    return new OperationError(
      `Temporal did not answer (${grpc.details || grpc.message}); is \`npm start\` running, or TEMPORAL_ADDRESS set?`,
    );
  return err;
}

async function whyNotFound(client: Client, workflowId: string, target: UpdateTarget): Promise<string> {
  const { slug, siteId } = target;
  const kind = target.programme ?? 'collaborative';
  const describe = (id: string) =>
    client.workflow
      .getHandle(id)
      .describe()
      .then((d) => d.status.name)
      .catch(() => undefined);
  const programme = await describe(WORKFLOW_IDS[kind](slug));
  if (!programme) return `no ${kind} "${slug}" (workflow ${WORKFLOW_IDS[kind](slug)})`;
  if (workflowId === WORKFLOW_IDS[kind](slug))
    return `the ${kind} "${slug}" has ended (${programme.toLowerCase()}) and takes no more input`;
  const team = await describe(workflowId);
  if (!team)
    return `site "${siteId}" has no team in "${slug}": only accepted teams do (see \`npm run lc -- status ${slug}\`)`;
  return `the team of "${siteId}" in "${slug}" has ended (${team.toLowerCase()}) and takes no more input`;
}

/** Where an Update goes: a collaborative (the default), one of its teams, or a community. */
export interface UpdateTarget {
  slug: string;
  siteId?: string;
  programme?: Programme;
}

/**
 * Sends one Update and waits for its result. A refusal by the workflow's validator becomes an
 * OperationError('refused') carrying the validator's message.
 */
export async function sendUpdate<Ret, Arg>(
  client: Client,
  target: UpdateTarget,
  def: UpdateDefinition<Ret, [Arg]>,
  input: Arg,
  what: string,
  timeoutMs = UPDATE_TIMEOUT_MS,
): Promise<Ret> {
  const workflowId = target.siteId
    ? teamWorkflowId(target.slug, target.siteId)
    : WORKFLOW_IDS[target.programme ?? 'collaborative'](target.slug);
  try {
    return await client.connection.withDeadline(Date.now() + timeoutMs, () =>
      client.workflow.getHandle(workflowId).executeUpdate(def, { args: [input] }),
    );
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      const cause = err.cause as Error | undefined;
      throw new OperationError(`${workflowId} refused ${what}: ${cause?.message ?? err.message}`, 'refused');
    }
    if (err instanceof WorkflowNotFoundError)
      throw new OperationError(await whyNotFound(client, workflowId, target), 'not-found');
    if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)
      throw new OperationError(
        `${workflowId} did not answer ${what} within ${Math.round(timeoutMs / 1000)} s; is a worker running on its task queue (\`npm start\` or \`npm run worker\`)?`,
      );
    throw unavailableOr(err);
  }
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

/** The collaborative's record in MongoDB (its config, time zone and current schedule). */
export async function collaborativeRecord(db: Db, slug: string): Promise<CollaborativeDoc> {
  const doc = await collaboratives(db)
    .findOne({ slug }, { projection: { _id: 0 } })
    .catch((err: Error) => {
      throw new OperationError(`cannot read the collaborative "${slug}" from MongoDB (${err.message})`);
    });
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

// ---- reading the CLI's arguments ---------------------------------------------------------------

/** `a@x, b@y` → [`a@x`, `b@y`]. */
export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Attendance as a coordinator gives it: sessions numbered from 1 (LS1 = 1), comma-separated
 * lists of who was present and absent. Returns the schema's shape (0-based session) or throws a
 * ValidationError listing every problem.
 */
export function attendanceFromArgs(args: {
  slug?: string;
  siteId?: string;
  session?: string;
  present?: string;
  absent?: string;
  by?: string;
}): Attendance {
  const problems: string[] = [
    ...(args.slug === undefined ? [] : slugProblems(args.slug)),
    ...(args.siteId === undefined ? [] : siteProblems(args.siteId)),
  ];
  const session = String(args.session ?? '').trim();
  const n = /^(ls)?\d+$/i.test(session) ? Number(session.replace(/^ls/i, '')) : NaN;
  if (!session) problems.push('session: required (sessions are numbered from 1: LS1 = 1)');
  else if (!(n >= 1))
    problems.push(`session: "${session}" is not a session number; sessions are numbered from 1 (LS1 = 1)`);
  const present = splitList(args.present);
  const absent = splitList(args.absent);
  for (const [flag, list] of [
    ['present', present],
    ['absent', absent],
  ] as const)
    for (const email of list)
      if (!emailSchema.safeParse(email).success)
        problems.push(`${flag}: "${email}" is not a valid email address`);
  const lower = new Set(present.map((e) => e.toLowerCase()));
  const both = absent.filter((e) => lower.has(e.toLowerCase()));
  if (both.length) problems.push(`listed as both present and absent: ${both.join(', ')}`);
  if (!present.length && !absent.length)
    problems.push('present: list the core-team members who attended (and with --absent, those who did not)');
  const by = emailSchema.safeParse(args.by);
  if (args.by === undefined) problems.push('by: required');
  else if (!by.success) problems.push(`by: "${args.by}" is not a valid email address`);
  if (problems.length) throw new ValidationError('the attendance', problems);
  return validate(
    attendanceSchema,
    {
      session: n - 1,
      attendees: [
        ...present.map((email) => ({ email, present: true })),
        ...absent.map((email) => ({ email, present: false })),
      ],
      by: args.by,
    },
    'the attendance',
  );
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

// ---- metrics: a team's submission --------------------------------------------------------------

/**
 * A team's metrics for one period as the CLI gives them: the period (`2027-06`), the values
 * object read from a .yaml or .json file, and who submits. Checks the envelope here (slug, site
 * id, period, values is a mapping, by is an email); the values themselves are checked against the
 * collaborative's measures by the team workflow's validator, whose message a refusal carries.
 */
export function metricsFromArgs(args: {
  slug: string;
  siteId: string;
  period: string;
  file: string;
  by?: string;
}): Submission {
  const values = readStructuredFile(args.file);
  const problems = [...slugProblems(args.slug), ...siteProblems(args.siteId)];
  if (values === null || typeof values !== 'object' || Array.isArray(values))
    problems.push(
      `values: ${args.file} must hold the values object, one key per measure (e.g. children_served: 12)`,
    );
  const r = submissionSchema.safeParse({
    period: String(args.period ?? '').trim(),
    values: problems.length ? {} : values,
    by: args.by,
  });
  if (!r.success)
    problems.push(
      // The period's own message names the field already: "period: period: …" reads as "period: …".
      ...formatIssues(r.error).map((p) => requiredReadably(p).replace(/^(\w+): \1: /, '$1: ')),
    );
  if (problems.length || !r.success) throw new ValidationError(`the metrics in ${args.file}`, problems);
  return r.data as Submission;
}

/** Sends a team's metrics for a period (submitting a period again amends it). */
export async function submitMetrics(client: Client, slug: string, siteId: string, input: Submission) {
  return sendUpdate(client, { slug, siteId }, submitMetricsUpdate, input, 'the metrics');
}

// ---- reports: metrics compliance ---------------------------------------------------------------

export const COMPLIANCE_SYMBOLS: Record<ComplianceCell, string> = {
  'on-time': '✓',
  late: 'L',
  missing: '✗',
  'not-yet-due': '·',
};
const COMPLIANCE_LABELS: Record<ComplianceCell, string> = {
  'on-time': 'on time',
  late: 'late',
  missing: 'missing',
  'not-yet-due': 'not yet due',
};
const CELLS = Object.keys(COMPLIANCE_SYMBOLS) as ComplianceCell[];

export interface ComplianceReport extends ComplianceMatrix {
  slug: string;
  title: string;
  timeZone: string;
  /** The instant the matrix describes (ISO). */
  asOf: string;
}

/** The team × period matrix of a collaborative's metrics at `now` (see activities/metrics.ts). */
export async function complianceReport(db: Db, slug: string, now: number): Promise<ComplianceReport> {
  checkSlug(slug);
  const doc = await collaborativeRecord(db, slug);
  if (!doc.config.metrics)
    throw new OperationError(
      `lc/${slug} collects no metrics (its launch config has no metrics block)`,
      'input',
    );
  const matrix = await computeCompliance(db, slug, now).catch((err: Error) => {
    throw new OperationError(`cannot read the metrics of "${slug}" from MongoDB (${err.message})`);
  });
  return {
    ...matrix,
    slug,
    title: doc.config.title,
    timeZone: doc.config.timeZone,
    asOf: new Date(now).toISOString(),
  };
}

const pct = (n: number, of: number) => (of ? `${((100 * n) / of).toFixed(1)}%` : '—');

/**
 * The matrix as people read it: one row per team, one column per period (✓ on time, L late,
 * ✗ missing, · not yet due), each team's on-time share of the periods due, then the totals.
 */
export function complianceLines(r: ComplianceReport): string[] {
  const out = [
    `Metrics compliance of ${r.title} (lc/${r.slug}) as of ${formatInZone(r.asOf, r.timeZone)}`,
    `${COMPLIANCE_SYMBOLS['on-time']} on time   ${COMPLIANCE_SYMBOLS.late} late   ${COMPLIANCE_SYMBOLS.missing} missing   ${COMPLIANCE_SYMBOLS['not-yet-due']} not yet due`,
    '',
  ];
  if (!r.teams.length) return [...out, `no team of lc/${r.slug} reports metrics yet (none is accepted)`];
  const w = Math.max(4, ...r.teams.map((t) => t.siteId.length));
  const col = Math.max(7, ...r.periods.map((p) => p.length));
  const centre = (s: string) => s.padStart(Math.ceil((col + s.length) / 2)).padEnd(col);
  out.push(`${'TEAM'.padEnd(w)}  ${r.periods.map(centre).join(' ')}  ON TIME`);
  for (const t of r.teams) {
    const due = t.cells.filter((c) => c !== 'not-yet-due').length;
    const onTime = t.cells.filter((c) => c === 'on-time').length;
    out.push(
      `${t.siteId.padEnd(w)}  ${t.cells.map((c) => centre(COMPLIANCE_SYMBOLS[c])).join(' ')}  ${`${onTime}/${due}`.padStart(7)}`,
    );
  }
  const all = r.teams.length * r.periods.length;
  const due = all - r.totals['not-yet-due'];
  const label = Math.max(...CELLS.map((c) => COMPLIANCE_LABELS[c].length));
  const count = String(all).length;
  out.push(
    '',
    `totals: ${all} team-periods (${r.teams.length} teams × ${r.periods.length} periods)`,
    ...CELLS.map(
      (c) =>
        `  ${COMPLIANCE_SYMBOLS[c]} ${COMPLIANCE_LABELS[c].padEnd(label)}  ${String(r.totals[c]).padStart(count)}  ${pct(r.totals[c], all).padStart(6)}`,
    ),
    `of the ${due} due: ${pct(r.totals['on-time'], due)} on time, ${pct(r.totals.late, due)} late, ${pct(r.totals.missing, due)} missing`,
  );
  return out;
}

/** The matrix as CSV, one row per team × period: `siteId,period,status` (status: on-time, late, missing, not-yet-due). */
export function complianceCsv(r: ComplianceReport): string {
  const rows = r.teams.flatMap((t) => t.cells.map((c, i) => `${t.siteId},${r.periods[i]},${c}`));
  return ['siteId,period,status', ...rows].join('\n') + '\n';
}

export function writeFileOrFail(file: string, content: string): string {
  const full = path.resolve(file);
  try {
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  } catch (err) {
    throw new OperationError(`cannot write ${file}: ${(err as Error).message}`, 'input');
  }
  return full;
}

// ---- reports: the email log ----------------------------------------------------------------------

export const EMAIL_STATUSES = ['sent', 'failed', 'claimed'] as const satisfies readonly EmailStatus[];
export const EMAIL_LOG_DEFAULT_LIMIT = 50;

export interface EmailLogFilter {
  status?: string;
  purpose?: string;
  to?: string;
  limit?: string | number;
}

export interface EmailLine {
  key: string;
  purpose: string;
  template: string;
  to: string;
  subject: string;
  status: EmailStatus;
  attempts: number;
  /** When it was sent, failed or (still in flight) claimed, ISO. */
  at: string;
  claimedAt: string;
  sentAt?: string;
  failedAt?: string;
  eventTime?: string;
  error?: string;
  messageId: string;
}

export interface EmailLog {
  slug: string;
  timeZone: string;
  /** Every email of the collaborative, whatever the filter. */
  total: number;
  /** The emails matching the filter, and how many of them in each status. */
  matching: number;
  counts: Record<EmailStatus, number>;
  /** The newest `limit` matching emails, newest first. */
  emails: EmailLine[];
}

/** Checks the log's filter (before any connection); throws a ValidationError listing every problem. */
export function checkEmailLogRequest(slug: string, f: EmailLogFilter = {}): { limit: number } {
  const problems = slugProblems(slug);
  if (f.status !== undefined && !(EMAIL_STATUSES as readonly string[]).includes(f.status))
    problems.push(`status: "${f.status}" is not a status; one of: ${EMAIL_STATUSES.join(', ')}`);
  if (f.purpose !== undefined && !isTemplateName(f.purpose))
    problems.push(`purpose: "${f.purpose}" is not a kind of email; one of: ${TEMPLATE_NAMES.join(', ')}`);
  if (f.to !== undefined && !emailSchema.safeParse(f.to).success)
    problems.push(`to: "${f.to}" is not a valid email address`);
  const limit = f.limit === undefined ? EMAIL_LOG_DEFAULT_LIMIT : Number(f.limit);
  if (!Number.isInteger(limit) || limit < 1)
    problems.push(`limit: "${f.limit}" is not a whole number above 0`);
  if (problems.length) throw new ValidationError('the email log request', problems);
  return { limit };
}

/** The outbox of a collaborative: every email it sent, is sending, or failed to send. */
export async function emailLog(db: Db, slug: string, f: EmailLogFilter = {}): Promise<EmailLog> {
  const { limit } = checkEmailLogRequest(slug, f);
  const outbox = db.collection<OutboxDoc>(COLLECTIONS.outbox);
  const filter: Filter<OutboxDoc> = {
    collaborative: slug,
    ...(f.status ? { status: f.status as EmailStatus } : {}),
    ...(f.purpose ? { purpose: f.purpose } : {}),
    ...(f.to ? { to: { $in: [...new Set([f.to, f.to.toLowerCase()])] } } : {}),
  };
  try {
    const [total, grouped, docs, doc] = await Promise.all([
      outbox.countDocuments({ collaborative: slug }),
      outbox
        .aggregate<{ _id: EmailStatus; n: number }>([
          { $match: filter },
          { $group: { _id: '$status', n: { $sum: 1 } } },
        ])
        .toArray(),
      outbox
        .find(filter, { projection: { _id: 0 } })
        .sort({ claimedAt: -1, key: 1 })
        .limit(limit)
        .toArray(),
      // A collaborative's emails, or a community's (whose record is in its own collection).
      collaboratives(db)
        .findOne({ slug }, { projection: { _id: 0, 'config.timeZone': 1 } })
        .then(
          (found) =>
            found ??
            db
              .collection<Pick<CollaborativeDoc, 'config'>>(COLLECTIONS.communities)
              .findOne({ slug }, { projection: { _id: 0, 'config.timeZone': 1 } }),
        ),
    ]);
    if (!doc && !total)
      throw new OperationError(
        `no collaborative "${slug}" in the database, and no emails of it`,
        'not-found',
      );
    const counts: Record<EmailStatus, number> = { sent: 0, failed: 0, claimed: 0 };
    for (const g of grouped) counts[g._id] = g.n;
    const iso = (d: Date | undefined) => (d ? new Date(d).toISOString() : undefined);
    return {
      slug,
      timeZone: doc?.config?.timeZone ?? 'UTC',
      total,
      matching: Object.values(counts).reduce((a, b) => a + b, 0),
      counts,
      emails: docs.map((d) => ({
        key: d.key,
        purpose: d.purpose,
        template: d.template,
        to: d.to,
        subject: d.subject,
        status: d.status,
        attempts: d.attempts,
        at:
          iso(d.status === 'sent' ? d.sentAt : d.status === 'failed' ? d.failedAt : d.claimedAt) ??
          iso(d.claimedAt)!,
        claimedAt: iso(d.claimedAt)!,
        ...(d.sentAt ? { sentAt: iso(d.sentAt) } : {}),
        ...(d.failedAt ? { failedAt: iso(d.failedAt) } : {}),
        ...(d.eventTime ? { eventTime: iso(d.eventTime) } : {}),
        ...(d.error ? { error: d.error } : {}),
        messageId: d.messageId,
      })),
    };
  } catch (err) {
    if (err instanceof OperationError) throw err;
    throw new OperationError(
      `cannot read the email log of "${slug}" from MongoDB (${(err as Error).message})`,
    );
  }
}

/** The log as people read it: one line per email (failed ones with their error), then a count line. */
export function emailLogLines(log: EmailLog): string[] {
  const when = (iso: string) =>
    DateTime.fromISO(iso, { zone: 'utc' }).setZone(log.timeZone).toFormat('yyyy-MM-dd HH:mm ZZZZ');
  const out: string[] = [];
  if (log.emails.length) {
    const rows = log.emails.map((e) => [when(e.at), e.status, e.purpose, e.to] as const);
    const w = [0, 1, 2, 3].map((i) =>
      Math.max(['WHEN', 'STATUS', 'PURPOSE', 'TO'][i]!.length, ...rows.map((r) => r[i]!.length)),
    );
    const line = (cells: readonly string[], rest: string) =>
      `${cells.map((c, i) => c.padEnd(w[i]!)).join('  ')}  ${rest}`;
    out.push(line(['WHEN', 'STATUS', 'PURPOSE', 'TO'], 'SUBJECT'));
    log.emails.forEach((e, i) => {
      out.push(line(rows[i]!, `${e.subject}${e.attempts > 1 ? ` (${e.attempts} attempts)` : ''}`));
      if (e.error) out.push(`    ${e.status === 'failed' ? 'error' : 'last error'}: ${e.error}`);
    });
    out.push('');
  }
  const counts = EMAIL_STATUSES.map((s) => `${log.counts[s]} ${s}`).join(', ');
  const filtered = log.matching !== log.total ? ` (of ${log.total} in all)` : '';
  out.push(
    log.matching === 0
      ? `no emails of lc/${log.slug} match${filtered}`
      : `${log.matching} email${log.matching === 1 ? '' : 's'} of lc/${log.slug}${filtered}: ${counts}` +
          (log.emails.length < log.matching ? `; showing the newest ${log.emails.length} (see --limit)` : ''),
  );
  return out;
}

// ---- template previews -----------------------------------------------------------------------------

/** Where `lc preview` writes by default: .data/preview/<template>.html in the repository. */
export const PREVIEW_DIR = path.join(__dirname, '..', '.data', 'preview');

export function templateList(): { name: TemplateName; description: string }[] {
  return TEMPLATE_NAMES.map((name) => ({ name, description: TEMPLATE_DESCRIPTIONS[name] }));
}

/** Renders a template with the sample data of templates/samples.ts; a missing value throws. */
export function renderPreview(name: string | undefined): { name: TemplateName; rendered: RenderedNotice } {
  if (!name)
    throw new ValidationError('the preview', [`template: required; one of: ${TEMPLATE_NAMES.join(', ')}`]);
  if (!isTemplateName(name))
    throw new ValidationError('the preview', [
      `template: "${name}" is not a template; one of: ${TEMPLATE_NAMES.join(', ')} (see \`npm run lc -- preview --list\`)`,
    ]);
  return { name, rendered: renderSample(name) };
}

// ---- Learning Communities --------------------------------------------------------------------------

/** Validates a community's config (and its sites against the directory) and starts `lcom/<slug>`. */
export async function launchCommunity(
  client: Client,
  db: Db,
  taskQueue: string,
  input: unknown,
): Promise<string> {
  const config = parseCommunityConfig(input);
  await checkConfigAgainstDirectory(db, config, 'the community config');
  return startOnce(client, db, 'community', learningCommunityWorkflow, config, taskQueue);
}

const community = (slug: string): UpdateTarget => ({ slug, programme: 'community' });

/** Someone of the network joins a community (again, if they left): welcomed, and invited to what is next. */
export async function joinCommunity(client: Client, slug: string, input: unknown) {
  const j = validate(joinSchema, input, 'the request to join', slugProblems(slug));
  return sendUpdate(client, community(slug), joinUpdate, j, 'the request to join');
}

/** A member leaves: they hear nothing more from the community. */
export async function leaveCommunity(client: Client, slug: string, input: unknown) {
  const l = validate(leaveSchema, input, 'the request to leave', slugProblems(slug));
  return sendUpdate(client, community(slug), leaveUpdate, l, 'the request to leave');
}

/** A member shares a barrier, a solution or an innovation: it goes out in the next digest. */
export async function shareWithCommunity(client: Client, slug: string, input: unknown) {
  const share = validate(shareSchema, input, 'the share', slugProblems(slug));
  return sendUpdate(client, community(slug), postShareUpdate, share, 'the share');
}

/**
 * A meeting as people number it, from 1 (`3`, or `M3`), checked and made the schemas' 0-based
 * number; a problem is added to `problems`.
 */
function meetingFromArg(value: string | undefined, problems: string[]): number {
  const text = String(value ?? '').trim();
  const n = /^m?\d+$/i.test(text) ? Number(text.replace(/^m/i, '')) : NaN;
  if (!text) problems.push('meeting: required (meetings are numbered from 1, in time order)');
  else if (!(n >= 1))
    problems.push(`meeting: "${text}" is not a meeting number; meetings are numbered from 1`);
  return n - 1;
}

/** A facilitator's record of a meeting as the CLI gives it: the meeting numbered from 1, who records it. */
function meetingInput<T>(
  schema: Schema<T>,
  what: string,
  args: { meeting?: string; by?: string },
  rest: object,
): T {
  const problems: string[] = [];
  const meeting = meetingFromArg(args.meeting, problems);
  // A bad meeting number is reported once, as people number meetings (from 1).
  return validate(schema, { meeting: problems.length ? 0 : meeting, by: args.by, ...rest }, what, problems);
}

/** Who of the members attended a meeting: `present` is a comma-separated list of their emails. */
export function meetingAttendanceFromArgs(args: { meeting?: string; present?: string; by?: string }) {
  return meetingInput(meetingAttendanceSchema, 'the attendance', args, { emails: splitList(args.present) });
}

/** A facilitator's summary of a meeting; the members are emailed it. */
export function meetingSummaryFromArgs(args: { meeting?: string; text?: string; by?: string }) {
  return meetingInput(meetingSummarySchema, 'the summary', args, { text: args.text });
}

export async function recordMeetingAttendance(client: Client, slug: string, input: MeetingAttendance) {
  checkSlug(slug);
  return sendUpdate(client, community(slug), meetingAttendanceUpdate, input, 'the attendance');
}

export async function recordMeetingSummary(client: Client, slug: string, input: MeetingSummary) {
  checkSlug(slug);
  return sendUpdate(client, community(slug), meetingSummaryUpdate, input, 'the summary');
}

export interface CommunityStatusReport extends CommunityStatus {
  /** The community's time zone (from its record; UTC when the record is missing). */
  timeZone: string;
}

export async function communityStatusReport(
  client: Client,
  db: Db,
  slug: string,
): Promise<CommunityStatusReport> {
  checkSlug(slug);
  const s = await queryStatus(client, 'community', slug, communityStatusQuery);
  const doc = await db
    .collection<{ config: { timeZone: string } }>(COLLECTIONS.communities)
    .findOne({ slug }, { projection: { _id: 0, 'config.timeZone': 1 } })
    .catch((err: Error) => {
      throw new OperationError(`cannot read the community "${slug}" from MongoDB (${err.message})`);
    });
  return { ...s, timeZone: doc?.config.timeZone ?? 'UTC' };
}

/** The status as people read it. */
export function communityStatusLines(s: CommunityStatusReport): string[] {
  const when = (iso: string) => formatInZone(iso, s.timeZone);
  const next = s.nextMeeting;
  const kinds = (['barrier', 'solution', 'innovation'] as const).map((k) => `${s.shares[k]} ${k}`).join(', ');
  const out = [
    `${s.title} (lcom/${s.slug})`,
    `  phase:          ${s.phase}`,
    `  next meeting:   ${
      next
        ? `${next.meeting + 1} (${next.kind}) on ${when(next.start)} — ${next.venue ?? next.link ?? (next.kind === 'remote' ? 'online' : 'venue to be announced')}`
        : '—'
    }`,
    `  next milestone: ${s.nextMilestone ? `${s.nextMilestone.name} on ${when(s.nextMilestone.at)}` : '—'}`,
    `  announced to:   ${s.announcedTo} sites${s.unknownSites.length ? ` (unknown: ${s.unknownSites.join(', ')})` : ''}`,
    `  members:        ${s.members}${s.formerMembers ? ` (${s.formerMembers} left)` : ''}`,
    `  shared:         ${s.shares.total} (${kinds}); ${s.digestsSent} digest${s.digestsSent === 1 ? '' : 's'} sent`,
    `  meetings:       ${s.meetings}; summaries sent for: ${s.summaries.length ? s.summaries.map((m) => m + 1).join(', ') : '—'}`,
  ];
  if (s.rejected.length) {
    out.push(`  rejected inputs (${s.rejected.length}):`);
    for (const r of s.rejected) out.push(`    ${when(r.at)}  ${r.input}: ${r.message}`);
  }
  return out;
}
