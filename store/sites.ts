/** The network directory in MongoDB: upserted by site id, never half-imported from a bad file. */
import type { Db } from 'mongodb';
import type { SiteSelection } from '../domain/common';
import type { Site } from '../domain/sites';
import { COLLECTIONS } from './db';

export interface SiteDoc extends Site {
  updatedAt: Date;
  createdAt: Date;
}

export async function upsertSites(
  db: Db,
  sites: Site[],
  now = new Date(),
): Promise<{ inserted: number; updated: number }> {
  if (!sites.length) return { inserted: 0, updated: 0 };
  const res = await db.collection<SiteDoc>(COLLECTIONS.sites).bulkWrite(
    sites.map((s) => ({
      updateOne: {
        filter: { siteId: s.siteId },
        update: { $set: { ...s, updatedAt: now }, $setOnInsert: { createdAt: now } },
        upsert: true,
      },
    })),
    { ordered: false },
  );
  return { inserted: res.upsertedCount, updated: res.matchedCount };
}

export async function listSites(db: Db, filter: { activeOnly?: boolean } = {}): Promise<SiteDoc[]> {
  return db
    .collection<SiteDoc>(COLLECTIONS.sites)
    .find(filter.activeOnly ? { active: true } : {}, { projection: { _id: 0 } })
    .sort({ siteId: 1 })
    .toArray();
}

export async function getSites(db: Db, siteIds: string[]): Promise<SiteDoc[]> {
  return db
    .collection<SiteDoc>(COLLECTIONS.sites)
    .find({ siteId: { $in: siteIds } }, { projection: { _id: 0 } })
    .toArray();
}

/** Site id → name, for the sites given (ids the directory does not know are absent). */
export async function siteNames(db: Db, siteIds: string[]): Promise<Map<string, string>> {
  return new Map((await getSites(db, siteIds)).map((s) => [s.siteId, s.name]));
}

/** The sites a config names ('all': every active site of the directory), and those it names that are unknown. */
export async function resolveSiteSelection(
  db: Db,
  sites: SiteSelection,
): Promise<{ siteIds: string[]; unknown: string[] }> {
  if (sites === 'all')
    return { siteIds: (await listSites(db, { activeOnly: true })).map((s) => s.siteId), unknown: [] };
  const found = new Set((await getSites(db, sites)).map((s) => s.siteId));
  return { siteIds: sites.filter((id) => found.has(id)), unknown: sites.filter((id) => !found.has(id)) };
}
