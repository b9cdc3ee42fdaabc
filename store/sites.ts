/** The network directory in MongoDB: upserted by site id, never half-imported from a bad file. */
import type { Db } from 'mongodb';
import type { SiteSelection } from '../domain/common';
import type { Site } from '../domain/sites';
import { COLLECTIONS, findEachById, isDuplicateKey, upsertById } from './db';
import { ids } from './keys';

export interface SiteDoc extends Site {
  updatedAt: Date;
  createdAt: Date;
  /** Who last changed the site (an email address, or the command that did). Absent on older records. */
  updatedBy?: string;
}

export async function upsertSites(
  db: Db,
  sites: Site[],
  now = new Date(),
  by?: string,
): Promise<{ inserted: number; updated: number }> {
  if (!sites.length) return { inserted: 0, updated: 0 };
  try {
    const res = await db.collection<SiteDoc>(COLLECTIONS.sites).bulkWrite(
      sites.map((s) => ({
        updateOne: {
          filter: { _id: ids.site(s.siteId) as never },
          update: {
            $set: { ...s, updatedAt: now, ...(by ? { updatedBy: by } : {}) },
            $setOnInsert: { createdAt: now },
          },
          upsert: true,
        },
      })),
      { ordered: false },
    );
    return { inserted: res.upsertedCount, updated: res.matchedCount };
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    // A site in the old shape (ObjectId `_id`) met its new `_id` (the siteId_unique index): one
    // at a time, each falling back to its `siteId`. Counts: those that existed before.
    const known = new Set(
      (
        await getSites(
          db,
          sites.map((s) => s.siteId),
        )
      ).map((s) => s.siteId),
    );
    for (const s of sites)
      await upsertById(
        db,
        COLLECTIONS.sites,
        ids.site(s.siteId),
        { siteId: s.siteId },
        { $set: { ...s, updatedAt: now, ...(by ? { updatedBy: by } : {}) } },
        { createdAt: now },
      );
    const updated = sites.filter((s) => known.has(s.siteId)).length;
    return { inserted: sites.length - updated, updated };
  }
}

/** Adds a site the directory does not hold yet; false when its id is taken (nothing is changed). */
export async function insertSite(db: Db, site: Site, by: string, now = new Date()): Promise<boolean> {
  if ((await getSites(db, [site.siteId])).length) return false;
  try {
    await db.collection<SiteDoc>(COLLECTIONS.sites).insertOne({
      _id: ids.site(site.siteId),
      ...site,
      createdAt: now,
      updatedAt: now,
      updatedBy: by,
    } as never);
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/** Changes a site's fields (never its id); false when the directory has no such site. */
export async function updateSite(
  db: Db,
  siteId: string,
  fields: Partial<Omit<Site, 'siteId'>>,
  by: string,
  now = new Date(),
): Promise<boolean> {
  const col = db.collection<SiteDoc>(COLLECTIONS.sites);
  const $set = { ...fields, updatedAt: now, updatedBy: by };
  const unset = 'timeZone' in fields && fields.timeZone === undefined;
  if (unset) delete ($set as Partial<Site>).timeZone;
  const update = unset ? { $set, $unset: { timeZone: '' as const } } : { $set };
  const byId = await col.updateOne({ _id: ids.site(siteId) as never }, update);
  if (byId.matchedCount) return true;
  // A site in the old shape (ObjectId `_id`).
  return (await col.updateOne({ siteId }, update)).matchedCount > 0;
}

export async function listSites(db: Db, filter: { activeOnly?: boolean } = {}): Promise<SiteDoc[]> {
  return db
    .collection<SiteDoc>(COLLECTIONS.sites)
    .find(filter.activeOnly ? { active: true } : {}, { projection: { _id: 0 } })
    .sort({ siteId: 1 })
    .toArray();
}

/**
 * The sites of the directory with those ids (ids it does not know are absent): one lookup by
 * `_id` each; those that missed once more by `siteId` (a site in the old shape, or unknown).
 */
export async function getSites(db: Db, siteIds: string[]): Promise<SiteDoc[]> {
  return findEachById(
    db.collection<SiteDoc>(COLLECTIONS.sites),
    siteIds,
    ids.site,
    (missed) => ({ siteId: { $in: missed } }),
    { projection: { _id: 0 } },
  );
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
