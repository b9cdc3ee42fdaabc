/**
 * MongoDB access. Only what both MongoDB and FerretDB 1.x support: single-document writes,
 * upserts, unique indexes, simple aggregation. Collections are named here, once.
 */
import {
  Db,
  MongoClient,
  MongoServerError,
  ObjectId,
  type Collection,
  type Document,
  type Filter,
} from 'mongodb';
import { COLLECTIONS } from './collections';
import { RECORD_IDS } from './keys';

export { COLLECTIONS } from './collections';

export async function connectDb(uri: string, dbName?: string): Promise<{ client: MongoClient; db: Db }> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000, retryWrites: false });
  await client.connect();
  return { client, db: client.db(dbName) };
}

/** Idempotent: creating an index that exists is a no-op. */
export async function ensureIndexes(db: Db): Promise<void> {
  await db.collection(COLLECTIONS.sites).createIndex({ siteId: 1 }, { unique: true, name: 'siteId_unique' });
  await db.collection(COLLECTIONS.sites).createIndex({ active: 1 }, { name: 'active' });
  await db
    .collection(COLLECTIONS.collaboratives)
    .createIndex({ slug: 1 }, { unique: true, name: 'slug_unique' });
  await db
    .collection(COLLECTIONS.communities)
    .createIndex({ slug: 1 }, { unique: true, name: 'slug_unique' });
  // An outbox record's `_id` is its key (mail/outbox.ts); this index keeps records written
  // before that (ObjectId `_id`) unique too, and serves the lookups by key on MongoDB.
  await db.collection(COLLECTIONS.outbox).createIndex({ key: 1 }, { unique: true, name: 'key_unique' });
  await db
    .collection(COLLECTIONS.outbox)
    .createIndex({ collaborative: 1, purpose: 1 }, { name: 'collaborative_purpose' });
  // One record per business key: a retried activity upserts the same document.
  const unique: [string, Record<string, 1>][] = [
    [COLLECTIONS.applications, { collaborative: 1, siteId: 1 }],
    [COLLECTIONS.teams, { collaborative: 1, siteId: 1 }],
    [COLLECTIONS.attendance, { collaborative: 1, siteId: 1, session: 1, email: 1 }],
    [COLLECTIONS.prework, { collaborative: 1, siteId: 1, item: 1 }],
    [COLLECTIONS.feedback, { collaborative: 1, siteId: 1, n: 1 }],
    [COLLECTIONS.callRegistrations, { collaborative: 1, call: 1, siteId: 1, email: 1 }],
    [COLLECTIONS.callAttendance, { collaborative: 1, call: 1, siteId: 1 }],
    [COLLECTIONS.reports, { collaborative: 1, kind: 1 }],
    [COLLECTIONS.metrics, { collaborative: 1, siteId: 1, period: 1 }],
    [COLLECTIONS.bounces, { email: 1 }],
    // A member's n-th membership (people may leave and join again), a share by its number.
    [COLLECTIONS.members, { community: 1, email: 1, membership: 1 }],
    [COLLECTIONS.shares, { community: 1, n: 1 }],
    [COLLECTIONS.meetingAttendance, { community: 1, meeting: 1, email: 1 }],
    [COLLECTIONS.meetingSummaries, { community: 1, meeting: 1 }],
  ];
  // They stay with `_id` = the business key: they keep a record written in the old shape and one
  // in the new unique together, and on MongoDB their prefixes serve the list queries that remain
  // (every team, submission, application… of a collaborative; a community's members, shares).
  for (const [name, keys] of unique)
    await db.collection(name).createIndex(keys, { unique: true, name: 'business_key' });
  await migrateRecordIds(db, { once: true });
}

/** The marker of the migration below, in `migrations`; a new version reruns it. */
export const RECORD_IDS_MIGRATION = 'record-ids-v1';

/**
 * Gives every record written before `_id` was its business key (an ObjectId `_id`) its new
 * `_id` (store/keys.ts `RECORD_IDS`). Run at startup from `ensureIndexes`, once per database
 * (`once`: skipped when its marker is there — one `findOne({_id})`; rerunning it is harmless).
 *
 * Why a migration and not reads that fall back to the old filter: a fallback costs a scan on
 * every miss, and misses are the common case on the hot paths (a bulk send's status check of
 * keys never sent, the first upsert of every attendance, team, submission…), so the fallback
 * would keep the scans this change removes. After the migration every record is found by `_id`.
 * A record written in the old shape later (a worker of the previous version still running) is
 * still kept right: writers fall back to the business key on a duplicate-key error (the unique
 * business_key index), must-exist reads on a miss (`findByKey`), and the outbox's claim by `key`.
 *
 * Per record, crash-safe and rerunnable: (1) the old document is copied to `migrations` under
 * `pending:<collection>:<old _id>`; (2) the old one is deleted; (3) the new one inserted (a
 * duplicate means a run before got there: kept, never overwritten); (4) the copy is deleted. The
 * new one cannot be inserted before the old is deleted: the unique business_key index refuses a
 * second document with the same key. A crash between (2) and (3) leaves the copy, which the next
 * run finishes first. Between (2) and (3) the record is absent for a moment: run it before the
 * workers of the new version start (they call it themselves, before polling).
 */
