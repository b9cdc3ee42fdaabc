import fc from 'fast-check';
import { betterOf, measureSchema } from '../../domain/metrics';
import {
  analyseRunChart,
  describeSignal,
  RUNS_TABLE,
  runsLimits,
  seriesSignals,
  signalMarks,
  type RunChartSignal,
  type RunChartValue,
  type SignalMeaning,
} from '../../domain/run-chart-rules';

/** Consecutive months from `first`, one per value. */
function months(values: (number | null)[], first = '2027-01'): RunChartValue[] {
  const [y, m] = first.split('-').map(Number) as [number, number];
  return values.map((value, i) => {
    const n = y * 12 + (m - 1) + i;
    return { period: `${Math.floor(n / 12)}-${String((n % 12) + 1).padStart(2, '0')}`, value };
  });
}

const brief = (s: RunChartSignal) => ({ rule: s.rule, meaning: s.meaning, from: s.from, to: s.to });

describe('the shift rule (6 or more consecutive points on one side of the median)', () => {
  // Median of the 12: sorted 1 2 2 3 4 5 6 7 7 8 8 9 → (5 + 6) / 2 = 5.5.
  // Above: 7 8 7 9 8 6, months 6–11; below: 3 2 4 1 5 before, 2 after. Three runs (12 useful: limits 3–11).
  const six = [3, 2, 4, 1, 5, 7, 8, 7, 9, 8, 6, 2];

  test('exactly 6 above the median: a shift, with its six points', () => {
    const a = analyseRunChart(months(six));
    expect(a.median).toBe(5.5);
    expect(a.runs).toBe(3);
    expect(a.signals).toHaveLength(1);
    expect(a.signals[0]).toMatchObject({
      rule: 'shift',
      side: 'above',
      length: 6,
      meaning: 'improvement',
      from: '2027-06',
      to: '2027-11',
      periods: ['2027-06', '2027-07', '2027-08', '2027-09', '2027-10', '2027-11'],
      indices: [5, 6, 7, 8, 9, 10],
    });
    expect(describeSignal(a.signals[0]!, 'Fidelity (%)')).toBe(
      'Fidelity (%): a shift above the median from 2027-06 to 2027-11 (6 points) — improvement',
    );
  });

  test('5 on one side: no shift (and here no signal at all)', () => {
    // Month 11 is now 5: sorted 1 2 2 3 4 5 5 7 7 8 8 9 → median 5; the two 5s sit on it.
    // Above: 7 8 7 9 8 = 5 points. 10 useful, 3 runs (limits 3–9): no runs signal.
    const a = analyseRunChart(months([3, 2, 4, 1, 5, 7, 8, 7, 9, 8, 5, 2]));
    expect(a.median).toBe(5);
    expect(a.useful).toBe(10);
    expect(a.runs).toBe(3);
    expect(a.signals).toEqual([]);
  });

  test('points on the median inside a shift neither break it nor add to it', () => {
    // Baseline (first 12): sorted 2 3 3 4 4 5 5 6 6 7 7 8 → median 5, extended over the last 8.
    // Months 13–20: 6 5 8 7 5 9 6 7 → six above, two on the median (months 14 and 17).
    const a = analyseRunChart(months([4, 6, 3, 7, 5, 5, 2, 8, 4, 7, 6, 3, 6, 5, 8, 7, 5, 9, 6, 7]));
    expect(a.median).toBe(5);
    expect(a.baseline).toHaveLength(12);
    expect(a.signals.map(brief)).toEqual([
      { rule: 'shift', meaning: 'improvement', from: '2028-01', to: '2028-08' },
    ]);
    expect(a.signals[0]!.length).toBe(6);
    expect(a.signals[0]!.periods).toEqual(['2028-01', '2028-03', '2028-04', '2028-06', '2028-07', '2028-08']);
    // 16 useful (baseline 10 + 6), runs - + - + - + - ++ - ++++++ = 10 (limits 5–13)
    expect(a.useful).toBe(16);
    expect(a.runs).toBe(10);
  });

  test('with only five of those six above, the point on the median does not make up the sixth', () => {
    const a = analyseRunChart(months([4, 6, 3, 7, 5, 5, 2, 8, 4, 7, 6, 3, 6, 5, 8, 7, 5, 9, 4]));
    expect(a.signals.filter((s) => s.rule === 'shift')).toEqual([]);
  });

  test('the median is the baseline median of the first 12 values, or of all while there are fewer', () => {
    const a = analyseRunChart(months([4, 6, 4, 6, 4, 6, 4, 6, 4, 6, 4, 6, 9, 9, 9, 9, 9, 9, 9, 9]));
    expect(a.median).toBe(5); // not 6, the median of all 20
    expect(a.baseline).toEqual(months(Array(12).fill(0)).map((p) => p.period));
    expect(a.signals.find((s) => s.rule === 'shift')).toMatchObject({ from: '2027-12', to: '2028-08' });
    expect(analyseRunChart(months([4, 6, 9]), { baseline: 12 }).median).toBe(6);
    expect(analyseRunChart(months([4, 6, 9, 9]), { baseline: 2 }).median).toBe(5);
  });

  test('a step change inside the baseline: the later shift is the signal, not the opening one', () => {
    // median (3 + 7) / 2 = 5: six below, then six above — two shifts; the first is the starting level.
    const a = analyseRunChart(months([2, 1, 3, 2, 1, 3, 8, 9, 7, 8, 9, 7]));
    expect(a.signals.map(brief)).toEqual([
      { rule: 'too-few-runs', meaning: 'improvement', from: '2027-01', to: '2027-12' },
      { rule: 'shift', meaning: 'improvement', from: '2027-07', to: '2027-12' },
    ]);
  });

  test('a shift that opens the series reads the other way: the process moved off it', () => {
    // baseline of all 16: median (3 + 7) / 2 = 5; six below, then above with two dips (runs of 3, 3, 2)
    const a = analyseRunChart(months([1, 2, 1, 3, 2, 1, 8, 9, 7, 2, 8, 9, 7, 3, 8, 9]), { baseline: 16 });
    expect(a.signals).toHaveLength(1);
    expect(a.signals[0]).toMatchObject({
      rule: 'shift',
      side: 'below',
      opening: true,
      meaning: 'improvement',
    });
    expect(describeSignal(a.signals[0]!, 'Fidelity (%)')).toBe(
      'Fidelity (%): a shift below the median from 2027-01 to 2027-06 (6 points) where the series starts, the later points higher — improvement',
    );
  });

  test('a missing month is skipped, not a break', () => {
    const a = analyseRunChart(months([3, 2, 4, 1, 5, 7, 8, null, 7, 9, 8, 6, 2]));
    expect(a.signals.map(brief)).toEqual([
      { rule: 'shift', meaning: 'improvement', from: '2027-06', to: '2027-12' },
    ]);
    expect(a.signals[0]!.periods).not.toContain('2027-08');
  });
});

