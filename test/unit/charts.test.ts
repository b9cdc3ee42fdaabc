import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { median, renderRunChart, type RunChartInput } from '../../reports/charts';

/** One element of the parsed SVG: its tag, its attributes (entities decoded) and its text. */
interface El {
  tag: string;
  attrs: Record<string, string>;
  text: string;
}

/** Every element of the SVG, in document order (fast-xml-parser, preserveOrder). */
function elements(svg: string): El[] {
  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
  });
  const out: El[] = [];
  const walk = (nodes: any[]): void => {
    for (const node of nodes) {
      const tag = Object.keys(node).find((k) => k !== ':@')!;
      if (tag === '#text') continue;
      const children: any[] = node[tag];
      const text = children
        .filter((c) => '#text' in c)
        .map((c) => String(c['#text']))
        .join('');
      out.push({ tag, attrs: node[':@'] ?? {}, text });
      walk(children);
    }
  };
  walk(parser.parse(svg));
  return out;
}

interface Point {
  period: string;
  value: number;
  series: string;
  x: number;
}

/** The data points: `aria-roledescription="point"`, `aria-label="period: P; value: V; series: S"`. */
function points(svg: string): Point[] {
  return elements(svg)
    .filter((e) => e.attrs['aria-roledescription'] === 'point')
    .map((e) => {
      const m = /^period: (\d{4}-\d{2}); value: ([^;]+); series: (.*)$/.exec(e.attrs['aria-label']!);
      if (!m) throw new Error(`unexpected point label: ${e.attrs['aria-label']}`);
      const t = /^translate\(([-\d.e]+),/.exec(e.attrs.transform ?? '');
      return { period: m[1]!, value: Number(m[2]), series: m[3]!, x: Number(t?.[1]) };
    });
}

/** The value on the rule whose aria-label is `${kind}: V`, or undefined when there is none. */
function rules(svg: string, kind: 'median' | 'target'): number[] {
  return elements(svg)
    .filter((e) => e.tag === 'line' && e.attrs['aria-roledescription'] === 'rule mark')
    .map((e) => new RegExp(`^${kind}: (.+)$`).exec(e.attrs['aria-label'] ?? ''))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]));
}

function expectWellFormed(svg: string): void {
  expect(XMLValidator.validate(svg)).toBe(true);
  const all = elements(svg);
  expect(all[0]!.tag).toBe('svg');
  expect(all[0]!.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
}

const bayview: RunChartInput = {
  title: 'Fidelity (%) — Bayview Child Trauma Center',
  measure: 'Fidelity (%)',
  series: [
    {
      name: 'Bayview Child Trauma Center',
      points: [
        { period: '2027-01', value: 50 },
        { period: '2027-02', value: 62.5 },
        { period: '2027-03', value: null },
        { period: '2027-04', value: 70 },
        { period: '2027-05', value: 65 },
      ],
    },
  ],
};

function sortPoints<T extends { series: string; period: string }>(ps: T[]): T[] {
  return [...ps].sort((a, b) =>
    a.series === b.series ? a.period.localeCompare(b.period) : a.series.localeCompare(b.series),
  );
}

function expected(input: RunChartInput) {
  return sortPoints(
    input.series.flatMap((s) =>
      s.points
        .filter((p) => p.value !== null)
        .map((p) => ({ period: p.period, value: p.value as number, series: s.name })),
    ),
  );
}

describe('median', () => {
  test('odd count: the middle value', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([7])).toBe(7);
    expect(median([5, -1, 10, 4, 4])).toBe(4);
  });

  test('even count: the mean of the two middle values', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([10, 20])).toBe(15);
    expect(median([0.1, 0.2])).toBeCloseTo(0.15, 12);
  });

  test('nulls are skipped', () => {
    expect(median([null, 5, null, 1])).toBe(3);
    expect(median([null, 9, 1, 4])).toBe(4);
  });

  test('no values, or only nulls: null', () => {
    expect(median([])).toBeNull();
    expect(median([null, null])).toBeNull();
  });

  test('does not reorder its input, and refuses a non-finite number', () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
    expect(() => median([1, NaN])).toThrow(/finite/);
    expect(() => median([Infinity])).toThrow(/finite/);
  });
});