export async function migrateRecordIds(db: Db, o: { once?: boolean } = {}): Promise<number> {
  const migrations = db.collection<Document>(COLLECTIONS.migrations);
  if (o.once && (await migrations.findOne({ _id: RECORD_IDS_MIGRATION as never }))) return 0;
  let moved = 0;
  const pendingOf = (collection: string, oldId: unknown) => `pending:${collection}:${String(oldId)}`;
  const finish = async (pendingId: string, collection: string, oldId: unknown, doc: Document) => {
    const col = db.collection<Document>(collection);
    await col.deleteOne({ _id: oldId as never });
    try {
      await col.insertOne({ ...doc, _id: RECORD_IDS[collection]!(doc) as never });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    await migrations.deleteOne({ _id: pendingId as never });
    moved++;
  };
  // Left midway by a run that crashed.
  const pending = await migrations.find({ _id: { $regex: '^pending:' } as never }).toArray();
  for (const p of pending) await finish(String(p._id), p.collection as string, p.oldId, p.doc as Document);
  for (const collection of Object.keys(RECORD_IDS)) {
    const col = db.collection<Document>(collection);
    const old = await col.find({ _id: { $type: 'objectId' } as never }).toArray();
    for (const doc of old) {
      const oldId = doc._id as ObjectId;
      const { _id, ...fields } = doc;
      try {
        await migrations.insertOne({
          _id: pendingOf(collection, oldId) as never,
          collection,
          oldId,
          doc: fields,
        });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // another run copied it first: the same copy
      }
      await finish(pendingOf(collection, oldId), collection, _id, fields);
    }
  }
  await migrations.updateOne(
    { _id: RECORD_IDS_MIGRATION as never },
    { $set: { doneAt: new Date() }, $inc: { runs: 1 } },
    { upsert: true },
  );
  return moved;
}

export function isDuplicateKey(err: unknown): boolean {
  return err instanceof MongoServerError && err.code === 11000;
}

/**
 * Writes one record by its `_id` (its business key, store/keys.ts): inserted the first time with
 * its key's fields, its `fields` set again by a retried activity, never a second document. The
 * filter is exactly `{_id}`, the one FerretDB 1.24 answers from an index. A duplicate-key error
 * means either a concurrent first insert of the same `_id` (the update then finds it) or a record
 * of the same key in the old shape (ObjectId `_id`, the business_key index): updated by `key`
 * (the record's business-key fields: set on insert, and the old shape's filter).
 */
export async function upsertById(
  db: Db,
  collection: string,
  _id: string,
  key: Record<string, unknown>,
  update: {
    $set?: Record<string, unknown>;
    $inc?: Record<string, number>;
    $addToSet?: Record<string, unknown>;
  },
  /** Fields a new record gets besides its key's (its creation time…). */
  onInsert: Record<string, unknown> = {},
): Promise<void> {
  const col = db.collection<Document>(collection);
  const set = update.$set ?? {};
  const touched = new Set([
    ...Object.keys(set),
    ...Object.keys(update.$inc ?? {}),
    ...Object.keys(update.$addToSet ?? {}),
  ]);
  const fresh = Object.entries({ ...key, ...onInsert }).filter(([k]) => !touched.has(k));
  const doc = { ...update, $setOnInsert: Object.fromEntries(fresh) };
  try {
    await col.updateOne({ _id: _id as never }, doc, { upsert: true });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    const again = await col.updateOne({ _id: _id as never }, update);
    if (!again.matchedCount) await col.updateOne(key as Filter<Document>, update);
  }
}

/**
 * Updates a record that exists (no upsert) by its `_id`; one in the old shape by its business key.
 * Returns whether one matched.
 */
export async function updateByKey(
  col: Collection<Document> | Collection<never>,
  _id: string,
  key: Record<string, unknown>,
  update: Document,
): Promise<boolean> {
  const c = col as unknown as Collection<Document>;
  if ((await c.updateOne({ _id: _id as never }, update)).matchedCount) return true;
  return (await c.updateOne(key as Filter<Document>, update)).matchedCount > 0;
}

/**
 * One record by its `_id`; on a miss, by its business key (a record in the old shape: a scan on
 * FerretDB, so only for reads where a miss is rare — a record that must exist).
 */
export async function findByKey<T extends Document>(
  col: Collection<T>,
  _id: string,
  key: Filter<T>,
  options: { projection?: Document } = {},
): Promise<T | null> {
  const found = await col.findOne({ _id } as Filter<T>, options);
  return (found ?? (await col.findOne(key, options))) as T | null;
}

/** Runs `fn` on each item, at most `limit` at once; results in the items' order. */
export async function mapLimited<I, O>(items: I[], limit: number, fn: (i: I) => Promise<O>): Promise<O[]> {
  const out = new Array<O>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** How many single-record lookups a reader of many records has in flight at once. */
export const LOOKUP_CONCURRENCY = 8;

/**
 * Several records by their `_id`s (one `findOne({_id})` each, `LOOKUP_CONCURRENCY` at once: FerretDB
 * 1.24 pushes down neither `{_id: {$in}}` nor any other filter). The items that missed are looked
 * up once more by `legacy(missed)` (records in the old shape; one scan, only when something
 * missed); without `legacy`, no second look (where misses are the common case).
 */
export async function findEachById<T extends Document, K>(
  col: Collection<T>,
  items: K[],
  idOf: (k: K) => string,
  legacy?: (missed: K[]) => Filter<T>,
  options: { projection?: Document } = {},
): Promise<T[]> {
  const byId = new Map(items.map((k) => [idOf(k), k]));
  const idList = [...byId.keys()];
  const found = await mapLimited(idList, LOOKUP_CONCURRENCY, (_id) =>
    col.findOne({ _id } as Filter<T>, options),
  );
  const docs = found.filter((d) => !!d) as T[];
  const missed = idList.filter((_, i) => !found[i]).map((id) => byId.get(id)!);
  if (legacy && missed.length) docs.push(...((await col.find(legacy(missed), options).toArray()) as T[]));
  return docs;
}
