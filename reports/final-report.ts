/**
 * The final report of a collaborative, computed from the records and stored once per
 * collaborative (`reports`, key collaborative + kind). Issue #4 adds metrics and run charts.
 */
import type { Db } from 'mongodb';
import { betterOf, type Measure } from '../domain/metrics';
import {
  analyseRunChart,
  describeSignal,
  signalMarks,
  type RunChartSignal,
  type SignalMeaning,
} from '../domain/run-chart-rules';
import type { PdsaDecision } from '../domain/pdsa';
import { ms } from '../domain/schedule';
import { currentSchedule, getCollaborative } from '../store/collaboratives';
import { COLLECTIONS, upsertById } from '../store/db';
import { ids } from '../store/keys';
import type { ApplicationDoc, TeamDoc } from '../store/lifecycle';
import { submissions, type SubmissionDoc } from '../store/metrics';
import { listAnswers, listCycles } from '../store/pdsa';
import { siteNames } from '../store/sites';
import { renderRunChart } from './charts';

export interface ReportChart {
  measure: string;
  scope: string; // 'All teams' or a team's name
  svg: string;
  median: number | null;
  points: number;
  /**
   * The run-chart signals marked on it (#21): on 'Each team', each team's against its own median
   * (the line drawn is the median across teams); on the mean's, against the baseline median drawn.
   * Absent in reports stored before.
   */
  signals?: ReportSignal[];
}

/** One run-chart signal of a team's series or of the teams' mean, for a numeric measure. */
export interface ReportSignal {
  /** the measure's key */
  measure: string;
  /** a team's name, or 'All teams (mean)' */
  scope: string;
  rule: RunChartSignal['rule'];
  meaning: SignalMeaning;
  from: string;
  to: string;
  /** the periods of its points */
  periods: string[];
  /** 'Bayview Child Trauma Center — Fidelity (%): a shift above the median from 2027-07 to 2027-12 (6 points) — improvement' */
  text: string;
}

export interface FinalReport {
  collaborative: string;
  kind: 'final';
  generatedAt: Date;
  summary: string[];
  /** One line per team (objects, not pairs: FerretDB 1.x stores no nested arrays). */
  rows: { team: string; summary: string }[];
  teams: {
    siteId: string;
    name: string;
    status: string;
    promoted: boolean;
    sessionsAttended: number;
    sessionsMissed: number[];
    prework: string[];
    feedback: number;
    /** Periods submitted of those due, and how many of them on time. */
    submitted: number;
    onTime: number;
  }[];
  /** Run charts of each numeric measure: across teams (one series per team) and overall. */
  charts: ReportChart[];
  /** Every run-chart signal of the charts, measure by measure (teams, then their mean). */
  signals: ReportSignal[];
  /** The signals as headed lists for the email: of improvement, of deterioration, other; only those with items. */
  signalSections: { heading: string; items: string[] }[];
  /** Every submission, one row per team × period. */
  csv: string;
  /** Each team's PDSA cycles (#21), team by team; absent in reports stored before. */
  pdsa?: ReportCycle[];
  /** The cycles as headed lists for the email, one heading per team that logged any. */
  pdsaSections?: { heading: string; items: string[] }[];
}

/** One PDSA cycle as the final report lists it. */
export interface ReportCycle {
  team: string;
  n: number;
  measure: string;
  change: string;
  prediction: string;
  observed?: string;
  learned?: string;
  decision?: PdsaDecision;
  answers: number;
  /** 'Cycle 1 (Fidelity (%)): Daily huddles — predicted: …; happened: …; learned: …; adopt. 1 answer from the faculty.' */
  text: string;
}

/** Computes, stores (`reports`, once per collaborative) and returns the final report: what the workflow sends. */
export async function buildFinalReport(db: Db, slug: string): Promise<FinalReport> {
  const report = await computeFinalReport(db, slug);
  await upsertById(
    db,
    COLLECTIONS.reports,
    ids.report(slug, 'final'),
    { collaborative: slug, kind: 'final' },
    { $set: { ...report } },
  );
  return report;
}

