/** The collaborative's own record: its config and its phase, upserted by slug. */
import type { Db, Filter } from 'mongodb';
import type { LaunchConfig, Schedule } from '../domain/config';
import type { Phase } from '../domain/phases';
import { COLLECTIONS } from './db';

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
  const doc = await db.collection<T>(collection).findOne({ slug } as Filter<T>, { projection: { _id: 0 } });
  if (!doc) throw new Error(`no ${what} "${slug}" in the database`);
  return doc as T;
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
  await db.collection(collection).updateOne(
    { slug: config.slug },
    {
      $set: { config, workflowId, updatedAt: now },
      $setOnInsert: { slug: config.slug, phase: 'scheduled', createdAt: now },
    },
    { upsert: true },
  );
}

export async function recordProgrammePhase(db: Db, collection: string, slug: string, phase: string) {
  await db.collection(collection).updateOne({ slug }, { $set: { phase, updatedAt: new Date() } });
}
