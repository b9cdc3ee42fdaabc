/** The collaborative's own record: its config and its phase, upserted by slug. */
import type { Db, Filter } from 'mongodb';
import type { LaunchConfig, Schedule } from '../domain/config';
import type { Phase } from '../domain/phases';
import { COLLECTIONS, findByKey, updateByKey, upsertById } from './db';
import { ids } from './keys';

export interface CollaborativeDoc {
  slug: string;
  workflowId: string;
  config: LaunchConfig;
  phase: Phase;
  createdAt: Date;
  updatedAt: Date;
  announcedTo?: string[];
  /** The schedule after reschedules; `config.schedule` until the first one. */
  schedule?: Schedule;
  scheduleVersion?: number;
}

export function currentSchedule(doc: CollaborativeDoc): Schedule {
  return doc.schedule ?? doc.config.schedule;
}

export function collaboratives(db: Db) {
  return db.collection<CollaborativeDoc>(COLLECTIONS.collaboratives);
}

export async function getCollaborative(db: Db, slug: string): Promise<CollaborativeDoc> {
  return getProgramme<CollaborativeDoc>(db, COLLECTIONS.collaboratives, slug, 'collaborative');
}

/** A programme's record by slug (a collaborative's or a community's); throws when there is none. */
export async function getProgramme<T extends { slug: string }>(
  db: Db,
  collection: string,
  slug: string,
  what: string,
): Promise<T> {
  const doc = await findProgramme<T>(db, collection, slug);
  if (!doc) throw new Error(`no ${what} "${slug}" in the database`);
  return doc;
}

/** A programme's record by slug (its `_id`), or null; `projection` as MongoDB's (default: all but `_id`). */
export async function findProgramme<T extends { slug: string }>(
  db: Db,
  collection: string,
  slug: string,
  projection: Record<string, 0 | 1> = { _id: 0 },
): Promise<T | null> {
  return (await findByKey(db.collection<T>(collection), ids.programme(slug), { slug } as Filter<T>, {
    projection,
  })) as T | null;
}

/**
 * The record of a launched programme, a collaborative or a community, upserted by slug: its
 * config and workflow id, and its phase (`scheduled` until the workflow moves it on).
 */
export async function recordProgramme(
  db: Db,
  collection: string,
  config: { slug: string },
  workflowId: string,
): Promise<void> {
  const now = new Date();
  await upsertById(
    db,
    collection,
    ids.programme(config.slug),
    { slug: config.slug },
    { $set: { config, workflowId, updatedAt: now } },
    { phase: 'scheduled', createdAt: now },
  );
}

/** Updates a programme's record (by its `_id`, the slug; one in the old shape by `slug`). */
export async function updateProgramme(
  db: Db,
  collection: string,
  slug: string,
  update: Record<string, unknown>,
): Promise<void> {
  await updateByKey(db.collection(collection), ids.programme(slug), { slug }, update);
}

export async function recordProgrammePhase(db: Db, collection: string, slug: string, phase: string) {
  await updateProgramme(db, collection, slug, { $set: { phase, updatedAt: new Date() } });
}

/**
 * Adds a faculty member to a collaborative's record (the web's roles and the emails read
 * `config.faculty`); once only, however often it is retried.
 */
export async function addFacultyMember(
  db: Db,
  slug: string,
  person: { name: string; email: string },
): Promise<void> {
  const doc = await getCollaborative(db, slug);
  if (doc.config.faculty.some((f) => f.email === person.email)) return;
  await updateProgramme(db, COLLECTIONS.collaboratives, slug, {
    $addToSet: { 'config.faculty': { name: person.name, email: person.email } },
    $set: { updatedAt: new Date() },
  });
}