/** The final report stored when the collaborative ended, or null before that. */
export async function storedFinalReport(db: Db, slug: string): Promise<FinalReport | null> {
  return db
    .collection<FinalReport & { _id: string }>(COLLECTIONS.reports)
    .findOne({ _id: ids.report(slug, 'final') }, { projection: { _id: 0 } });
}

/** The final report as of now, from the records, without storing it (a report so far, before the end). */
export async function computeFinalReport(db: Db, slug: string): Promise<FinalReport> {
  const doc = await getCollaborative(db, slug);
  const schedule = currentSchedule(doc);
  const apps = await db
    .collection<ApplicationDoc>(COLLECTIONS.applications)
    .find({ collaborative: slug })
    .toArray();
  const teams = await db
    .collection<TeamDoc>(COLLECTIONS.teams)
    .find({ collaborative: slug })
    .sort({ siteId: 1 })
    .toArray();
  const attendance = await db
    .collection(COLLECTIONS.attendance)
    .aggregate<{ _id: { siteId: string; session: number }; present: number }>([
      { $match: { collaborative: slug, present: true } },
      { $group: { _id: { siteId: '$siteId', session: '$session' }, present: { $sum: 1 } } },
    ])
    .toArray();
  const prework = await db.collection(COLLECTIONS.prework).find({ collaborative: slug }).toArray();
  const feedback = await db
    .collection(COLLECTIONS.feedback)
    .aggregate<{ _id: string; n: number }>([
      { $match: { collaborative: slug } },
      { $group: { _id: '$siteId', n: { $sum: 1 } } },
    ])
    .toArray();
  const names = await siteNames(
    db,
    teams.map((t) => t.siteId),
  );
  const sessions = schedule.learningSessions.length;
  const subs = await submissions(db).find({ collaborative: slug }).sort({ siteId: 1, period: 1 }).toArray();
  const periodsDue = schedule.periods.filter((p) => ms(p.due) <= ms(schedule.end));

  const perTeam = teams.map((t) => {
    const attended = new Set(attendance.filter((a) => a._id.siteId === t.siteId).map((a) => a._id.session));
    const own = subs.filter((s) => s.siteId === t.siteId);
    return {
      siteId: t.siteId,
      name: names.get(t.siteId) ?? t.siteId,
      status: t.status,
      promoted: t.promoted,
      sessionsAttended: attended.size,
      sessionsMissed:
        t.status === 'withdrawn' ? [] : [...Array(sessions).keys()].filter((i) => !attended.has(i)),
      prework: prework
        .filter((p) => p.siteId === t.siteId)
        .map((p) => p.item as string)
        .sort(),
      feedback: feedback.find((f) => f._id === t.siteId)?.n ?? 0,
      submitted: own.length,
      onTime: own.filter((s) => !s.late).length,
    };
  });
  const count = (d: string) => apps.filter((a) => a.decision?.decision === d).length;
  const measures = doc.config.metrics?.measures ?? [];
  const reporting = perTeam.filter((t) => t.status !== 'withdrawn');
  const charts = await runCharts(
    measures,
    schedule.periods.map((p) => p.id),
    reporting,
    subs,
  );
  const signals = charts.flatMap((c) => c.signals ?? []);
  const pdsa = await reportCycles(db, slug, measures, names);
  const metricsLine = (t: (typeof perTeam)[number]) =>
    periodsDue.length ? `; metrics ${t.submitted}/${periodsDue.length} (${t.onTime} on time)` : '';
  const report: FinalReport = {
    collaborative: slug,
    kind: 'final',
    generatedAt: new Date(),
    summary: [
      `${doc.config.title}: ${apps.length} applications; ${count('accept')} accepted, ${count('waitlist')} waitlisted, ${count('decline')} declined.`,
      `${teams.filter((t) => t.status !== 'withdrawn').length} teams took part (${teams.filter((t) => t.promoted).length} promoted from the waiting list); ${teams.filter((t) => t.status === 'withdrawn').length} withdrew.`,
      ...(periodsDue.length
        ? [
            `Metrics: ${subs.length} of ${periodsDue.length * reporting.length} team-periods submitted (${pct(subs.length, periodsDue.length * reporting.length)}); ${subs.filter((s) => !s.late).length} on time (${pct(subs.filter((s) => !s.late).length, subs.length)} of those submitted).`,
          ]
        : []),
      ...(charts.length ? [signalsLine(signals)] : []),
      ...(pdsa.length ? [pdsaLine(pdsa)] : []),
    ],
    rows: perTeam.map((t) => ({
      team: t.name,
      summary:
        t.status === 'withdrawn'
          ? 'withdrew'
          : `${t.sessionsAttended}/${sessions} sessions${t.sessionsMissed.length ? ` (missed LS${t.sessionsMissed.map((i) => i + 1).join(', LS')})` : ''}; pre-work ${t.prework.length}/3; ${t.feedback} feedback${metricsLine(t)}`,
    })),
    teams: perTeam,
    charts,
    signals,
    signalSections: signalSections(signals),
    csv: toCsv(measures, subs, names),
    pdsa,
    pdsaSections: pdsaSections(pdsa),
  };
  return report;
}

