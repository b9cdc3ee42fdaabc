/** The network directory: sites and their principal investigators, kept by coordinators. */
import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import YAML from 'yaml';
import { z } from 'zod';
import { formatIssues, ValidationError } from './errors';
import { emailSchema, personNameSchema, siteIdSchema } from './common';
import { timeZoneSchema } from './time';

export const siteSchema = z
  .object({
    siteId: siteIdSchema,
    name: z.string().trim().min(1, 'the site name is required').max(200),
    piName: personNameSchema,
    piEmail: emailSchema,
    timeZone: timeZoneSchema.optional(),
    active: z
      .union([z.boolean(), z.enum(['true', 'false', 'yes', 'no', '1', '0', ''])], {
        errorMap: () => ({ message: 'expected true or false (or yes/no, 1/0)' }),
      })
      .optional()
      .transform((v) => (typeof v === 'boolean' ? v : !['false', 'no', '0'].includes(v ?? ''))),
  })
  .strict();

export type Site = z.infer<typeof siteSchema>;

export interface SiteRowError {
  line: number;
  problems: string[];
}

/** Rows of a CSV (header line naming the fields) or YAML (a list, or `{ sites: [...] }`) file. */
function rowsOf(text: string, format: 'csv' | 'yaml'): { line: number; row: unknown }[] {
  if (format === 'csv') {
    let records: { record: Record<string, string>; info: { lines: number } }[];
    try {
      records = parseCsv(text, {
        columns: (header: string[]) => header.map((h) => h.trim()),
        skip_empty_lines: true,
        trim: true,
        info: true,
      });
    } catch (err) {
      // A malformed file (an unclosed quote, a row with more cells than the header) is bad input too.
      if (err instanceof CsvError) throw new ValidationError('the CSV file', [err.message]);
      throw err;
    }
    return records.map((r) => ({
      line: r.info.lines,
      row: Object.fromEntries(Object.entries(r.record).filter(([, v]) => v !== '' || false)),
    }));
  }
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter });
  if (doc.errors.length)
    throw new ValidationError(
      'the YAML file',
      doc.errors.map((e) => e.message),
    );
  const seq = YAML.isMap(doc.contents) ? doc.contents.get('sites', true) : doc.contents;
  if (!YAML.isSeq(seq))
    throw new ValidationError('the YAML file', ['expected a list of sites (or `sites:` with a list)']);
  return seq.items.map((item) => {
    const node = item as YAML.Node;
    return { line: lineCounter.linePos(node.range?.[0] ?? 0).line, row: node.toJSON() };
  });
}

/**
 * Validates every row; returns the sites only if all rows are valid, so an import is all or nothing.
 * Duplicated site ids within one file are an error too.
 */
export function parseSitesFile(
  text: string,
  format: 'csv' | 'yaml',
): { sites: Site[]; errors: SiteRowError[] } {
  const sites: Site[] = [];
  const errors: SiteRowError[] = [];
  const seen = new Map<string, number>();
  for (const { line, row } of rowsOf(text, format)) {
    const r = siteSchema.safeParse(row);
    if (!r.success) {
      errors.push({ line, problems: formatIssues(r.error) });
      continue;
    }
    const first = seen.get(r.data.siteId);
    if (first !== undefined) {
      errors.push({ line, problems: [`siteId: "${r.data.siteId}" already appears on line ${first}`] });
      continue;
    }
    seen.set(r.data.siteId, line);
    sites.push(r.data);
  }
  if (sites.length === 0 && errors.length === 0)
    errors.push({ line: 1, problems: ['the file has no sites'] });
  return { sites: errors.length ? [] : sites, errors };
}

export function formatFromFileName(file: string): 'csv' | 'yaml' {
  if (/\.csv$/i.test(file)) return 'csv';
  if (/\.ya?ml$/i.test(file)) return 'yaml';
  throw new ValidationError(file, ['expected a .csv, .yaml or .yml file']);
}
