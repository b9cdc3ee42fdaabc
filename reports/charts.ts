/**
 * QI run charts as SVG, drawn by Vega-Lite (spec) + Vega (headless SVG renderer, no canvas, no
 * browser): `vega.View(vega.parse(spec), { renderer: 'none' }).toSVG()`.
 *
 * Why Vega 5 and not 6: Vega 6 / Vega-Lite 6 ship as ES modules only, and this project's jest
 * (ts-jest, CommonJS, no --experimental-vm-modules) can load them neither by require() nor by a
 * dynamic import(). The 5.x line ships a CommonJS build (vega 5.33.x, vega-lite 5.23.x).
 *
 * What the chart shows: one line + filled points per series (colour per series, legend when there
 * is more than one), the period ('YYYY-MM') on an ordinal x axis in chronological order (every
 * period of every series, so a month with no value still has its tick), a dashed horizontal median
 * line (`median` when given, e.g. the run-chart rules' baseline median, else the median of all
 * non-null values of all series), a solid target line when `target` is set, and rings on the
 * points of run-chart `signals` when given. A null value draws no point and breaks that series'
 * line, so a missing month is visible.
 *
 * Machine-readable markers in the SVG (all emitted by Vega from the marks' `description`, as the
 * `aria-label` attribute of the item; text is XML-escaped by Vega, e.g. `&` as `&amp;`):
 *
 * - Data point: one `<path role="graphics-symbol" aria-roledescription="point" …>` per non-null
 *   value, with `aria-label="period: 2027-06; value: 42; series: Bayview"` — the period exactly as
 *   given, the value as JavaScript's `String(value)` (so `Number()` of it gives the value back
 *   exactly), then the series name (last, so it may contain `;`). They sit in
 *   `<g class="mark-symbol role-mark run_points_marks">`. No other element has aria-roledescription
 *   "point".
 * - Median line: `<line role="graphics-symbol" aria-roledescription="rule mark"
 *   aria-label="median: 42.5">` (value as `String(median)`), in
 *   `<g class="mark-rule role-mark median_rule_marks">`. Absent when there is no non-null value.
 * - Target line: the same with `aria-label="target: 80"`, in
 *   `<g class="mark-rule role-mark target_rule_marks">`. Present only when `target` is set.
 * - Series line: `<path role="graphics-symbol" aria-roledescription="line mark"
 *   aria-label="series: Bayview">`, one per series with at least one point (its `d` is broken with
 *   a new `M` at each missing value), in `<g class="mark-line role-mark run_line_marks">`.
 * - Signal mark (issue #21): when `signals` are given, a ring around each marked point,
 *   `<path role="graphics-symbol" aria-roledescription="signal" aria-label="signal: shift; meaning:
 *   improvement; period: 2027-07; value: 80; series: Bayview">` (the rules joined by ", " when
 *   several mark the point), in `<g class="mark-symbol role-mark signal_points_marks">`, stroked
 *   by meaning (green improvement, red deterioration, purple neither) with a legend entry
 *   "Signal of improvement" / "Signal of deterioration" / "Other signal" for each meaning present.
 * - The visible "Median 63.75" / "Target 80" captions are `<text>` in `aria-hidden="true"` groups
 *   (classes `median_caption_marks`, `target_caption_marks`); axes and legend carry Vega's own
 *   prose aria-labels ("X-axis titled 'Month' …"), none of the forms above.
 *
 * The output is deterministic: same input, byte-identical SVG (no ids, no timestamps; text width
 * is estimated, not measured, since no canvas package is installed).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { SignalMeaning } from '../domain/run-chart-rules';

export interface RunChartPoint {
  /** 'YYYY-MM' */
  period: string;
  /** null = missing */
  value: number | null;
}

export interface RunChartSeries {
  /** team name, or 'All teams' */
  name: string;
  points: RunChartPoint[];
}

export interface RunChartInput {
  /** e.g. 'Fidelity (%) — Bayview Child Trauma Center' */
  title: string;
  /** y axis label */
  measure: string;
  /** one series per team, or one aggregate series */
  series: RunChartSeries[];
  /** horizontal target line when set */
  target?: number;
  yMin?: number;
  yMax?: number;
  /** The centre line, when the caller has one (the run-chart rules' baseline median); default the median of all values. */
  median?: number;
  /** Points of run-chart signals to mark (domain/run-chart-rules' signalMarks): each must be a drawn point. */
  signals?: RunChartMark[];
}

