/**
 * The records the web app reads, one function each, over the system of record: collaboratives,
 * applications, communities, sites and the run charts. Pages render what these return.
 */
import type { Db } from 'mongodb';
import { workflowIdFor, type LaunchConfig } from '../domain/config';
import {
  collaboratives,
  findProgramme,
  recordProgramme,
  type CollaborativeDoc,
} from '../store/collaboratives';
import type { CommunityDoc } from '../store/community';
import { COLLECTIONS } from '../store/db';
import { applicationOf, type ApplicationDoc } from '../store/lifecycle';

export type { Outbox } from '../mail/outbox';
export { collaborativeRunCharts as runCharts } from '../reports/final-report';
export type { ReportChart } from '../reports/final-report';
export { currentSchedule } from '../store/collaboratives';
export type { CollaborativeDoc } from '../store/collaboratives';
export type { CommunityDoc } from '../store/community';
export type { ApplicationDoc } from '../store/lifecycle';
export { getSites, siteNames } from '../store/sites';
export type { TeamStatus } from '../workflows';

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** A collaborative's record, or undefined for an unknown (or malformed) slug. */
export async function findCollaborative(db: Db, slug: string): Promise<CollaborativeDoc | undefined> {
  if (!SLUG.test(slug)) return undefined;
  return (await findProgramme<CollaborativeDoc>(db, COLLECTIONS.collaboratives, slug)) ?? undefined;
}

/** The collaboratives that name `email` as coordinator or faculty (every one when `email` is undefined), newest first. */
export function collaborativesNaming(db: Db, email: string | undefined): Promise<CollaborativeDoc[]> {
  const filter = email
    ? { $or: [{ 'config.coordinators.email': email }, { 'config.faculty.email': email }] }
    : {};
  return collaboratives(db)
    .find(filter, { projection: { _id: 0 } })
    .sort({ createdAt: -1 })
    .toArray();
}

/** Every application of a collaborative, by site. */
export function applicationsOf(db: Db, slug: string): Promise<ApplicationDoc[]> {
  return db
    .collection<ApplicationDoc>(COLLECTIONS.applications)
    .find({ collaborative: slug }, { projection: { _id: 0 } })
    .sort({ siteId: 1 })
    .toArray();
}

/** A site's application (its latest version). */
export const latestApplication = applicationOf;

/** A community's record, or undefined for an unknown (or malformed) slug. */
export async function findCommunity(db: Db, slug: string): Promise<CommunityDoc | undefined> {
  if (!SLUG.test(slug)) return undefined;
  return (await findProgramme<CommunityDoc>(db, COLLECTIONS.communities, slug)) ?? undefined;
}

/**
 * Records a collaborative just launched, as its workflow does in its first activity (the same
 * idempotent upsert), so that its page can be shown at once.
 */
export async function recordLaunched(db: Db, config: LaunchConfig): Promise<void> {
  await recordProgramme(db, COLLECTIONS.collaboratives, config, workflowIdFor(config.slug));
}
