/** The example network and its people, for tests. */
import fs from 'node:fs';
import path from 'node:path';
import { parseSitesFile, type Site } from '../../domain/sites';

/** Applications as a PI fills them in (shared with the benchmarks: testing/fixtures.ts). */
export { applicationFor } from '../../testing/fixtures';

/** The example network directory, `examples/sites.csv`. */
export const exampleSites: Site[] = parseSitesFile(
  fs.readFileSync(path.join(__dirname, '../../examples/sites.csv'), 'utf8'),
  'csv',
).sites;

/** The PI of an example site. */
export const piOf = (siteId: string): string => exampleSites.find((s) => s.siteId === siteId)!.piEmail;
