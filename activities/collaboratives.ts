/** The collaborative's own record: its config and its phase, upserted by slug. */
import type { Db } from 'mongodb';
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
  const doc = await collaboratives(db).findOne({ slug }, { projection: { _id: 0 } });
  if (!doc) throw new Error(`no collaborative "${slug}" in the database`);
  return doc;
}
