/** The use cases of a Learning Community: launch, joining and leaving, sharing, meetings, status. */
import { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import { parseCommunityConfig } from '../domain/community';
import {
  joinSchema,
  leaveSchema,
  shareSchema,
  type MeetingAttendance,
  type MeetingSummary,
} from '../domain/inputs';
import { findProgramme } from '../store/collaboratives';
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
import { checkConfigAgainstDirectory } from './directory';
import { OperationError } from './errors';
import { queryStatus, sendUpdate, startOnce, UpdateTarget } from './gateway';
import { checkSlug, slugProblems, validate } from './validate';

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