export interface RunChartMark {
  series: string;
  period: string;
  /** 'shift', 'trend', 'astronomical' */
  rule: string;
  meaning: SignalMeaning;
}

const SIGNAL_LEGEND: Record<SignalMeaning, [string, string]> = {
  improvement: ['Signal of improvement', '#1b7837'],
  deterioration: ['Signal of deterioration', '#b2182b'],
  neither: ['Other signal', '#6a3d9a'],
};

export interface RunChart {
  svg: string;
  /** the centre line drawn: `input.median`, else the median of all non-null values of all series; null when there are none */
  median: number | null;
  /** number of points drawn (= non-null values) */
  points: number;
}

const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Median of the values, nulls skipped; null when nothing is left. Throws on NaN or ±Infinity. */
export function median(values: ReadonlyArray<number | null>): number | null {
  const xs: number[] = [];
  for (const v of values) {
    if (v === null) continue;
    if (!Number.isFinite(v)) throw new Error(`median: not a finite number: ${v}`);
    xs.push(v);
  }
  if (xs.length === 0) return null;
  xs.sort((a, b) => a - b);
  const mid = Math.floor(xs.length / 2);
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/** A short human caption for a number (4 significant digits, no locale). */
function caption(n: number): string {
  return String(Number(n.toPrecision(4)));
}

function validate(input: RunChartInput): void {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const [i, s] of input.series.entries()) {
    if (!s.name) problems.push(`series[${i}]: name is empty`);
    else if (names.has(s.name)) problems.push(`series[${i}]: duplicate series name "${s.name}"`);
    names.add(s.name);
    const seen = new Set<string>();
    for (const [j, p] of s.points.entries()) {
      const where = `series[${i}].points[${j}]`;
      if (!PERIOD.test(p.period)) problems.push(`${where}: period "${p.period}" is not YYYY-MM`);
      else if (seen.has(p.period)) problems.push(`${where}: period ${p.period} appears twice`);
      seen.add(p.period);
      if (p.value !== null && !Number.isFinite(p.value)) {
        problems.push(`${where}: value is not a finite number`);
      }
    }
  }
  for (const [i, m] of (input.signals ?? []).entries()) {
    const s = input.series.find((x) => x.name === m.series);
    if (!s?.points.some((p) => p.period === m.period && p.value !== null))
      problems.push(`signals[${i}]: ${m.series} has no point in ${m.period}`);
  }
  for (const key of ['target', 'yMin', 'yMax', 'median'] as const) {
    const v = input[key];
    if (v !== undefined && !Number.isFinite(v)) problems.push(`${key}: not a finite number`);
  }
  if (input.yMin !== undefined && input.yMax !== undefined && !(input.yMin < input.yMax)) {
    problems.push('yMin must be less than yMax');
  }
  if (problems.length > 0) throw new Error(`renderRunChart: ${problems.join('; ')}`);
}

/** The rings around the points of run-chart signals, one per series × period × meaning. */
function signalLayer(
  input: RunChartInput,
  rows: { series: string; period: string; value: number | null }[],
  x: object,
  y: object,
): object[] {
  const marks = new Map<
    string,
    { series: string; period: string; meaning: SignalMeaning; rules: string[] }
  >();
  for (const m of input.signals ?? []) {
    const key = JSON.stringify([m.series, m.period, m.meaning]);
    const seen = marks.get(key) ?? { series: m.series, period: m.period, meaning: m.meaning, rules: [] };
    if (!seen.rules.includes(m.rule)) seen.rules.push(m.rule);
    marks.set(key, seen);
  }
  if (marks.size === 0) return [];
  const meanings = (['improvement', 'deterioration', 'neither'] as const).filter((k) =>
    [...marks.values()].some((m) => m.meaning === k),
  );
  const values = [...marks.values()].map((m) => {
    const value = rows.find((r) => r.series === m.series && r.period === m.period)!.value;
    return {
      period: m.period,
      value,
      legend: SIGNAL_LEGEND[m.meaning][0],
      label: `signal: ${m.rules.join(', ')}; meaning: ${m.meaning}; period: ${m.period}; value: ${String(value)}; series: ${m.series}`,
    };
  });
  return [
    {
      name: 'signal_points',
      data: { values },
      mark: {
        type: 'point',
        filled: false,
        size: 170,
        strokeWidth: 2,
        opacity: 1,
        ariaRoleDescription: 'signal',
      },
      encoding: {
        x,
        y,
        stroke: {
          field: 'legend',
          type: 'nominal',
          scale: {
            domain: meanings.map((k) => SIGNAL_LEGEND[k][0]),
            range: meanings.map((k) => SIGNAL_LEGEND[k][1]),
          },
          legend: { title: null },
        },
        description: { field: 'label', type: 'nominal' },
      },
    },
  ];
}

