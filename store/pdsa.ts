/**
 * The records of what teams share: PDSA cycles, the faculty's answers, the resource library.
 * Each is numbered within its parent and its `_id` is that business key (store/keys.ts). A new
 * one takes the next free number: the insert of an existing `_id` fails, and the next is tried.
 * Lists are read by collaborative (a scan on FerretDB: these are pages people open, not hot paths).
 */
import type { Db, Document } from 'mongodb';
import type { PdsaDecision, ResourceKind } from '../domain/pdsa';
import { COLLECTIONS } from './collections';
import { isDuplicateKey } from './db';
import { ids } from './keys';

export interface PdsaCycleDoc {
  _id: string;
  collaborative: string;
  siteId: string;
  n: number;
  measure: string;
  change: string;
  prediction: string;
  observed?: string;
  learned?: string;
  decision?: PdsaDecision;
  by: string;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
  /** The form post that created it (its one-time `_request` field), so a double click logs it once. */
  request?: string;
}

export interface PdsaAnswerDoc {
  _id: string;
  collaborative: string;
  siteId: string;
  cycle: number;
  n: number;
  text: string;
  by: string;
  at: Date;
}

export interface ResourceDoc {
  _id: string;
  collaborative: string;
  n: number;
  title: string;
  kind: ResourceKind;
  url: string;
  session?: number;
  by: string;
  at: Date;
}

/** Inserts `make(n)` under the first free number from `from`: its `_id` is `idOf(n)`. */
async function insertNumbered<T extends { _id: string; n: number }>(
  db: Db,
  collection: string,
  from: number,
  make: (n: number) => T,
): Promise<T> {
  for (let n = from; ; n++) {
    const doc = make(n);
    try {
      await db.collection<Document>(collection).insertOne(doc as unknown as Document);
      return doc;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
}

const cycles = (db: Db) => db.collection<PdsaCycleDoc>(COLLECTIONS.pdsaCycles);

/** A collaborative's cycles (one team's when `siteId`), by team then number. */
export async function listCycles(db: Db, slug: string, siteId?: string): Promise<PdsaCycleDoc[]> {
  const found = await cycles(db)
    .find({ collaborative: slug, ...(siteId ? { siteId } : {}) })
    .toArray();
  return found.sort((a, b) => a.siteId.localeCompare(b.siteId) || a.n - b.n);
}

export async function getCycle(
  db: Db,
  slug: string,
  siteId: string,
  n: number,
): Promise<PdsaCycleDoc | null> {
  return cycles(db).findOne({ _id: ids.pdsaCycle(slug, siteId, n) });
}

export async function insertCycle(
  db: Db,
  slug: string,
  siteId: string,
  fields: Omit<PdsaCycleDoc, '_id' | 'collaborative' | 'siteId' | 'n'>,
  from: number,
): Promise<PdsaCycleDoc> {
  return insertNumbered(db, COLLECTIONS.pdsaCycles, from, (n) => ({
    _id: ids.pdsaCycle(slug, siteId, n),
    collaborative: slug,
    siteId,
    n,
    ...fields,
  }));
}

/** Replaces a cycle's content while it is open (no decision yet): false when it is not (any more). */
export async function updateOpenCycle(
  db: Db,
  slug: string,
  siteId: string,
  n: number,
  set: Partial<PdsaCycleDoc>,
  unset: string[],
): Promise<boolean> {
  // The filter holds more than `_id` (a scan on FerretDB), so that two edits cannot both reopen a
  // closed cycle; cycles are few.
  const r = await cycles(db).updateOne(
    { _id: ids.pdsaCycle(slug, siteId, n), decision: { $exists: false } },
    { $set: set, ...(unset.length ? { $unset: Object.fromEntries(unset.map((k) => [k, ''])) } : {}) },
  );
  return r.matchedCount === 1;
}

const answers = (db: Db) => db.collection<PdsaAnswerDoc>(COLLECTIONS.pdsaAnswers);

export async function listAnswers(db: Db, slug: string, siteId?: string): Promise<PdsaAnswerDoc[]> {
  const found = await answers(db)
    .find({ collaborative: slug, ...(siteId ? { siteId } : {}) })
    .toArray();
  return found.sort((a, b) => a.siteId.localeCompare(b.siteId) || a.cycle - b.cycle || a.n - b.n);
}

export async function insertAnswer(
  db: Db,
  slug: string,
  siteId: string,
  cycle: number,
  fields: { text: string; by: string; at: Date },
  from: number,
): Promise<PdsaAnswerDoc> {
  return insertNumbered(db, COLLECTIONS.pdsaAnswers, from, (n) => ({
    _id: ids.pdsaAnswer(slug, siteId, cycle, n),
    collaborative: slug,
    siteId,
    cycle,
    n,
    ...fields,
  }));
}

const resources = (db: Db) => db.collection<ResourceDoc>(COLLECTIONS.resources);

/** A collaborative's resources, in the order they were added. */
export async function listResources(db: Db, slug: string): Promise<ResourceDoc[]> {
  const found = await resources(db).find({ collaborative: slug }).toArray();
  return found.sort((a, b) => a.n - b.n);
}

export async function insertResource(
  db: Db,
  slug: string,
  fields: Omit<ResourceDoc, '_id' | 'collaborative' | 'n'>,
  from: number,
): Promise<ResourceDoc> {
  return insertNumbered(db, COLLECTIONS.resources, from, (n) => ({
    _id: ids.resource(slug, n),
    collaborative: slug,
    n,
    ...fields,
  }));
}

/** Removes one resource: whether it was there. */
export async function deleteResource(db: Db, slug: string, n: number): Promise<ResourceDoc | null> {
  return resources(db).findOneAndDelete({ _id: ids.resource(slug, n) });
}
