/**
 * The four run-chart rules as IHI teaches them, for a series of monthly values. Pure: imports
 * nothing, no I/O, no clock.
 *
 * Source: Perla RJ, Provost LP, Murray SK. "The run chart: a simple analytical tool for learning
 * from variation in healthcare processes." BMJ Qual Saf 2011;20:46–51 (doi:10.1136/bmjqs.2009.037895).
 *
 * - Shift: 6 or more consecutive points all above, or all below, the median. A point on the median
 *   neither breaks nor adds to a shift (it is skipped).
 * - Trend: 5 or more consecutive points all going up, or all going down. Equal neighbours count as
 *   one point (neither adding to nor breaking the trend). The median plays no part.
 * - Too few or too many runs: a run is one or more consecutive points on the same side of the
 *   median; runs = crossings of the median + 1, points on the median ignored. The count is
 *   compared with the published limits for the number of useful observations (points not on the
 *   median), RUNS_TABLE below; below 10 useful observations the rule is not applied ("not enough
 *   points"). Above 60 (beyond the table) the same 5% test by its normal approximation.
 * - Astronomical point: "a grossly obvious point, one that everyone would agree is different" — a
 *   judgement, not a formula. The operational stand-in here: a point beyond the mean ± 3 standard
 *   deviations (sample SD) of the other points, once there are ASTRONOMICAL_MIN_POINTS values and
 *   the other points vary at all (a spread of 0 gives no yardstick).
 *
 * The median is the baseline median, as the guidance says: the median of the first BASELINE_POINTS
 * values (12, one year of months), or of all values while there are fewer, extended over the later
 * points. A missing month (null) is no point: it is skipped by every rule, the series reading on
 * from the next value.
 *
 * Each signal names its points (periods and indices into the input) and says whether it is an
 * improvement or a deterioration given the measure's desired direction ('higher' by default). A
 * shift reads by its side, except one that opens the series (from its first point off the median):
 * that is the starting level, the change being away from it, so it reads the other way — and it is
 * left out when a later shift on the other side shows the change itself (a baseline that spans a
 * step change has a shift on each side of its median; only the later one is news). Too
 * many runs (an oscillation, e.g. data from two sources alternating) is neither; too few runs takes
 * the side of the last run (where the process is now).
 */

export type Better = 'higher' | 'lower';
export type SignalRule = 'shift' | 'trend' | 'too-few-runs' | 'too-many-runs' | 'astronomical';
export type SignalMeaning = 'improvement' | 'deterioration' | 'neither';

export interface RunChartValue {
  /** 'YYYY-MM' (any label: the rules read the points in the order given) */
  period: string;
  /** null = missing */
  value: number | null;
}

export interface RunChartSignal {
  rule: SignalRule;
  meaning: SignalMeaning;
  /**
   * The periods of the points that make the signal, in order: for a shift those off the median,
   * for a trend every point of it (equal neighbours included), for the runs rule every useful point.
   */
  periods: string[];
  /** The same points as indices into the input. */
  indices: number[];
  /** First and last period of the signal. */
  from: string;
  to: string;
  /** Shift, too few runs: the side of the median; astronomical: the side of the other points' mean. */
  side?: 'above' | 'below';
  /** Trend: which way it goes. */
  direction?: 'up' | 'down';
  /** Shift, trend: how many points count (equal neighbours of a trend once). */
  length?: number;
  /** Shift: it opens the series (the starting level), so it reads the other way: the later points moved off it. */
  opening?: boolean;
  /** Runs rule: the count and the limits it was compared with. */
  runs?: { count: number; useful: number; lower: number; upper: number };
}

export interface RunChartAnalysis {
  /** The baseline median the rules used; null when there is no value. */
  median: number | null;
  /** The periods the median was computed from. */
  baseline: string[];
  /** Points with a value, not on the median. */
  useful: number;
  /** Runs about the median (0 when no point is useful). */
  runs: number;
  /** The limits the runs were compared with; null when there are too few useful points. */
  runsLimits: { lower: number; upper: number; from: 'table' | 'normal approximation' } | null;
  /** Why a rule was not applied, in plain words. */
  notes: string[];
  signals: RunChartSignal[];
}

