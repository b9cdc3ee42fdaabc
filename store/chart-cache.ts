/**
 * Rendered charts, kept until what they plot changes: a page reads the data it plots anyway, so
 * it names that data by a stamp (a hash of it), and draws anew only when the stamp differs.
 */
import type { Db } from 'mongodb';
import { COLLECTIONS } from './collections';

interface CacheDoc<T> {
  _id: string;
  stamp: string;
  value: T;
  at: Date;
}

/** The value cached under `id` for `stamp`, or `compute()`'s, stored for the next reader. */
export async function cachedByStamp<T>(
  db: Db,
  id: string,
  stamp: string,
  compute: () => Promise<T>,
): Promise<T> {
  const col = db.collection<CacheDoc<T>>(COLLECTIONS.chartCache);
  const hit = await col.findOne({ _id: id });
  if (hit && hit.stamp === stamp) return hit.value;
  const value = await compute();
  await col.updateOne({ _id: id }, { $set: { stamp, value, at: new Date() } }, { upsert: true });
  return value;
}