describe('renderRunChart', () => {
  test('one series: a point per non-null value, with its period and value; median line; no target', async () => {
    const chart = await renderRunChart(bayview);
    expectWellFormed(chart.svg);

    expect(chart.points).toBe(4);
    expect(chart.median).toBe(63.75);
    expect(chart.median).toBe(median(bayview.series[0]!.points.map((p) => p.value)));

    const ps = points(chart.svg);
    expect(ps).toHaveLength(4);
    expect(sortPoints(ps).map(({ x: _x, ...p }) => p)).toEqual(expected(bayview));
    // the missing month draws no point, but keeps its place on the axis
    expect(ps.some((p) => p.period === '2027-03')).toBe(false);
    expect(chart.svg).toContain('>2027-03</text>');

    expect(rules(chart.svg, 'median')).toEqual([63.75]);
    expect(rules(chart.svg, 'target')).toEqual([]);
    expect(chart.svg).not.toMatch(/target_rule_marks|Target /);

    // the title is drawn, with its em dash
    expect(elements(chart.svg).some((e) => e.tag === 'text' && e.text === bayview.title)).toBe(true);
    // one line for the series, broken where the value is missing
    const lines = elements(chart.svg).filter((e) => e.attrs['aria-roledescription'] === 'line mark');
    expect(lines.map((e) => e.attrs['aria-label'])).toEqual(['series: Bayview Child Trauma Center']);
    expect(lines[0]!.attrs.d!.match(/M/g)).toHaveLength(2);
  });

  test('target line only when a target is given (0 included)', async () => {
    const with80 = await renderRunChart({ ...bayview, target: 80 });
    expectWellFormed(with80.svg);
    expect(rules(with80.svg, 'target')).toEqual([80]);
    expect(rules(with80.svg, 'median')).toEqual([63.75]);

    const with0 = await renderRunChart({ ...bayview, target: 0 });
    expect(rules(with0.svg, 'target')).toEqual([0]);

    const without = await renderRunChart(bayview);
    expect(rules(without.svg, 'target')).toEqual([]);
  });

  test('several series: every point of every series, median over all of them', async () => {
    const input: RunChartInput = {
      title: 'Fidelity (%) — All teams',
      measure: 'Fidelity (%)',
      target: 75,
      yMin: 0,
      yMax: 100,
      series: [
        {
          name: 'Bayview',
          points: [
            { period: '2027-01', value: 10 },
            { period: '2027-02', value: null },
            { period: '2027-03', value: 30 },
          ],
        },
        {
          name: 'Harbor; East',
          points: [
            { period: '2027-01', value: 0.1 + 0.2 },
            { period: '2027-02', value: 55.25 },
            { period: '2027-03', value: null },
          ],
        },
        {
          name: 'Northside',
          points: [
            { period: '2027-02', value: 80 },
            { period: '2027-03', value: 100 },
          ],
        },
      ],
    };
    const chart = await renderRunChart(input);
    expectWellFormed(chart.svg);

    const values = input.series.flatMap((s) => s.points.map((p) => p.value));
    expect(chart.points).toBe(values.filter((v) => v !== null).length);
    expect(chart.points).toBe(6);
    expect(chart.median).toBe(median(values));
    expect(chart.median).toBe((30 + 55.25) / 2);

    const ps = points(chart.svg);
    expect(ps).toHaveLength(6);
    // values round-trip exactly, including 0.30000000000000004
    expect(sortPoints(ps).map(({ x: _x, ...p }) => p)).toEqual(expected(input));

    expect(rules(chart.svg, 'median')).toEqual([chart.median]);
    expect(rules(chart.svg, 'target')).toEqual([75]);
    const lines = elements(chart.svg).filter((e) => e.attrs['aria-roledescription'] === 'line mark');
    expect(lines.map((e) => e.attrs['aria-label']).sort()).toEqual([
      'series: Bayview',
      'series: Harbor; East',
      'series: Northside',
    ]);
    // the y axis spans yMin..yMax
    expect(chart.svg).toMatch(
      /aria-label="Y-axis titled 'Fidelity \(%\)' for a linear scale with values from 0 to 100"/,
    );
  });

  test('periods run left to right in calendar order, whatever the input order', async () => {
    const chart = await renderRunChart({
      title: 't',
      measure: 'm',
      series: [
        {
          name: 'A',
          points: [
            { period: '2028-01', value: 4 },
            { period: '2027-11', value: 2 },
            { period: '2027-12', value: 3 },
            { period: '2027-10', value: 1 },
          ],
        },
      ],
    });
    const ps = points(chart.svg).sort((a, b) => a.x - b.x);
    expect(ps.map((p) => p.period)).toEqual(['2027-10', '2027-11', '2027-12', '2028-01']);
    expect(ps.map((p) => p.value)).toEqual([1, 2, 3, 4]);
    expect(new Set(ps.map((p) => p.x)).size).toBe(4);
  });

  test('markup in names and titles is escaped and reads back unchanged', async () => {
    const name = `Kids & "Families" <Center>'s`;
    const chart = await renderRunChart({
      title: `Rate <x> & y`,
      measure: 'm & n',
      series: [{ name, points: [{ period: '2027-06', value: 42 }] }],
    });
    expectWellFormed(chart.svg);
    expect(points(chart.svg)).toEqual([
      { period: '2027-06', value: 42, series: name, x: expect.any(Number) },
    ]);
    expect(elements(chart.svg).some((e) => e.tag === 'text' && e.text === 'Rate <x> & y')).toBe(true);
  });

  test('no values at all: no point, no median line, median null', async () => {
    const chart = await renderRunChart({
      title: 'empty',
      measure: 'm',
      target: 50,
      series: [{ name: 'A', points: [{ period: '2027-01', value: null }] }],
    });
    expectWellFormed(chart.svg);
    expect(chart).toMatchObject({ median: null, points: 0 });
    expect(points(chart.svg)).toEqual([]);
    expect(rules(chart.svg, 'median')).toEqual([]);
    expect(rules(chart.svg, 'target')).toEqual([50]);

    const none = await renderRunChart({ title: 'nothing', measure: 'm', series: [] });
    expectWellFormed(none.svg);
    expect(none).toMatchObject({ median: null, points: 0 });
  });

  test('the same input renders the same SVG, byte for byte', async () => {
    const input: RunChartInput = { ...bayview, target: 80, yMin: 0, yMax: 100 };
    const a = await renderRunChart(input);
    const b = await renderRunChart(structuredClone(input));
    expect(b.svg).toBe(a.svg);
    expect(b).toEqual(a);
  });

  test('a malformed input is refused with every problem named', async () => {
    await expect(
      renderRunChart({
        title: 't',
        measure: 'm',
        yMin: 10,
        yMax: 10,
        target: NaN,
        series: [
          {
            name: 'A',
            points: [
              { period: '2027-13', value: 1 },
              { period: '2027-01', value: Infinity },
              { period: '2027-01', value: 2 },
            ],
          },
          { name: 'A', points: [] },
        ],
      }),
    ).rejects.toThrow(
      'renderRunChart: series[0].points[0]: period "2027-13" is not YYYY-MM; ' +
        'series[0].points[1]: value is not a finite number; ' +
        'series[0].points[2]: period 2027-01 appears twice; ' +
        'series[1]: duplicate series name "A"; target: not a finite number; yMin must be less than yMax',
    );
  });

  test('signals: a ring per marked point, by meaning, with a legend entry; the centre line as given', async () => {
    const chart = await renderRunChart({
      ...bayview,
      median: 60,
      signals: [
        { series: bayview.series[0]!.name, period: '2027-04', rule: 'shift', meaning: 'improvement' },
        { series: bayview.series[0]!.name, period: '2027-04', rule: 'trend', meaning: 'improvement' },
        {
          series: bayview.series[0]!.name,
          period: '2027-01',
          rule: 'astronomical',
          meaning: 'deterioration',
        },
      ],
    });
    expectWellFormed(chart.svg);
    expect(chart.median).toBe(60);
    expect(rules(chart.svg, 'median')).toEqual([60]);
    // the points are unchanged: a signal ring is no point
    expect(points(chart.svg)).toHaveLength(4);
    const rings = elements(chart.svg).filter((e) => e.attrs['aria-roledescription'] === 'signal');
    expect(rings.map((e) => e.attrs['aria-label']).sort()).toEqual([
      `signal: astronomical; meaning: deterioration; period: 2027-01; value: 50; series: ${bayview.series[0]!.name}`,
      `signal: shift, trend; meaning: improvement; period: 2027-04; value: 70; series: ${bayview.series[0]!.name}`,
    ]);
    // each ring sits on its point
    const at = (label: string) =>
      elements(chart.svg).find((e) => e.attrs['aria-label'] === label)!.attrs.transform;
    expect(rings.map((r) => r.attrs.transform).sort()).toEqual(
      [
        at(`period: 2027-01; value: 50; series: ${bayview.series[0]!.name}`),
        at(`period: 2027-04; value: 70; series: ${bayview.series[0]!.name}`),
      ].sort(),
    );
    expect(chart.svg).toMatch(
      /aria-label="Symbol legend for stroke color with 2 values: Signal of improvement, Signal of deterioration"/,
    );
    // without signals, no ring and no legend of them
    const plain = await renderRunChart(bayview);
    expect(plain.svg).not.toMatch(/aria-roledescription="signal"|Signal of/);
  });

  test('a signal on a point that is not drawn is refused', async () => {
    await expect(
      renderRunChart({
        ...bayview,
        signals: [
          { series: bayview.series[0]!.name, period: '2027-03', rule: 'shift', meaning: 'improvement' },
        ],
      }),
    ).rejects.toThrow(`signals[0]: ${bayview.series[0]!.name} has no point in 2027-03`);
  });

  test('12 teams × 18 months', async () => {
    const periods = Array.from({ length: 18 }, (_, i) => {
      const m = 2027 * 12 + i;
      return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;
    });
    const input: RunChartInput = {
      title: 'Fidelity (%) — All teams',
      measure: 'Fidelity (%)',
      target: 80,
      yMin: 0,
      yMax: 100,
      series: Array.from({ length: 12 }, (_, s) => ({
        name: `Team ${s + 1}`,
        points: periods.map((period, i) => ({
          period,
          value: (s + i) % 7 === 0 ? null : 40 + ((s * 31 + i * 17) % 60) / 2,
        })),
      })),
    };
    const started = performance.now();
    const chart = await renderRunChart(input);
    const ms = performance.now() - started;
    expectWellFormed(chart.svg);
    expect(chart.points).toBe(expected(input).length);
    expect(sortPoints(points(chart.svg)).map(({ x: _x, ...p }) => p)).toEqual(expected(input));
    expect(rules(chart.svg, 'median')).toEqual([
      median(input.series.flatMap((s) => s.points.map((p) => p.value))),
    ]);
    expect(ms).toBeLessThan(5000);
  });
});
