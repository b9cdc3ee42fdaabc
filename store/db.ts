/**
 * MongoDB access. Only what both MongoDB and FerretDB 1.x support: single-document writes,
 * upserts, unique indexes, simple aggregation. Collections are named here, once.
 */
import { Db, MongoClient, MongoServerError } from 'mongodb';

export const COLLECTIONS = {
  sites: 'sites',
  collaboratives: 'collaboratives',
  outbox: 'outbox',
  applications: 'applications',
  teams: 'teams',
  attendance: 'attendance',
  prework: 'prework',
  feedback: 'feedback',
  callRegistrations: 'callRegistrations',
  callAttendance: 'callAttendance',
  reports: 'reports',
  metrics: 'metrics',
  /** Addresses that the SMTP server refused permanently. */
  bounces: 'bounces',
  /** Learning Communities: their config and phase, their members, what they share, their meetings. */
  communities: 'communities',
  members: 'communityMembers',
  shares: 'communityShares',
  meetingAttendance: 'communityMeetingAttendance',
  meetingSummaries: 'communityMeetingSummaries',
} as const;

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
  for (const [name, keys] of unique)
    await db.collection(name).createIndex(keys, { unique: true, name: 'business_key' });
}

export function isDuplicateKey(err: unknown): boolean {
  return err instanceof MongoServerError && err.code === 11000;
}

/**
 * Writes one record on its business key: inserted the first time, its fields set again by a
 * retried activity, never a second document (the key has a unique index).
 */
export async function upsertByKey(
  db: Db,
  collection: string,
  key: Record<string, unknown>,
  fields: Record<string, unknown>,
): Promise<void> {
  await db.collection(collection).updateOne(key, { $set: fields }, { upsert: true });
}