const SIGNAL_HEADINGS: [SignalMeaning, string][] = [
  ['improvement', 'Signals of improvement'],
  ['deterioration', 'Signals of deterioration'],
  ['neither', 'Other signals (neither improvement nor deterioration)'],
];

function signalsLine(signals: ReportSignal[]): string {
  const rules = 'IHI run-chart rules: shift, trend, too few or too many runs, astronomical point';
  if (!signals.length) return `Run-chart signals (${rules}): none.`;
  const n = (m: SignalMeaning) => signals.filter((s) => s.meaning === m).length;
  return `Run-chart signals (${rules}; each team against its own median): ${n('improvement')} of improvement, ${n('deterioration')} of deterioration, ${n('neither')} other.`;
}

/** The signals as headed lists, of improvement first; a heading only when it has items. */
export function signalSections(signals: ReportSignal[]): { heading: string; items: string[] }[] {
  return SIGNAL_HEADINGS.map(([meaning, heading]) => ({
    heading,
    items: signals.filter((s) => s.meaning === meaning).map((s) => s.text),
  })).filter((sec) => sec.items.length > 0);
}

async function reportCycles(
  db: Db,
  slug: string,
  measures: Measure[],
  names: Map<string, string>,
): Promise<ReportCycle[]> {
  const [cycles, answers] = await Promise.all([listCycles(db, slug), listAnswers(db, slug)]);
  return cycles.map((c) => {
    const measure = measures.find((m) => m.key === c.measure)?.name ?? c.measure;
    const n = answers.filter((a) => a.siteId === c.siteId && a.cycle === c.n).length;
    const parts = [
      `predicted: ${c.prediction}`,
      ...(c.observed ? [`happened: ${c.observed}`] : []),
      ...(c.learned ? [`learned: ${c.learned}`] : []),
    ];
    return {
      team: names.get(c.siteId) ?? c.siteId,
      n: c.n,
      measure,
      change: c.change,
      prediction: c.prediction,
      ...(c.observed ? { observed: c.observed } : {}),
      ...(c.learned ? { learned: c.learned } : {}),
      ...(c.decision ? { decision: c.decision } : {}),
      answers: n,
      text: `Cycle ${c.n} (${measure}): ${c.change} — ${parts.join('; ')}; ${c.decision ?? 'still open'}.${n ? ` ${n} ${n === 1 ? 'answer' : 'answers'} from the faculty.` : ''}`,
    };
  });
}

function pdsaLine(cycles: ReportCycle[]): string {
  const n = (d?: PdsaDecision) => cycles.filter((c) => c.decision === d).length;
  const teams = new Set(cycles.map((c) => c.team)).size;
  return `PDSA cycles: ${cycles.length} logged by ${teams} ${teams === 1 ? 'team' : 'teams'}; ${n('adopt')} adopted, ${n('adapt')} adapted, ${n('abandon')} abandoned, ${n()} still open.`;
}

/** The cycles as headed lists, one per team, in the report's order. */
export function pdsaSections(cycles: ReportCycle[]): { heading: string; items: string[] }[] {
  const teams = [...new Set(cycles.map((c) => c.team))];
  return teams.map((t) => ({
    heading: `PDSA cycles of ${t}`,
    items: cycles.filter((c) => c.team === t).map((c) => c.text),
  }));
}

function pct(n: number, of: number): string {
  return of ? `${Math.round((100 * n) / of)}%` : '—';
}

