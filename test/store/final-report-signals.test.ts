/**
 * The final report's run-chart signals (#21.1), from records in the MongoDB-wire store: one team's
 * fidelity shifts up after month 6; the other team's varies around its level. The report lists the
 * shift (and only it) as a signal of improvement, marks its points on the chart across teams, and
 * the email's lists come from it.
 */
import { parseLaunchConfig } from '../../domain/config';
import { buildFinalReport } from '../../reports/final-report';
import { recordProgramme } from '../../store/collaboratives';
import { COLLECTIONS, upsertById } from '../../store/db';
import { ids } from '../../store/keys';
import { recordSubmission } from '../../store/metrics';
import { upsertSites } from '../../store/sites';
import { exampleConfig } from '../helpers/configs';
import { testDb } from '../helpers/env';

const SLUG = 'signals-lc';
// 12 months: 6 around 60, then 6 around 90. Baseline median (64 + 85) / 2 = 74.5: six below, then six
// above — a shift, and only 2 runs in 12 useful points (fewer than 3: too few runs). No trend: at
// most 4 in a row going up (59 85 88 90).
const SHIFTS = [62, 58, 63, 60, 64, 59, 85, 88, 90, 87, 91, 89];
// the other team: up and down around 70, no rule fires.
const STEADY = [70, 74, 68, 72, 69, 75, 71, 67, 73, 70, 76, 69];

describe('the final report lists and marks run-chart signals', () => {
  let dbh: Awaited<ReturnType<typeof testDb>>;
  beforeAll(async () => {
    dbh = await testDb('report_signals');
  });
  afterAll(async () => {
    await dbh?.close();
  });

  it('shows the shifting team as a signal of improvement, the steady team as none', async () => {
    const { db } = dbh;
    const raw = exampleConfig();
    raw.slug = SLUG;
    raw.sites = ['up', 'flat'];
    raw.schedule.end = '2028-06-30'; // 13 monthly periods from LS1 (2027-05)
    const config = parseLaunchConfig(raw);
    const periods = config.schedule.periods.slice(0, 12).map((p) => p.id);
    expect(periods).toHaveLength(12);
    await upsertSites(db, [
      { siteId: 'up', name: 'Uphill Clinic', piName: 'A', piEmail: 'a@up.example.org', active: true },
      { siteId: 'flat', name: 'Flatland Center', piName: 'B', piEmail: 'b@flat.example.org', active: true },
    ] as never);
    await recordProgramme(db, COLLECTIONS.collaboratives, config, `lc/${SLUG}`);
    for (const siteId of ['up', 'flat'])
      await upsertById(
        db,
        COLLECTIONS.teams,
        ids.team(SLUG, siteId),
        { collaborative: SLUG, siteId },
        { $set: { status: 'completed', promoted: false, updatedAt: new Date() } },
      );
    for (const [i, period] of periods.entries())
      for (const [siteId, fidelity] of [
        ['up', SHIFTS[i]!],
        ['flat', STEADY[i]!],
      ] as const)
        await recordSubmission(
          db,
          SLUG,
          siteId,
          {
            period,
            values: { children_served: 10, fidelity, cds_used: true },
            by: `dm@${siteId}.example.org`,
          },
          { submittedAt: new Date().toISOString(), late: false, amendments: 0 },
        );

    const report = await buildFinalReport(db, SLUG);
    const fidelity = report.signals.filter((s) => s.measure === 'fidelity');
    expect(fidelity.filter((s) => s.scope === 'Flatland Center')).toEqual([]);
    const uphill = fidelity.filter((s) => s.scope === 'Uphill Clinic');
    expect(uphill.map((s) => [s.rule, s.meaning])).toEqual([
      ['too-few-runs', 'improvement'],
      ['shift', 'improvement'],
    ]);
    expect(uphill[1]).toEqual({
      measure: 'fidelity',
      scope: 'Uphill Clinic',
      rule: 'shift',
      meaning: 'improvement',
      from: periods[6],
      to: periods[11],
      periods: periods.slice(6),
      text: `Uphill Clinic — Fidelity (%): a shift above the median from ${periods[6]} to ${periods[11]} (6 points) — improvement`,
    });
    // children served never changes: no signal
    expect(report.signals.filter((s) => s.measure === 'children_served')).toEqual([]);
    expect(report.signalSections[0]).toEqual({
      heading: 'Signals of improvement',
      items: expect.arrayContaining(uphill.map((s) => s.text)),
    });
    expect(report.summary.at(-1)).toMatch(
      /^Run-chart signals \(IHI run-chart rules: .*\): \d+ of improvement/,
    );

    // the chart across teams rings the six points of the shift, and no point of the steady team
    const each = report.charts.find((c) => c.measure === 'fidelity' && c.scope === 'Each team')!;
    const rings = [...each.svg.matchAll(/<[^>]*aria-roledescription="signal"[^>]*>/g)].map(
      (m) => /aria-label="([^"]*)"/.exec(m[0])![1]!,
    );
    expect(rings.filter((l) => l.endsWith('series: Uphill Clinic'))).toHaveLength(6);
    expect(rings.filter((l) => l.endsWith('series: Flatland Center'))).toEqual([]);
    expect(each.svg).toContain('Signal of improvement');

    // the stored report carries them for the email
    const stored = await db.collection(COLLECTIONS.reports).findOne({ collaborative: SLUG, kind: 'final' });
    expect(stored!.signalSections).toEqual(report.signalSections);
  });
});