export interface RunChartRuleOptions {
  /** The measure's desired direction; default 'higher'. */
  better?: Better;
  /** Values the baseline median is computed from; default BASELINE_POINTS. */
  baseline?: number;
}

export const SHIFT_POINTS = 6;
export const TREND_POINTS = 5;
export const BASELINE_POINTS = 12;
export const RUNS_MIN_USEFUL = 10;
export const ASTRONOMICAL_SD = 3;
export const ASTRONOMICAL_MIN_POINTS = 8;

/**
 * Limits for the number of runs, by number of useful observations (10–60): fewer runs than
 * `lower` is too few, more than `upper` too many. Transcribed from Perla, Provost & Murray 2011,
 * Table 1 ("Tests for number of runs above and below the median"), which they adapted from
 * Swed FS, Eisenhart C. "Tables for testing randomness of grouping in a sequence of alternatives."
 * Ann Math Stat 1943;14:66–87 (about a 5% risk of a false signal). Each row: [useful, lower, upper].
 */
export const RUNS_TABLE: ReadonlyArray<readonly [number, number, number]> = [
  [10, 3, 9],
  [11, 3, 10],
  [12, 3, 11],
  [13, 4, 11],
  [14, 4, 12],
  [15, 5, 12],
  [16, 5, 13],
  [17, 5, 13],
  [18, 6, 14],
  [19, 6, 15],
  [20, 6, 16],
  [21, 7, 16],
  [22, 7, 17],
  [23, 7, 17],
  [24, 8, 18],
  [25, 8, 18],
  [26, 9, 19],
  [27, 10, 19],
  [28, 10, 20],
  [29, 10, 20],
  [30, 11, 21],
  [31, 11, 22],
  [32, 11, 22],
  [33, 12, 23],
  [34, 12, 23],
  [35, 13, 24],
  [36, 13, 24],
  [37, 14, 25],
  [38, 14, 26],
  [39, 14, 26],
  [40, 15, 27],
  [41, 15, 27],
  [42, 16, 28],
  [43, 16, 28],
  [44, 17, 29],
  [45, 17, 30],
  [46, 17, 30],
  [47, 18, 31],
  [48, 18, 31],
  [49, 19, 32],
  [50, 19, 32],
  [51, 20, 33],
  [52, 20, 33],
  [53, 21, 34],
  [54, 21, 35],
  [55, 22, 35],
  [56, 22, 36],
  [57, 23, 36],
  [58, 23, 37],
  [59, 24, 38],
  [60, 24, 38],
];

/**
 * The runs limits for `useful` observations: the table from 10 to 60; beyond 60, the normal
 * approximation of the same test (Swed & Eisenhart's mean and variance, two-sided 5%) with the
 * counts above and below; null below 10.
 */
export function runsLimits(
  useful: number,
  above = Math.floor(useful / 2),
  below = useful - above,
): RunChartAnalysis['runsLimits'] {
  if (useful < RUNS_MIN_USEFUL) return null;
  const row = RUNS_TABLE.find(([n]) => n === useful);
  if (row) return { lower: row[1], upper: row[2], from: 'table' };
  const n = above + below;
  const mean = 1 + (2 * above * below) / n;
  const sd = Math.sqrt((2 * above * below * (2 * above * below - n)) / (n * n * (n - 1)));
  return {
    lower: Math.ceil(mean - 1.96 * sd),
    upper: Math.floor(mean + 1.96 * sd),
    from: 'normal approximation',
  };
}