/**
 * Renders a QI run chart: points joined by a line per series, period on the x axis (ordinal, in
 * order), a horizontal median line (`median`, else the median of all non-null values), rings on the
 * points of run-chart `signals`, and a target line when given. Pure apart from the library;
 * deterministic output for the same input. Throws on a malformed input (bad period, repeated period
 * within a series, duplicate series name, non-finite number, yMin >= yMax, a signal on no point).
 */
export async function renderRunChart(input: RunChartInput): Promise<RunChart> {
  validate(input);

  const rows = input.series.flatMap((s) =>
    s.points.map((p) => ({ series: s.name, period: p.period, value: p.value })),
  );
  const present = rows.filter((r) => r.value !== null);
  const mid = present.length === 0 ? null : (input.median ?? median(rows.map((r) => r.value)));
  const periods = [...new Set(rows.map((r) => r.period))].sort();
  const seriesNames = input.series.map((s) => s.name);

  const x = {
    field: 'period',
    type: 'ordinal' as const,
    title: 'Month',
    scale: { domain: periods },
    axis: { labelAngle: -45 },
  };
  const yScale: Record<string, unknown> = { zero: false };
  if (input.yMin !== undefined) yScale.domainMin = input.yMin;
  if (input.yMax !== undefined) yScale.domainMax = input.yMax;
  const y = { field: 'value', type: 'quantitative' as const, title: input.measure, scale: yScale };
  const color = {
    field: 'series',
    type: 'nominal' as const,
    scale: { domain: seriesNames, scheme: seriesNames.length > 10 ? 'tableau20' : 'tableau10' },
    legend: seriesNames.length > 1 ? { title: null } : null,
  };

  // A horizontal rule across the plot with a caption at its right end; `label` is the marker.
  const rule = (name: string, value: number, label: string, text: string, mark: object) => [
    {
      name: `${name}_rule`,
      data: { values: [{ value, label }] },
      mark: { type: 'rule' as const, strokeWidth: 1.5, ...mark },
      encoding: { y, description: { field: 'label', type: 'nominal' as const } },
    },
    {
      name: `${name}_caption`,
      data: { values: [{ value, text }] },
      mark: {
        type: 'text' as const,
        aria: false,
        align: 'right' as const,
        baseline: 'bottom' as const,
        dy: -2,
        x: 'width' as const,
        fontSize: 10,
        color: (mark as { color: string }).color,
      },
      encoding: { y, text: { field: 'text', type: 'nominal' as const } },
    },
  ];

  const spec = {
    title: { text: input.title, anchor: 'start' },
    description: `Run chart: ${input.title}`,
    width: Math.max(360, periods.length * 36),
    height: 260,
    background: 'white',
    config: { view: { stroke: '#ddd' }, axis: { labelFontSize: 10, titleFontSize: 11 } },
    layer: [
      {
        name: 'run_line',
        data: { values: rows.map((r) => ({ ...r, label: `series: ${r.series}` })) },
        mark: { type: 'line', strokeWidth: 1.5, invalid: 'break-paths-show-domains' },
        encoding: { x, y, color, description: { field: 'label', type: 'nominal' } },
      },
      {
        name: 'run_points',
        data: {
          values: present.map((r) => ({
            ...r,
            label: `period: ${r.period}; value: ${String(r.value)}; series: ${r.series}`,
          })),
        },
        mark: { type: 'point', filled: true, size: 36, opacity: 1 },
        encoding: { x, y, color, description: { field: 'label', type: 'nominal' } },
      },
      ...signalLayer(input, rows, x, y),
      ...(mid === null
        ? []
        : rule('median', mid, `median: ${String(mid)}`, `Median ${caption(mid)}`, {
            color: '#555555',
            strokeDash: [6, 4],
          })),
      ...(input.target === undefined
        ? []
        : rule('target', input.target, `target: ${String(input.target)}`, `Target ${caption(input.target)}`, {
            color: '#2ca02c',
          })),
    ],
  } as TopLevelSpec;

  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return { svg, median: mid, points: present.length };
  } finally {
    view.finalize();
  }
}