describe('the trend rule (5 or more points all going up or all going down)', () => {
  test('5 distinct values going up with a tie in the middle: a trend of 5 over 6 months', () => {
    const a = analyseRunChart(months([10, 12, 14, 14, 16, 18]));
    expect(a.signals).toHaveLength(1);
    expect(a.signals[0]).toMatchObject({
      rule: 'trend',
      direction: 'up',
      length: 5,
      meaning: 'improvement',
      from: '2027-01',
      to: '2027-06',
      indices: [0, 1, 2, 3, 4, 5],
    });
    expect(describeSignal(a.signals[0]!, 'Fidelity (%)')).toBe(
      'Fidelity (%): a trend up from 2027-01 to 2027-06 (5 points) — improvement',
    );
  });

  test('the tie counts once: 5 months with a tie are only 4 points, no trend', () => {
    expect(analyseRunChart(months([10, 12, 14, 14, 16])).signals).toEqual([]);
    expect(analyseRunChart(months([10, 12, 12, 14, 16])).signals).toEqual([]);
  });

  test('a turn: up 5 then down 5, sharing the peak (both of its tied months)', () => {
    const a = analyseRunChart(months([1, 2, 3, 4, 5, 5, 4, 3, 2, 1]));
    const trends = a.signals.filter((s) => s.rule === 'trend');
    expect(trends.map((s) => [s.direction, s.from, s.to, s.length])).toEqual([
      ['up', '2027-01', '2027-06', 5],
      ['down', '2027-05', '2027-10', 5],
    ]);
  });

  test('a trend down is a deterioration when higher is better, an improvement when lower is', () => {
    const down = months([20, 18, 15, 11, 6]);
    expect(analyseRunChart(down).signals.map((s) => s.meaning)).toEqual(['deterioration']);
    expect(analyseRunChart(down, { better: 'lower' }).signals.map((s) => s.meaning)).toEqual(['improvement']);
  });
});

