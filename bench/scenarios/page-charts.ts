/**
 * Scenario 8, the coordinator's and a team's run charts at size: `--page-teams` teams (30) ×
 * `--page-periods` periods (18) of two numeric measures. The figure is one dashboard visit once
 * its charts are stored (app/charts.ts draws them once per change of what they plot); its
 * baseline is the visit that draws them (the first after a submission), measured in the same run,
 * alternately. The stored visit still reads the submissions it plots (to know they are unchanged).
 */
import type { Db } from 'mongodb';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { dashboardCharts, teamCharts } from '../../app';
import { parseLaunchConfig } from '../../domain/config';
import { getCollaborative, recordProgramme } from '../../store/collaboratives';
import { COLLECTIONS } from '../../store/db';
import { ids } from '../../store/keys';
import { recordSubmission } from '../../store/metrics';
import { figure, median, progress, timed, type ScenarioResult, type Services } from '../lib';
import type { BenchOptions } from '../options';

const SAMPLES = 7;

/** A collaborative of the example's config with `teams` teams × `periods` submissions each. */
export async function seedPage(db: Db, teams: number, periods: number, slug = 'page'): Promise<void> {
  const raw = YAML.parse(fs.readFileSync(path.join(__dirname, '../../examples/collaborative.yaml'), 'utf8'));
  const cfg = parseLaunchConfig({ ...raw, slug });
  await recordProgramme(db, COLLECTIONS.collaboratives, cfg, `lc/${slug}`);
  for (let t = 0; t < teams; t++) {
    const siteId = `site-${String(t).padStart(3, '0')}`;
    await db
      .collection(COLLECTIONS.teams)
      .insertOne({ _id: ids.team(slug, siteId), collaborative: slug, siteId, status: 'accepted' } as never);
    for (let p = 0; p < periods; p++) {
      const period = `${2027 + Math.floor((4 + p) / 12)}-${String(((4 + p) % 12) + 1).padStart(2, '0')}`;
      await recordSubmission(
        db,
        slug,
        siteId,
        {
          period,
          values: {
            children_served: 10 + ((t * 7 + p * 3) % 20),
            fidelity: 60 + ((t + p) % 35),
            cds_used: true,
          },
          by: 'dm@bench.org',
        },
        { submittedAt: `${period}-20T12:00:00Z`, late: false, amendments: 0 },
      );
    }
  }
}

export async function pageCharts(services: Services, o: BenchOptions): Promise<ScenarioResult> {
  const t0 = Date.now();
  const { db } = await services.db('page_charts');
  const s = await timed(() => seedPage(db, o.pageTeams, o.pagePeriods));
  progress(
    `page-charts: seeded ${o.pageTeams} teams × ${o.pagePeriods} periods in ${(s.ms / 1000).toFixed(1)} s`,
  );
  const doc = await getCollaborative(db, 'page');
  const drawn: number[] = [];
  const stored: number[] = [];
  const team: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    // A change of what the charts plot (an amendment), so the next visit draws them again.
    await db
      .collection(COLLECTIONS.metrics)
      .updateOne({ collaborative: 'page', siteId: 'site-000' }, { $set: { amendments: i + 1 } });
    drawn.push((await timed(() => dashboardCharts(db, doc))).ms);
    stored.push((await timed(() => dashboardCharts(db, doc))).ms);
    team.push((await timed(() => teamCharts(db, doc, 'site-001', 'Site 001'))).ms);
  }
  const charts = await dashboardCharts(db, doc);
  return {
    name: 'page-charts',
    title: `Run charts of a ${o.pageTeams}-team, ${o.pagePeriods}-period collaborative: drawn once per change`,
    wallMs: Date.now() - t0,
    figures: [
      figure('dashboard charts, stored', median(stored), 'ms', {
        baseline: { name: 'the same visit drawing them', value: median(drawn), unit: 'ms', kind: 'measured' },
        target: { op: '<=', value: 0.5 },
      }),
      figure("a team page's charts, stored", median(team), 'ms'),
    ],
    notes: [
      `${charts.length} charts; ${SAMPLES} samples each, drawn and stored alternately (median).`,
      'The stored visit still loads the submissions it plots, to know they are unchanged: on FerretDB 1.24 that list query scans the metrics collection.',
    ],
    details: { drawn, stored, team },
  };
}
