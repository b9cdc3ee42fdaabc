/**
 * The web app's own records: one-time sign-in links (spent once) and the flash a form leaves for
 * the page it redirects to (web/flash.ts says why it lives on the server).
 */
import type { Db } from 'mongodb';
import { COLLECTIONS } from './collections';

interface SigninDoc {
  _id: string;
  email: string;
  issuedAt: Date;
  usedAt: Date | null;
}

/** Records a sign-in link's nonce, so it can be spent once. */
export async function recordSignin(db: Db, nonce: string, email: string, at: Date): Promise<void> {
  await db
    .collection<SigninDoc>(COLLECTIONS.signins)
    .insertOne({ _id: nonce, email, issuedAt: at, usedAt: null });
}

/** 'unused', 'used', or undefined when no such link was issued. */
export async function signinState(db: Db, nonce: string): Promise<'unused' | 'used' | undefined> {
  const doc = await db.collection<SigninDoc>(COLLECTIONS.signins).findOne({ _id: nonce });
  return doc ? (doc.usedAt ? 'used' : 'unused') : undefined;
}

/** Spends a sign-in link once: true for the one call that spent it (the update is the atomic check). */
export async function spendSigninRecord(db: Db, nonce: string, at: Date): Promise<boolean> {
  const spent = await db
    .collection<SigninDoc>(COLLECTIONS.signins)
    .updateOne({ _id: nonce, usedAt: null }, { $set: { usedAt: at } });
  return spent.modifiedCount === 1;
}

export interface FlashRecord {
  _id: string;
  path: string;
  flash: Record<string, unknown>;
  /** The typed values as name/value objects (FerretDB 1.x stores no nested arrays; names hold dots). */
  values?: { k: string; v: unknown }[];
  at: Date;
}

export async function saveFlash(db: Db, record: FlashRecord): Promise<void> {
  const col = db.collection<FlashRecord>(COLLECTIONS.webFlash);
  await col.insertOne(record);
  // Old flashes nobody came back for.
  void col.deleteMany({ at: { $lt: new Date(record.at.getTime() - 3_600_000) } }).catch(() => undefined);
}

/** The flash left for `path` under `id`, taken (deleted) so a reload shows the page afresh. */
export async function takeFlash(db: Db, id: string, path: string): Promise<FlashRecord | null> {
  return db.collection<FlashRecord>(COLLECTIONS.webFlash).findOneAndDelete({ _id: id, path });
}
