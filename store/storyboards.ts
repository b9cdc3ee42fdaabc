/**
 * Storyboards: one record per team and learning session (`_id` = that business key), pointing at
 * its file in GridFS or holding its link. FerretDB 1.24 does what the driver's GridFSBucket needs
 * (ordinary `fs.files`/`fs.chunks`-style collections, the unique `{files_id, n}` index, a find
 * sorted by `n`): checked by test/web/storyboards.test.ts against the FerretDB the tests run.
 * A file's `_id` is its storyboard's key and a fresh suffix, so a replacing upload never meets the
 * file it replaces; the old file is removed once the record points at the new one.
 */
import { randomUUID } from 'node:crypto';
import { GridFSBucket, type Db } from 'mongodb';
import { COLLECTIONS } from './collections';
import { ids } from './keys';

export interface StoryboardFile {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

export interface StoryboardDoc {
  _id: string;
  collaborative: string;
  siteId: string;
  session: number;
  /** 1 for the first storyboard of this team and session, one more for each that replaced it. */
  version: number;
  file?: StoryboardFile;
  link?: string;
  by: string;
  at: Date;
  /** The form post that saved it (its one-time `_request` field), so a retried post saves it once. */
  request?: string;
}

const storyboards = (db: Db) => db.collection<StoryboardDoc>(COLLECTIONS.storyboards);
const bucket = (db: Db) => new GridFSBucket(db, { bucketName: COLLECTIONS.storyboardFiles });

/** A collaborative's storyboards, by session then team (a scan on FerretDB: a page, not a hot path). */
export async function listStoryboards(db: Db, slug: string): Promise<StoryboardDoc[]> {
  const found = await storyboards(db).find({ collaborative: slug }).toArray();
  return found.sort((a, b) => a.session - b.session || a.siteId.localeCompare(b.siteId));
}

export function getStoryboard(db: Db, slug: string, siteId: string, session: number) {
  return storyboards(db).findOne({ _id: ids.storyboard(slug, siteId, session) });
}

/** Writes a file into GridFS under a new id: the id. */
export async function putStoryboardFile(
  db: Db,
  storyboardId: string,
  filename: string,
  contentType: string,
  bytes: Buffer,
): Promise<string> {
  const id = `${storyboardId}:${randomUUID()}`; // the key's parts are escaped already; a UUID has no `:`
  await new Promise<void>((resolve, reject) => {
    const up = bucket(db).openUploadStreamWithId(id as never, filename, { metadata: { contentType } });
    up.once('error', reject);
    up.once('finish', () => resolve());
    up.end(bytes);
  });
  return id;
}

export async function readStoryboardFile(db: Db, id: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of bucket(db).openDownloadStream(id as never)) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** Removes a file no record points at any more (gone already is fine). */
export async function deleteStoryboardFile(db: Db, id: string): Promise<void> {
  try {
    await bucket(db).delete(id as never);
  } catch (err) {
    if (!/File not found/i.test((err as Error).message)) throw err;
  }
}

/** Saves the team's storyboard for the session, replacing the one before. */
export async function saveStoryboard(db: Db, doc: StoryboardDoc): Promise<void> {
  await storyboards(db).replaceOne({ _id: doc._id }, doc, { upsert: true });
}
