/** Reports: the metrics compliance matrix (team × period), and its CSV. */
import type { Db } from 'mongodb';
import { type ComplianceCell } from '../domain/metrics';
import { computeCompliance, type ComplianceMatrix } from '../store/metrics';
import { collaborativeRecord } from './collaborative';
import { OperationError } from './errors';
import { checkSlug } from './validate';

// ---- reports: metrics compliance ---------------------------------------------------------------

export const COMPLIANCE_SYMBOLS: Record<ComplianceCell, string> = {
  'on-time': '✓',
  late: 'L',
  missing: '✗',
  'not-yet-due': '·',
};
export const COMPLIANCE_LABELS: Record<ComplianceCell, string> = {
  'on-time': 'on time',
  late: 'late',
  missing: 'missing',
  'not-yet-due': 'not yet due',
};
export const CELLS = Object.keys(COMPLIANCE_SYMBOLS) as ComplianceCell[];

export interface ComplianceReport extends ComplianceMatrix {
  slug: string;
  title: string;
  timeZone: string;
  /** The instant the matrix describes (ISO). */
  asOf: string;
}

/** The team × period matrix of a collaborative's metrics at `now` (see store/metrics.ts). */
export async function complianceReport(db: Db, slug: string, now: number): Promise<ComplianceReport> {
  checkSlug(slug);
  const doc = await collaborativeRecord(db, slug);
  if (!doc.config.metrics)
    throw new OperationError(
      `lc/${slug} collects no metrics (its launch config has no metrics block)`,
      'input',
    );
  const matrix = await computeCompliance(db, slug, now).catch((err: Error) => {
    throw new OperationError(`cannot read the metrics of "${slug}" from MongoDB (${err.message})`);
  });
  return {
    ...matrix,
    slug,
    title: doc.config.title,
    timeZone: doc.config.timeZone,
    asOf: new Date(now).toISOString(),
  };
}

/** The matrix as CSV, one row per team × period: `siteId,period,status` (status: on-time, late, missing, not-yet-due). */
export function complianceCsv(r: ComplianceReport): string {
  const rows = r.teams.flatMap((t) => t.cells.map((c, i) => `${t.siteId},${r.periods[i]},${c}`));
  return ['siteId,period,status', ...rows].join('\n') + '\n';
}