describe('the runs rule (too few or too many runs for the number of useful points)', () => {
  test('the published table: 10 to 60 useful points, limits widening', () => {
    expect(RUNS_TABLE.map(([n]) => n)).toEqual(Array.from({ length: 51 }, (_, i) => 10 + i));
    expect(runsLimits(10)).toEqual({ lower: 3, upper: 9, from: 'table' });
    expect(runsLimits(20)).toEqual({ lower: 6, upper: 16, from: 'table' });
    expect(runsLimits(60)).toEqual({ lower: 24, upper: 38, from: 'table' });
    expect(runsLimits(9)).toBeNull();
    for (let k = 1; k < RUNS_TABLE.length; k++) {
      const [, lo0, hi0] = RUNS_TABLE[k - 1]!;
      const [n, lo, hi] = RUNS_TABLE[k]!;
      expect(lo).toBeGreaterThanOrEqual(lo0);
      expect(hi).toBeGreaterThanOrEqual(hi0);
      expect(lo).toBeLessThan(n / 2 + 1);
      expect(hi).toBeGreaterThan(n / 2 + 1);
    }
    // beyond the table, the normal approximation, in line with its last row
    const beyond = runsLimits(61, 30, 31)!;
    expect(beyond.from).toBe('normal approximation');
    expect(Math.abs(beyond.lower - 24)).toBeLessThanOrEqual(1);
    expect(Math.abs(beyond.upper - 38)).toBeLessThanOrEqual(1);
  });

  test('too few: 10 useful points in 2 runs (fewer than 3)', () => {
    // median (1 + 9) / 2 = 5; five below then five above: no shift (5 < 6), but 2 runs.
    const a = analyseRunChart(months([1, 1, 1, 1, 1, 9, 9, 9, 9, 9]));
    expect(a).toMatchObject({ median: 5, useful: 10, runs: 2, runsLimits: { lower: 3, upper: 9 } });
    expect(a.signals).toHaveLength(1);
    expect(a.signals[0]).toMatchObject({
      rule: 'too-few-runs',
      side: 'above',
      meaning: 'improvement',
      from: '2027-01',
      to: '2027-10',
      runs: { count: 2, useful: 10, lower: 3, upper: 9 },
    });
    expect(describeSignal(a.signals[0]!, 'Fidelity (%)')).toBe(
      'Fidelity (%): too few runs from 2027-01 to 2027-10: 2 runs in 10 points off the median (fewer than 3 is a signal) — improvement',
    );
    // 3 runs is the lower limit itself: no signal
    expect(analyseRunChart(months([1, 1, 1, 1, 9, 9, 9, 9, 9, 1])).signals).toEqual([]);
  });

  test('too few at 20 useful points: 5 runs is a signal, 6 is not', () => {
    const ones = (n: number) => Array<number>(n).fill(1);
    const nines = (n: number) => Array<number>(n).fill(9);
    // the first 12 would give a baseline median of 1 (7 ones, 5 nines): take all 20 as the baseline
    const whole = analyseRunChart(months([...ones(3), ...nines(5), ...ones(4), ...nines(5), ...ones(3)]), {
      baseline: 20,
    });
    expect(whole).toMatchObject({ median: 5, useful: 20, runs: 5, runsLimits: { lower: 6, upper: 16 } });
    expect(whole.signals.map(brief)).toEqual([
      { rule: 'too-few-runs', meaning: 'deterioration', from: '2027-01', to: '2028-08' },
    ]);
    const six = analyseRunChart(
      months([...ones(4), ...nines(4), ...ones(3), ...nines(3), ...ones(3), ...nines(3)]),
      { baseline: 20 },
    );
    expect(six).toMatchObject({ median: 5, useful: 20, runs: 6 });
    expect(six.signals).toEqual([]);
  });

  test('too many: 10 points alternating, 10 runs (more than 9): neither improvement nor deterioration', () => {
    const a = analyseRunChart(months([1, 9, 1, 9, 1, 9, 1, 9, 1, 9]));
    expect(a.runs).toBe(10);
    expect(a.signals.map(brief)).toEqual([
      { rule: 'too-many-runs', meaning: 'neither', from: '2027-01', to: '2027-10' },
    ]);
    expect(describeSignal(a.signals[0]!, 'Children served')).toMatch(
      /^Children served: too many runs .* \(more than 9 is a signal\) — neither improvement nor deterioration/,
    );
    // 9 runs in 10: within the limits
    expect(analyseRunChart(months([1, 9, 1, 9, 1, 9, 1, 9, 9, 1])).signals).toEqual([]);
  });

  test('below 10 useful points: not enough points, said so', () => {
    // median 5 (the last point): 8 useful points in 8 runs
    const a = analyseRunChart(months([1, 9, 1, 9, 1, 9, 1, 9, 5]));
    expect(a.runsLimits).toBeNull();
    expect(a.signals).toEqual([]);
    expect(a.notes).toContain('not enough points for the runs rule: 8 off the median, 10 needed');
  });
});