/** The run charts of a collaborative's submissions so far (the dashboard's; the final report's are the same). */
export async function collaborativeRunCharts(db: Db, slug: string): Promise<ReportChart[]> {
  const doc = await getCollaborative(db, slug);
  const measures = doc.config.metrics?.measures ?? [];
  if (!measures.length) return [];
  const subs = await submissions(db).find({ collaborative: slug }).sort({ siteId: 1, period: 1 }).toArray();
  const teams = await db
    .collection<TeamDoc>(COLLECTIONS.teams)
    .find({ collaborative: slug })
    .sort({ siteId: 1 })
    .toArray();
  const names = await siteNames(
    db,
    teams.map((t) => t.siteId),
  );
  const periods = [...new Set(subs.map((s) => s.period))].sort();
  if (!periods.length) return [];
  return runCharts(
    measures,
    periods,
    teams
      .filter((t) => t.status !== 'withdrawn')
      .map((t) => ({ siteId: t.siteId, name: names.get(t.siteId) ?? t.siteId })),
    subs,
  );
}

/**
 * A run chart per numeric measure: one across teams (a series per team) and one of the teams' mean,
 * each with its run-chart signals (domain/run-chart-rules) listed and marked.
 */
async function runCharts(
  measures: Measure[],
  periods: string[],
  teams: { siteId: string; name: string }[],
  subs: SubmissionDoc[],
): Promise<ReportChart[]> {
  const charts: ReportChart[] = [];
  for (const m of measures.filter((x) => x.type === 'count' || x.type === 'percentage')) {
    const valueOf = (siteId: string, period: string) => {
      const v = subs.find((s) => s.siteId === siteId && s.period === period)?.values[m.key];
      return typeof v === 'number' ? v : null;
    };
    const perTeam = teams.map((t) => ({
      name: t.name,
      points: periods.map((p) => ({ period: p, value: valueOf(t.siteId, p) })),
    }));
    const mean = periods.map((p) => {
      const vs = teams.map((t) => valueOf(t.siteId, p)).filter((v): v is number => v !== null);
      return {
        period: p,
        value: vs.length ? Math.round((vs.reduce((a, b) => a + b, 0) / vs.length) * 100) / 100 : null,
      };
    });
    const scopes: [string, { name: string; points: { period: string; value: number | null }[] }[]][] = [
      ['Each team', perTeam],
      ['All teams (mean)', [{ name: 'All teams (mean)', points: mean }]],
    ];
    for (const [scope, series] of scopes) {
      const analyses = series.map((s) => ({ s, a: analyseRunChart(s.points, { better: betterOf(m) }) }));
      const signals: ReportSignal[] = analyses.flatMap(({ s, a }) =>
        a.signals.map((x) => ({
          measure: m.key,
          scope: s.name,
          rule: x.rule,
          meaning: x.meaning,
          from: x.from,
          to: x.to,
          periods: x.periods,
          text: `${s.name} — ${describeSignal(x, m.name)}`,
        })),
      );
      const chart = await renderRunChart({
        title: `${m.name} — ${scope}`,
        measure: m.name,
        series,
        target: m.target,
        // one series: draw the baseline median the rules used
        ...(series.length === 1 && analyses[0]!.a.median !== null ? { median: analyses[0]!.a.median } : {}),
        signals: analyses.flatMap(({ s, a }) => signalMarks(s.name, a.signals)),
      });
      charts.push({
        measure: m.key,
        scope,
        svg: chart.svg,
        median: chart.median,
        points: chart.points,
        signals,
      });
    }
  }
  return charts;
}

/** Every submission as CSV (RFC 4180 quoting), one row per team × period. */
function toCsv(measures: Measure[], subs: SubmissionDoc[], names: Map<string, string>): string {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const header = [
    'site_id',
    'site',
    'period',
    'submitted_at',
    'late',
    'amendments',
    ...measures.map((m) => m.key),
  ];
  const rows = subs.map((s) => [
    s.siteId,
    names.get(s.siteId) ?? s.siteId,
    s.period,
    new Date(s.submittedAt).toISOString(),
    s.late,
    s.amendments,
    ...measures.map((m) => s.values[m.key]),
  ]);
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
