/**
 * Metrics submissions in MongoDB (one document per collaborative × team × period) and what is
 * computed from them: the digest of missing data and the compliance matrix. Only `$match` and
 * `$group` pipelines, which FerretDB 1.x and MongoDB both run, on the business-key index.
 */
import type { Db } from 'mongodb';
import { complianceOf, type ComplianceCell, type Submission } from '../domain/metrics';
import { dayOf, ms } from '../domain/schedule';
import { currentSchedule, getCollaborative } from './collaboratives';
import { COLLECTIONS, upsertById } from './db';
import { ids } from './keys';
import type { TeamDoc } from './lifecycle';

export interface SubmissionDoc {
  collaborative: string;
  siteId: string;
  period: string;
  values: Submission['values'];
  by: string;
  /** Workflow time of the (latest) submission. */
  submittedAt: Date;
  late: boolean;
  amendments: number;
}

export function submissions(db: Db) {
  return db.collection<SubmissionDoc>(COLLECTIONS.metrics);
}

/** A resubmission replaces the values and counts as an amendment. */
export async function recordSubmission(
  db: Db,
  slug: string,
  siteId: string,
  s: Submission,
  meta: { submittedAt: string; late: boolean; amendments: number },
): Promise<void> {
  await upsertById(
    db,
    COLLECTIONS.metrics,
    ids.submission(slug, siteId, s.period),
    { collaborative: slug, siteId, period: s.period },
    {
      $set: {
        values: s.values,
        by: s.by,
        submittedAt: new Date(meta.submittedAt),
        late: meta.late,
        amendments: meta.amendments,
      },
    },
  );
}

/** Teams taking part, for metrics: accepted now, or completed. */
async function reportingTeams(db: Db, slug: string): Promise<string[]> {
  const teams = await db
    .collection<TeamDoc>(COLLECTIONS.teams)
    .find({ collaborative: slug, status: { $in: ['accepted', 'completed'] } })
    .project<{ siteId: string }>({ siteId: 1 })
    .toArray();
  return teams.map((t) => t.siteId).sort();
}

/**
 * Submitted periods per team: one indexed `$match` + `$project` pass (FerretDB 1.24 has no
 * `$push` accumulator, so the per-team grouping of periods happens here).
 */
async function submittedByTeam(db: Db, slug: string): Promise<Map<string, Map<string, number>>> {
  const rows = await submissions(db)
    .aggregate<{ siteId: string; period: string; submittedAt: Date }>([
      { $match: { collaborative: slug } },
      { $project: { _id: 0, siteId: 1, period: 1, submittedAt: 1 } },
    ])
    .toArray();
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    if (!out.has(r.siteId)) out.set(r.siteId, new Map());
    out.get(r.siteId)!.set(r.period, new Date(r.submittedAt).getTime());
  }
  return out;
}

export interface ComplianceMatrix {
  periods: string[];
  teams: { siteId: string; cells: ComplianceCell[] }[];
  totals: Record<ComplianceCell, number>;
}

export async function computeCompliance(db: Db, slug: string, now: number): Promise<ComplianceMatrix> {
  const doc = await getCollaborative(db, slug);
  const schedule = currentSchedule(doc);
  const periods = schedule.periods;
  const grace = doc.config.metrics?.graceDays ?? 0;
  const byTeam = await submittedByTeam(db, slug);
  const totals: Record<ComplianceCell, number> = { 'on-time': 0, late: 0, missing: 0, 'not-yet-due': 0 };
  const teams = (await reportingTeams(db, slug)).map((siteId) => {
    const cells = periods.map((p) =>
      complianceOf(p, byTeam.get(siteId)?.get(p.id), now, grace, dayOf(schedule)),
    );
    for (const c of cells) totals[c]++;
    return { siteId, cells };
  });
  return { periods: periods.map((p) => p.id), teams, totals };
}

/** Teams and the periods they still owe, past the digest rung of the ladder. */
export async function digestRows(
  db: Db,
  slug: string,
  now: number,
): Promise<{ siteId: string; periods: string[] }[]> {
  const doc = await getCollaborative(db, slug);
  const ladder = doc.config.metrics?.ladder;
  if (!ladder) return [];
  const schedule = currentSchedule(doc);
  const overdue = schedule.periods.filter((p) => ms(p.due) + ladder.digestAfterDays * dayOf(schedule) <= now);
  const byTeam = await submittedByTeam(db, slug);
  const active = await db
    .collection<TeamDoc>(COLLECTIONS.teams)
    .find({ collaborative: slug, status: 'accepted' })
    .project<{ siteId: string }>({ siteId: 1 })
    .toArray();
  return active
    .map((t) => ({
      siteId: t.siteId,
      periods: overdue.filter((p) => !byTeam.get(t.siteId)?.has(p.id)).map((p) => p.id),
    }))
    .filter((r) => r.periods.length)
    .sort((a, b) => a.siteId.localeCompare(b.siteId));
}