describe('the astronomical point (beyond the mean ± 3 SD of the other points)', () => {
  const spike = [50, 52, 49, 51, 50, 48, 51, 50, 95, 49];

  test('one obviously different point', () => {
    const a = analyseRunChart(months(spike));
    // others of 95: mean 50, SD ≈ 1.22 → 95 is 37 SD away; with 95 among the others no point is.
    expect(a.signals).toHaveLength(1);
    expect(a.signals[0]).toMatchObject({
      rule: 'astronomical',
      side: 'above',
      meaning: 'improvement',
      periods: ['2027-09'],
      from: '2027-09',
      to: '2027-09',
    });
    expect(describeSignal(a.signals[0]!, 'Fidelity (%)')).toBe(
      'Fidelity (%): an astronomical point in 2027-09 (above the mean ± 3 SD of the other points) — improvement',
    );
    expect(analyseRunChart(months(spike), { better: 'lower' }).signals[0]!.meaning).toBe('deterioration');
  });

  test('within 3 SD: 53 among these is no astronomical point', () => {
    expect(analyseRunChart(months(spike.map((v) => (v === 95 ? 53 : v)))).signals).toEqual([]);
  });

  test('fewer than 8 values, or other points that do not vary: not judged', () => {
    const few = analyseRunChart(months([50, 51, 49, 50, 95]));
    expect(few.signals).toEqual([]);
    expect(few.notes).toContain('not enough points for the astronomical-point rule: 5 values, 8 needed');
    expect(analyseRunChart(months([5, 5, 5, 5, 5, 5, 5, 5, 6])).signals).toEqual([]);
  });
});

describe('direction and marks', () => {
  test("a measure's desired direction: higher unless it says lower; old configs still parse", () => {
    const old = measureSchema.parse({ key: 'fidelity', name: 'Fidelity (%)', type: 'percentage' });
    expect(old).not.toHaveProperty('better');
    expect(betterOf(old)).toBe('higher');
    const waits = measureSchema.parse({
      key: 'wait_days',
      name: 'Days waited',
      type: 'count',
      better: 'lower',
    });
    expect(betterOf(waits)).toBe('lower');
    expect(() => measureSchema.parse({ key: 'x', name: 'Xx', type: 'count', better: 'up' })).toThrow(
      /better is higher or lower/,
    );
  });

  test('the same shift is an improvement when higher is better, a deterioration when lower is', () => {
    const s = months([3, 2, 4, 1, 5, 7, 8, 7, 9, 8, 6, 2]);
    expect(analyseRunChart(s, { better: 'higher' }).signals[0]!.meaning).toBe('improvement');
    expect(analyseRunChart(s, { better: 'lower' }).signals[0]!.meaning).toBe('deterioration');
  });

  test('marks: one per point of a shift, trend or astronomical point; none for the runs rule', () => {
    const shift = analyseRunChart(months([3, 2, 4, 1, 5, 7, 8, 7, 9, 8, 6, 2])).signals;
    expect(signalMarks('Bayview', shift)).toHaveLength(6);
    expect(signalMarks('Bayview', shift)[0]).toEqual({
      series: 'Bayview',
      period: '2027-06',
      rule: 'shift',
      meaning: 'improvement',
    });
    const runs = analyseRunChart(months([1, 9, 1, 9, 1, 9, 1, 9, 1, 9])).signals;
    expect(signalMarks('Bayview', runs)).toEqual([]);
  });

  test("seriesSignals, for a team's page: lines in plain words and the marks, by the measure's direction", () => {
    const waits = { name: 'Days waited', better: 'lower' as const };
    const r = seriesSignals(waits, 'Bayview', months([3, 2, 4, 1, 5, 7, 8, 7, 9, 8, 6, 2]));
    expect(r.analysis.median).toBe(5.5);
    expect(r.lines).toEqual([
      {
        meaning: 'deterioration',
        text: 'Days waited: a shift above the median from 2027-06 to 2027-11 (6 points) — deterioration',
      },
    ]);
    expect(r.marks.map((m) => m.period)).toEqual([
      '2027-06',
      '2027-07',
      '2027-08',
      '2027-09',
      '2027-10',
      '2027-11',
    ]);
  });

  test('refuses a non-finite value and a bad baseline', () => {
    expect(() => analyseRunChart(months([1, NaN]))).toThrow(/not a finite number/);
    expect(() => analyseRunChart(months([1]), { baseline: 0 })).toThrow(/baseline/);
  });
});

