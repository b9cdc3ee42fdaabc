/** The network directory: importing sites, and checking a config's sites against it. */
import type { Db } from 'mongodb';
import { type LaunchConfig } from '../domain/config';
import { ValidationError } from '../domain/errors';
import { formatFromFileName, parseSitesFile } from '../domain/sites';
import { getSites, listSites, upsertSites } from '../store/sites';
import { readTextFile } from './reading';

export async function importSites(db: Db, file: string) {
  const text = readTextFile(file);
  const { sites, errors } = parseSitesFile(text, formatFromFileName(file));
  if (errors.length) {
    throw new ValidationError(
      `${file} (nothing was imported)`,
      errors.flatMap((e) => e.problems.map((p) => `line ${e.line}: ${p}`)),
    );
  }
  return { count: sites.length, ...(await upsertSites(db, sites)) };
}

export { listSites };

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
