/**
 * The network directory: importing sites (a file, all rows or none), adding, editing,
 * deactivating and reactivating one, searching it, and checking a config's sites against it.
 * Every change records who made it and when (`updatedBy`, `updatedAt` on the site).
 */
import type { Db } from 'mongodb';
import { z } from 'zod';
import { siteIdSchema } from '../domain/common';
import { type LaunchConfig } from '../domain/config';
import { ValidationError } from '../domain/errors';
import { formatFromFileName, parseSitesFile, siteSchema, type Site } from '../domain/sites';
import {
  getSites,
  insertSite,
  listSites,
  updateSite as updateSiteRecord,
  upsertSites,
  type SiteDoc,
} from '../store/sites';
import { OperationError } from './errors';
import { readTextFile } from './reading';
import { validate } from './validate';

export type { SiteDoc } from '../store/sites';

/** Who the command line records as the author of its changes. */
export const CLI_AUTHOR = 'command line (lc sites import)';

export async function importSites(db: Db, file: string, by = CLI_AUTHOR) {
  return importSitesText(db, readTextFile(file), formatFromFileName(file), by, file);
}

/**
 * Imports the text of a sites file (CSV or YAML) with the rules of `lc sites import`: every row is
 * checked by the domain's schema and nothing is imported when any row is bad; each problem is
 * `line N: field: message`. A leading byte-order mark (a CSV saved by Excel) is ignored.
 */
export async function importSitesText(
  db: Db,
  text: string,
  format: 'csv' | 'yaml',
  by: string,
  what = 'the file',
): Promise<{ count: number; inserted: number; updated: number }> {
  const { sites, errors } = parseSitesFile(text.replace(/^\uFEFF/, ''), format);
  if (errors.length) {
    throw new ValidationError(
      `${what} (nothing was imported)`,
      errors.flatMap((e) => e.problems.map((p) => `line ${e.line}: ${p}`)),
    );
  }
  const r = await upsertSites(db, sites, new Date(), by).catch(unavailable);
  return { count: sites.length, ...r };
}

/** An uploaded file of sites (.csv, .yaml or .yml), imported as `lc sites import` imports one. */
export async function importUploadedSites(db: Db, filename: string, text: string, by: string) {
  return importSitesText(db, text, formatFromFileName(filename), by, filename);
}

/** A file of sites sent as text (the JSON API's import): its name or format says CSV or YAML. */
export const siteImportSchema = z
  .object({
    text: z.string().min(1, 'the file is empty: send its text'),
    format: z.enum(['csv', 'yaml']).optional(),
    filename: z.string().max(200).optional(),
  })
  .strict();

/** Imports a sent file of sites with the rules of `lc sites import` (all rows or none). */
export async function importSitesRequest(db: Db, input: unknown, by: string) {
  const r = validate(siteImportSchema, input, 'the import');
  const format = r.format ?? (r.filename ? formatFromFileName(r.filename) : 'csv');
  return importSitesText(db, r.text, format, by, r.filename ?? `the ${format.toUpperCase()} text`);
}

/** Deactivates or reactivates a site, as the API sends it: `{ active: true | false }`. */
export const siteActiveSchema = z.object({ active: z.boolean() }).strict();

const unavailable = (err: Error): never => {
  throw new OperationError(`cannot write the network directory to MongoDB (${err.message})`);
};

export { listSites };

export const SITE_SHOWN = ['active', 'inactive', 'all'] as const;
export type SiteShown = (typeof SITE_SHOWN)[number];

/** The sites whose id, name, PI or PI's email holds `query` (any case), active, inactive or all. */
export async function searchSites(
  db: Db,
  o: { query?: string; show?: string } = {},
): Promise<{ sites: SiteDoc[]; total: number }> {
  const all = await listSites(db).catch((err: Error) => {
    throw new OperationError(`cannot read the network directory from MongoDB (${err.message})`);
  });
  const q = (o.query ?? '').trim().toLowerCase();
  const show: SiteShown = (SITE_SHOWN as readonly string[]).includes(o.show ?? '')
    ? (o.show as SiteShown)
    : 'all';
  const sites = all.filter(
    (s) =>
      (show === 'all' || s.active === (show === 'active')) &&
      (!q || [s.siteId, s.name, s.piName, s.piEmail].some((v) => v.toLowerCase().includes(q))),
  );
  return { sites, total: all.length };
}

/** One site of the directory, or a not-found error. */
export async function getSite(db: Db, siteId: string): Promise<SiteDoc> {
  const id = siteIdSchema.safeParse(siteId);
  const [site] = id.success ? await getSites(db, [id.data]) : [];
  if (!site) throw new OperationError(`no site "${siteId}" in the network directory`, 'not-found');
  return site;
}

/**
 * A form's fields without the blank ones: a blank optional field is an absent one, as in a file's
 * row. Only the site's own fields: a blank key that is none of them stays, for the schema to refuse.
 */
export function withoutBlanks(input: unknown): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  const fields = Object.keys(siteSchema.shape);
  return Object.fromEntries(
    Object.entries(input).filter(
      ([k, v]) => !(fields.includes(k) && typeof v === 'string' && v.trim() === ''),
    ),
  );
}

/** Adds a site (the schema of a file's row); refuses an id the directory holds already. */
export async function addSite(db: Db, input: unknown, by: string): Promise<Site> {
  const site = validate(siteSchema, withoutBlanks(input), 'the site');
  if (!(await insertSite(db, site, by).catch(unavailable)))
    throw new ValidationError('the site', [
      `siteId: "${site.siteId}" is in the directory already; edit that site instead`,
    ]);
  return site;
}

/** What an edit may change: everything but the id (a site's id is how every programme names it). */
export const siteEditSchema = siteSchema.omit({ siteId: true, active: true }).strict();

/** Edits a site's name, PI and time zone (a blank zone removes it). */
export async function updateSite(db: Db, siteId: string, input: unknown, by: string): Promise<SiteDoc> {
  await getSite(db, siteId);
  const fields = validate(siteEditSchema, withoutBlanks(input), 'the site');
  const id = siteIdSchema.parse(siteId);
  await updateSiteRecord(db, id, { timeZone: undefined, ...fields }, by).catch(unavailable);
  return getSite(db, id);
}

/**
 * Deactivates a site (it hears of no new programme with `sites: all`; running ones keep it) or
 * reactivates it.
 */
export async function setSiteActive(db: Db, siteId: string, active: boolean, by: string): Promise<SiteDoc> {
  const site = await getSite(db, siteId);
  await updateSiteRecord(db, site.siteId, { active }, by).catch(unavailable);
  return getSite(db, site.siteId);
}

/** Checks what only the database knows: the sites named in the config exist. */
export async function checkConfigAgainstDirectory(
  db: Db,
  config: Pick<LaunchConfig, 'sites'>,
  what = 'the launch config',
): Promise<void> {
  if (config.sites === 'all') {
    if ((await listSites(db, { activeOnly: true })).length === 0)
      throw new ValidationError(what, [
        'sites: the network directory has no active sites; import them first with `npm run lc -- sites import <file>`',
      ]);
    return;
  }
  const known = new Set((await getSites(db, config.sites)).map((s) => s.siteId));
  const unknown = config.sites.filter((id) => !known.has(id));
  if (unknown.length)
    throw new ValidationError(what, [
      `sites: not in the network directory: ${unknown.join(', ')} (see \`npm run lc -- sites list\`)`,
    ]);
}