describe('properties', () => {
  const series = fc.array(fc.option(fc.integer({ min: 0, max: 20 }), { nil: null, freq: 8 }), {
    maxLength: 40,
  });
  const swap: Record<SignalMeaning, SignalMeaning> = {
    improvement: 'deterioration',
    deterioration: 'improvement',
    neither: 'neither',
  };
  const shape = (s: RunChartSignal) => ({ rule: s.rule, periods: s.periods, length: s.length });

  test('a series with no change (constant, gaps or not) has no signal', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.array(fc.boolean(), { maxLength: 60 }),
        (v, present) => {
          const a = analyseRunChart(months(present.map((p) => (p ? v : null))));
          expect(a.signals).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('reflecting the values about the median swaps improvement and deterioration, nothing else', () => {
    fc.assert(
      fc.property(series, (values) => {
        const a = analyseRunChart(months(values));
        if (a.median === null) return;
        const m = a.median;
        const b = analyseRunChart(months(values.map((v) => (v === null ? null : 2 * m - v))));
        expect(b.median).toBe(m);
        expect(b.runs).toBe(a.runs);
        expect(b.signals.map(shape)).toEqual(a.signals.map(shape));
        expect(b.signals.map((s) => s.meaning)).toEqual(a.signals.map((s) => swap[s.meaning]));
      }),
      { numRuns: 500 },
    );
  });

  test('lower-is-better reads every signal the other way', () => {
    fc.assert(
      fc.property(series, (values) => {
        const hi = analyseRunChart(months(values), { better: 'higher' });
        const lo = analyseRunChart(months(values), { better: 'lower' });
        expect(lo.signals.map(shape)).toEqual(hi.signals.map(shape));
        expect(lo.signals.map((s) => s.meaning)).toEqual(hi.signals.map((s) => swap[s.meaning]));
      }),
      { numRuns: 300 },
    );
  });

  test('every shift is 6+ points on one side; every trend 5+ distinct values one way', () => {
    fc.assert(
      fc.property(series, (values) => {
        const a = analyseRunChart(months(values));
        for (const s of a.signals) {
          const vs = s.indices.map((i) => values[i]!);
          expect(vs.every((v) => v !== null)).toBe(true);
          if (s.rule === 'shift') {
            expect(vs.length).toBeGreaterThanOrEqual(6);
            expect(vs.every((v) => (s.side === 'above' ? v > a.median! : v < a.median!))).toBe(true);
          }
          if (s.rule === 'trend') {
            const distinct = vs.filter((v, k) => k === 0 || v !== vs[k - 1]);
            expect(distinct.length).toBe(s.length);
            expect(distinct.length).toBeGreaterThanOrEqual(5);
            for (let k = 1; k < distinct.length; k++)
              expect(Math.sign(distinct[k]! - distinct[k - 1]!)).toBe(s.direction === 'up' ? 1 : -1);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
