/**
 * Run charts for the web pages, with what they plot: each chart comes with its human title, its
 * measure's name and its series (so the page can give a legend and a data table beside the SVG),
 * and a y axis people read without misjudging it: percentages from 0 to 100, counts from 0.
 * The coordinator's dashboard gets a chart across teams and one of their mean per measure; a
 * team's page gets its own series.
 */
import type { Db } from 'mongodb';
import { createHash } from 'node:crypto';
import { cachedByStamp } from '../store/chart-cache';
import { renderRunChart, type RunChartSeries } from '../reports/charts';
import type { CollaborativeDoc } from '../store/collaboratives';
import { COLLECTIONS } from '../store/db';
import type { TeamDoc } from '../store/lifecycle';
import { submissions, type SubmissionDoc } from '../store/metrics';
import { siteNames } from '../store/sites';
import type { Measure } from '../domain/metrics';
import { seriesSignals } from '../domain/run-chart-rules';

export interface PageChart {
  /** The measure's key, for tests and anchors. */
  key: string;
  /** 'Children served: each team'. */
  title: string;
  measure: string;
  unit: 'count' | 'percentage';
  scope: 'each team' | 'mean of the teams' | 'this team';
  series: RunChartSeries[];
  periods: string[];
  median: number | null;
  target?: number;
  svg: string;
  /** Run-chart signals of a single series (a team's own, the teams' mean), in plain words. */
  signals?: { meaning: 'improvement' | 'deterioration' | 'neither'; text: string }[];
}

const plotted = (measures: Measure[]) =>
  measures.filter((m) => m.type === 'count' || m.type === 'percentage');

async function render(
  m: Measure,
  scope: PageChart['scope'],
  periods: string[],
  series: RunChartSeries[],
): Promise<PageChart> {
  const title = `${m.name}: ${scope}`;
  // One series is read by the run-chart rules; teams side by side are not (each has its median).
  const read = series.length === 1 ? seriesSignals(m, series[0]!.name, series[0]!.points) : undefined;
  const chart = await renderRunChart({
    title,
    measure: m.type === 'percentage' && !m.name.includes('%') ? `${m.name} (%)` : m.name,
    series,
    target: m.target,
    ...(read && read.marks.length ? { signals: read.marks } : {}),
    ...(read && read.analysis.median !== null ? { median: read.analysis.median } : {}),
    yMin: Math.min(0, m.min ?? 0),
    ...(m.type === 'percentage' ? { yMax: Math.max(100, m.max ?? 100) } : {}),
  });
  return {
    key: m.key,
    title,
    measure: m.name,
    unit: m.type as PageChart['unit'],
    scope,
    series,
    periods,
    median: chart.median,
    target: m.target,
    svg: chart.svg,
    ...(read ? { signals: read.lines } : {}),
  };
}

const valueOf = (subs: SubmissionDoc[], siteId: string, period: string, key: string) => {
  const v = subs.find((s) => s.siteId === siteId && s.period === period)?.values[key];
  return typeof v === 'number' ? v : null;
};

/** Raised when the charts are drawn differently: the cached ones are then drawn again. */
const DRAWING = 'page-charts-2';
const stampOf = (data: unknown) =>
  createHash('sha256')
    .update(JSON.stringify([DRAWING, data]))
    .digest('base64url');

/** The dashboard's charts: per numeric measure, the teams side by side and their mean. */
export async function dashboardCharts(db: Db, doc: CollaborativeDoc): Promise<PageChart[]> {
  const measures = plotted(doc.config.metrics?.measures ?? []);
  if (!measures.length) return [];
  const subs = await submissions(db).find({ collaborative: doc.slug }).toArray();
  const periods = [...new Set(subs.map((s) => s.period))].sort();
  if (!periods.length) return [];
  const teams = (
    await db
      .collection<TeamDoc>(COLLECTIONS.teams)
      .find({ collaborative: doc.slug })
      .sort({ siteId: 1 })
      .toArray()
  ).filter((t) => t.status !== 'withdrawn');
  const names = await siteNames(
    db,
    teams.map((t) => t.siteId),
  );
  // Drawn once per change of what they plot (a submission, an amendment, a team's status).
  const plotting = {
    measures,
    teams: teams.map((t) => [t.siteId, names.get(t.siteId)]),
    subs: subs.map((x) => [x.siteId, x.period, x.values, x.amendments]),
  };
  return cachedByStamp(db, `${doc.slug}:dashboard`, stampOf(plotting), async () => {
    const charts: PageChart[] = [];
    for (const m of measures) {
      const each = teams.map((t) => ({
        name: names.get(t.siteId) ?? t.siteId,
        points: periods.map((period) => ({ period, value: valueOf(subs, t.siteId, period, m.key) })),
      }));
      const mean = periods.map((period) => {
        const vs = teams
          .map((t) => valueOf(subs, t.siteId, period, m.key))
          .filter((v): v is number => v !== null);
        return {
          period,
          value: vs.length ? Math.round((vs.reduce((a, b) => a + b, 0) / vs.length) * 100) / 100 : null,
        };
      });
      charts.push(await render(m, 'each team', periods, each));
      charts.push(
        await render(m, 'mean of the teams', periods, [{ name: 'Mean of the teams', points: mean }]),
      );
    }
    return charts;
  });
}

/** A team's own charts, one per numeric measure, over the periods it has submitted. */
export async function teamCharts(
  db: Db,
  doc: CollaborativeDoc,
  siteId: string,
  teamName: string,
): Promise<PageChart[]> {
  const measures = plotted(doc.config.metrics?.measures ?? []);
  const subs = await submissions(db).find({ collaborative: doc.slug, siteId }).toArray();
  const periods = subs.map((s) => s.period).sort();
  if (!measures.length || !periods.length) return [];
  const plotting = { measures, teamName, subs: subs.map((x) => [x.period, x.values, x.amendments]) };
  return cachedByStamp(db, `${doc.slug}:team:${siteId}`, stampOf(plotting), async () => {
    const charts: PageChart[] = [];
    for (const m of measures)
      charts.push(
        await render(m, 'this team', periods, [
          {
            name: teamName,
            points: periods.map((period) => ({ period, value: valueOf(subs, siteId, period, m.key) })),
          },
        ]),
      );
    return charts;
  });
}

/** A team's submissions, one per period, oldest first. */
export async function teamSubmissions(db: Db, slug: string, siteId: string): Promise<SubmissionDoc[]> {
  return (
    await submissions(db)
      .find({ collaborative: slug, siteId }, { projection: { _id: 0 } })
      .toArray()
  ).sort((a, b) => a.period.localeCompare(b.period));
}
export type { SubmissionDoc } from '../store/metrics';
