/** The use cases of a Learning Community: launch, joining and leaving, sharing, meetings, status. */
import { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import { communityWorkflowId, parseCommunityConfig, type CommunityConfig } from '../domain/community';
import { ValidationError } from '../domain/errors';
import {
  joinSchema,
  leaveSchema,
  meetingAttendanceSchema,
  meetingSummarySchema,
  shareSchema,
} from '../domain/inputs';
import { communityMeetings, ms, type Meeting } from '../domain/schedule';
import { findProgramme, recordProgramme } from '../store/collaboratives';
import { membersAt, type CommunityDoc, type MemberDoc, type ShareDoc } from '../store/community';
import { COLLECTIONS } from '../store/db';
import {
  communityStatusQuery,
  joinCommunity as joinUpdate,
  learningCommunityWorkflow,
  leaveCommunity as leaveUpdate,
  recordMeetingAttendance as meetingAttendanceUpdate,
  recordMeetingSummary as meetingSummaryUpdate,
  postShare as postShareUpdate,
  type CommunityStatus,
} from '../workflows';
import { getSites } from '../store/sites';
import { checkConfigAgainstDirectory } from './directory';
import { OperationError } from './errors';
import { queryStatus, sendUpdate, startOnce, UpdateTarget } from './gateway';
import { checkSlug, slugProblems, validate } from './validate';

export type { MemberDoc, ShareDoc } from '../store/community';

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

export const community = (slug: string): UpdateTarget => ({ slug, programme: 'community' });

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

/** A facilitator records who attended a meeting that took place (numbered from 0). */
export async function recordMeetingAttendance(client: Client, slug: string, input: unknown) {
  const a = validate(meetingAttendanceSchema, input, 'the attendance', slugProblems(slug));
  return sendUpdate(client, community(slug), meetingAttendanceUpdate, a, 'the attendance');
}

/** A facilitator's summary of a meeting that took place: emailed to the members, once. */
export async function recordMeetingSummary(client: Client, slug: string, input: unknown) {
  const s = validate(meetingSummarySchema, input, 'the summary', slugProblems(slug));
  return sendUpdate(client, community(slug), meetingSummaryUpdate, s, 'the summary');
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
  const doc = await findProgramme<{ slug: string; config: { timeZone: string } }>(
    db,
    COLLECTIONS.communities,
    slug,
    { _id: 0, 'config.timeZone': 1 },
  ).catch((err: Error) => {
    throw new OperationError(`cannot read the community "${slug}" from MongoDB (${err.message})`);
  });
  return { ...s, timeZone: doc?.config.timeZone ?? 'UTC' };
}

// ---- the facilitators' pages ---------------------------------------------------------------------

export type CommunityRole = 'coordinator' | 'facilitator';

/** Every role the person holds in the community (administrators coordinate every one). */
export function communityRoles(
  doc: Pick<CommunityDoc, 'config'>,
  user: { email: string; admin: boolean },
): CommunityRole[] {
  const roles: CommunityRole[] = [];
  if (user.admin || doc.config.coordinators.some((p) => p.email === user.email)) roles.push('coordinator');
  if (doc.config.facilitators.some((p) => p.email === user.email)) roles.push('facilitator');
  return roles;
}

/** The communities naming `email` as coordinator or facilitator (every one when undefined), newest first. */
export function communitiesNaming(db: Db, email: string | undefined): Promise<CommunityDoc[]> {
  const filter = email
    ? { $or: [{ 'config.coordinators.email': email }, { 'config.facilitators.email': email }] }
    : {};
  return db
    .collection<CommunityDoc>(COLLECTIONS.communities)
    .find(filter, { projection: { _id: 0 } })
    .sort({ createdAt: -1 })
    .toArray();
}

/**
 * Launches a community from the web: its launcher must be one of its coordinators (or a network
 * administrator), as for a collaborative. Every problem of the config is listed at once.
 */
export async function launchCommunityBy(
  client: Client,
  db: Db,
  taskQueue: string,
  input: unknown,
  launcher: { email: string; admin: boolean },
): Promise<string> {
  const coordinators = (input as { coordinators?: { email?: unknown }[] } | undefined)?.coordinators ?? [];
  const mine = launcher.admin || coordinators.some((c) => c.email === launcher.email);
  let problems: string[] = [];
  let config: CommunityConfig | undefined;
  try {
    config = parseCommunityConfig(input);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    problems = err.problems;
  }
  if (!mine) problems.push(`coordinators: add yourself (${launcher.email}) as a coordinator to launch it`);
  if (!config || problems.length) throw new ValidationError('the community config', problems);
  const workflowId = await launchCommunity(client, db, taskQueue, input);
  // The workflow records itself in its first activity; recording here too (the same idempotent
  // upsert) lets its page show at once.
  await recordProgramme(db, COLLECTIONS.communities, config, communityWorkflowId(config.slug));
  return workflowId;
}

export interface CommunityMeetingView extends Meeting {
  /** Numbered from 0 in time order, as the workflow numbers them. */
  n: number;
  held: boolean;
  /** The emails recorded present. */
  present: string[];
  summary?: { text: string; by: string; at: Date };
}

export interface CommunityView {
  doc: CommunityDoc;
  /** Current members, by name. */
  members: MemberDoc[];
  /** People who left and have not joined again. */
  former: MemberDoc[];
  meetings: CommunityMeetingView[];
  /** What members shared, newest first. */
  shares: ShareDoc[];
  /** Site id → name, for the sites members come from and the community was announced to. */
  siteNames: Record<string, string>;
}

/** A community's members, meetings (with attendance and summaries) and shares, from its records. */
export async function communityView(db: Db, doc: CommunityDoc, now: number): Promise<CommunityView> {
  const slug = doc.slug;
  const of = <T>(name: string) =>
    db
      .collection(name)
      .find({ community: slug }, { projection: { _id: 0 } })
      .toArray() as Promise<T[]>;
  const [memberships, attendance, summaries, shares] = await Promise.all([
    of<MemberDoc>(COLLECTIONS.members),
    of<{ meeting: number; email: string; present: boolean }>(COLLECTIONS.meetingAttendance),
    of<{ meeting: number; text: string; by: string; at: Date }>(COLLECTIONS.meetingSummaries),
    of<ShareDoc>(COLLECTIONS.shares),
  ]).catch((err: Error) => {
    throw new OperationError(`cannot read the community "${slug}" from MongoDB (${err.message})`);
  });
  // Each person's latest membership says whether they are a member now.
  const latest = new Map<string, MemberDoc>();
  for (const m of memberships)
    if ((latest.get(m.email)?.membership ?? 0) < m.membership) latest.set(m.email, m);
  const byName = (a: MemberDoc, b: MemberDoc) =>
    a.name.localeCompare(b.name) || a.email.localeCompare(b.email);
  const people = [...latest.values()];
  const siteIds = [...new Set([...(doc.announcedTo ?? []), ...people.flatMap((m) => m.siteId ?? [])])];
  const sites = await getSites(db, siteIds);
  return {
    doc,
    members: people.filter((m) => !m.leftAt).sort(byName),
    former: people.filter((m) => m.leftAt).sort(byName),
    meetings: communityMeetings(doc.config.meetings).map((m, n) => {
      const summary = summaries.find((s) => s.meeting === n);
      return {
        ...m,
        n,
        held: ms(m.start) <= now,
        present: attendance
          .filter((a) => a.meeting === n && a.present)
          .map((a) => a.email)
          .sort(),
        ...(summary ? { summary: { text: summary.text, by: summary.by, at: summary.at } } : {}),
      };
    }),
    shares: shares.sort((a, b) => b.n - a.n),
    siteNames: Object.fromEntries(sites.map((s) => [s.siteId, s.name])),
  };
}

/** The communities the person has a role in (administrators: all), with their members now. */
export async function communitiesOf(
  db: Db,
  user: { email: string; admin: boolean },
  now: number,
): Promise<{ doc: CommunityDoc; roles: CommunityRole[]; members: number }[]> {
  const docs = await communitiesNaming(db, user.admin ? undefined : user.email);
  return Promise.all(
    docs.map(async (doc) => ({
      doc,
      roles: communityRoles(doc, user),
      members: (await membersAt(db, doc.slug, new Date(now))).length,
    })),
  );
}