/** Median of finite numbers; null when there are none. */
function medianOf(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function meaningOf(goesUp: boolean, better: Better): SignalMeaning {
  return goesUp === (better === 'higher') ? 'improvement' : 'deterioration';
}

/**
 * Applies the four rules to one series (in time order). Throws on a non-finite value.
 */
export function analyseRunChart(
  series: ReadonlyArray<RunChartValue>,
  options: RunChartRuleOptions = {},
): RunChartAnalysis {
  const better = options.better ?? 'higher';
  const baselineSize = options.baseline ?? BASELINE_POINTS;
  if (!Number.isInteger(baselineSize) || baselineSize < 1)
    throw new Error(`analyseRunChart: baseline must be a whole number of at least 1, not ${baselineSize}`);
  const pts: { i: number; period: string; value: number }[] = [];
  series.forEach((p, i) => {
    if (p.value === null) return;
    if (!Number.isFinite(p.value)) throw new Error(`analyseRunChart: ${p.period}: not a finite number`);
    pts.push({ i, period: p.period, value: p.value });
  });
  const base = pts.slice(0, baselineSize);
  const median = medianOf(base.map((p) => p.value));
  const notes: string[] = [];
  const signals: RunChartSignal[] = [];
  const signal = (
    rule: SignalRule,
    meaning: SignalMeaning,
    of: typeof pts,
    extra: Partial<RunChartSignal> = {},
  ): RunChartSignal => ({
    rule,
    meaning,
    periods: of.map((p) => p.period),
    indices: of.map((p) => p.i),
    from: of[0]!.period,
    to: of.at(-1)!.period,
    ...extra,
  });

  // Sides of the median: +1 above, -1 below; points on the median are left out (not useful).
  const useful = median === null ? [] : pts.filter((p) => p.value !== median);
  const sideOf = (p: { value: number }) => (p.value > median! ? 1 : -1);
  const runs: (typeof pts)[] = [];
  for (const p of useful) {
    const last = runs.at(-1);
    if (last && sideOf(last[0]!) === sideOf(p)) last.push(p);
    else runs.push([p]);
  }

  // Shift: a run of SHIFT_POINTS or more useful points (those on the median skipped). A shift that
  // opens the series is its starting level, the change being away from it: it reads the other way,
  // and is left out when a later shift on the other side says where the process went.
  const shifts = runs.filter((run) => run.length >= SHIFT_POINTS);
  for (const run of shifts) {
    const up = sideOf(run[0]!) > 0;
    const opening = run === runs[0];
    if (opening && shifts.some((r) => r !== run && sideOf(r[0]!) !== sideOf(run[0]!))) continue;
    signals.push(
      signal('shift', meaningOf(opening ? !up : up, better), run, {
        side: up ? 'above' : 'below',
        length: run.length,
        ...(opening ? { opening: true } : {}),
      }),
    );
  }

  // Trend: TREND_POINTS or more distinct consecutive values going one way; equal neighbours count once.
  let start = 0; // index in pts of the trend's first point
  let dir = 0; // +1 up, -1 down, 0 not yet known
  let distinct = 1;
  const closeTrend = (end: number) => {
    if (dir !== 0 && distinct >= TREND_POINTS) {
      signals.push(
        signal('trend', meaningOf(dir > 0, better), pts.slice(start, end + 1), {
          direction: dir > 0 ? 'up' : 'down',
          length: distinct,
        }),
      );
    }
  };
  for (let k = 1; k < pts.length; k++) {
    const step = Math.sign(pts[k]!.value - pts[k - 1]!.value);
    if (step === 0) continue; // a tie: the same point again
    if (dir === 0 || step === dir) {
      dir = step;
      distinct++;
      continue;
    }
    closeTrend(k - 1);
    // The new trend starts at the turning point (the first of its tied values).
    let s = k - 1;
    while (s > 0 && pts[s - 1]!.value === pts[s]!.value) s--;
    start = s;
    dir = step;
    distinct = 2;
  }
  closeTrend(pts.length - 1);

  // Too few or too many runs.
  const limits = runsLimits(useful.length, useful.filter((p) => sideOf(p) > 0).length);
  if (!limits)
    notes.push(
      `not enough points for the runs rule: ${useful.length} off the median, ${RUNS_MIN_USEFUL} needed`,
    );
  else if (runs.length < limits.lower || runs.length > limits.upper) {
    const few = runs.length < limits.lower;
    const lastUp = sideOf(runs.at(-1)![0]!) > 0;
    signals.push(
      signal(few ? 'too-few-runs' : 'too-many-runs', few ? meaningOf(lastUp, better) : 'neither', useful, {
        ...(few ? { side: lastUp ? 'above' : 'below' } : {}),
        runs: { count: runs.length, useful: useful.length, lower: limits.lower, upper: limits.upper },
      }),
    );
  }

  // Astronomical point: beyond the mean ± 3 SD of the other points.
  if (pts.length < ASTRONOMICAL_MIN_POINTS)
    notes.push(
      `not enough points for the astronomical-point rule: ${pts.length} values, ${ASTRONOMICAL_MIN_POINTS} needed`,
    );
  else
    for (const p of pts) {
      const others = pts.filter((q) => q !== p).map((q) => q.value);
      const mean = others.reduce((a, b) => a + b, 0) / others.length;
      const sd = Math.sqrt(others.reduce((a, b) => a + (b - mean) ** 2, 0) / (others.length - 1));
      if (sd > 0 && Math.abs(p.value - mean) > ASTRONOMICAL_SD * sd) {
        const up = p.value > mean;
        signals.push(signal('astronomical', meaningOf(up, better), [p], { side: up ? 'above' : 'below' }));
      }
    }

  signals.sort((a, b) => a.indices[0]! - b.indices[0]! || a.rule.localeCompare(b.rule));
  return {
    median,
    baseline: base.map((p) => p.period),
    useful: useful.length,
    runs: runs.length,
    runsLimits: limits,
    notes,
    signals,
  };
}

/** What a signal shows, in plain words: 'a shift above the median from 2027-07 to 2027-12 (6 points)'. */
export function signalWhat(s: RunChartSignal): string {
  const span = s.from === s.to ? `in ${s.from}` : `from ${s.from} to ${s.to}`;
  switch (s.rule) {
    case 'shift':
      return s.opening
        ? `a shift ${s.side} the median ${span} (${s.length} points) where the series starts, the later points ${s.side === 'above' ? 'lower' : 'higher'}`
        : `a shift ${s.side} the median ${span} (${s.length} points)`;
    case 'trend':
      return `a trend ${s.direction} ${span} (${s.length} points)`;
    case 'too-few-runs':
      return `too few runs ${span}: ${s.runs!.count} runs in ${s.runs!.useful} points off the median (fewer than ${s.runs!.lower} is a signal)`;
    case 'too-many-runs':
      return `too many runs ${span}: ${s.runs!.count} runs in ${s.runs!.useful} points off the median (more than ${s.runs!.upper} is a signal)`;
    case 'astronomical':
      return `an astronomical point ${span} (${s.side} the mean ± 3 SD of the other points)`;
  }
}

const MEANING_WORDS: Record<SignalMeaning, string> = {
  improvement: 'improvement',
  deterioration: 'deterioration',
  neither: 'neither improvement nor deterioration (a non-random pattern worth a look)',
};

/** One line for a report: 'Fidelity (%): a shift above the median from 2027-07 to 2027-12 (6 points) — improvement'. */
export function describeSignal(s: RunChartSignal, measureName: string): string {
  return `${measureName}: ${signalWhat(s)} — ${MEANING_WORDS[s.meaning]}`;
}

/** The points of a series' signals to mark on its run chart (one per point and rule). */
export function signalMarks(
  seriesName: string,
  signals: ReadonlyArray<RunChartSignal>,
): { series: string; period: string; rule: SignalRule; meaning: SignalMeaning }[] {
  return signals
    .filter((s) => s.rule === 'shift' || s.rule === 'trend' || s.rule === 'astronomical')
    .flatMap((s) =>
      s.periods.map((period) => ({ series: seriesName, period, rule: s.rule, meaning: s.meaning })),
    );
}

/**
 * For a page (the team page): one series of one measure — its analysis by the measure's desired
 * direction, a line per signal in plain words, and the marks for renderRunChart's `signals` (pass
 * `median: analysis.median` too, so the line drawn is the one the rules used).
 */
export function seriesSignals(
  measure: { name: string; better?: Better },
  seriesName: string,
  points: ReadonlyArray<RunChartValue>,
): {
  analysis: RunChartAnalysis;
  lines: { meaning: SignalMeaning; text: string }[];
  marks: ReturnType<typeof signalMarks>;
} {
  const analysis = analyseRunChart(points, { better: measure.better ?? 'higher' });
  return {
    analysis,
    lines: analysis.signals.map((s) => ({ meaning: s.meaning, text: describeSignal(s, measure.name) })),
    marks: signalMarks(seriesName, analysis.signals),
  };
}
