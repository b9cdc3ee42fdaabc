/**
 * The pages' run charts are drawn once per change of what they plot, against the real
 * MongoDB-wire server: a second visit gets the stored drawing (proved by a marker planted in it),
 * a new submission or an amendment draws them again.
 */
import { parseLaunchConfig } from '../../domain/config';
import { dashboardCharts, teamCharts } from '../../app';
import { COLLECTIONS } from '../../store/collections';
import { getCollaborative, recordProgramme } from '../../store/collaboratives';
import { recordSubmission } from '../../store/metrics';
import { storyConfig } from '../helpers/configs';
import { testDb } from '../helpers/env';

describe('charts drawn once per change', () => {
  let dbh: Awaited<ReturnType<typeof testDb>>;
  const cfg = parseLaunchConfig({ ...storyConfig(), slug: 'charts' });
  const submit = (siteId: string, period: string, served: number, amendments = 0) =>
    recordSubmission(
      dbh.db,
      'charts',
      siteId,
      { period, values: { children_served: served, fidelity: 70 + served, cds_used: true }, by: 'dm@x.org' },
      { submittedAt: `${period}-20T12:00:00Z`, late: false, amendments },
    );
  const plant = (id: string) =>
    dbh.db
      .collection(COLLECTIONS.chartCache)
      .updateOne({ _id: id as never }, { $set: { 'value.0.svg': '<svg>planted</svg>' } });

  beforeAll(async () => {
    dbh = await testDb('chart-cache');
    await recordProgramme(dbh.db, COLLECTIONS.collaboratives, cfg, 'lc/charts');
    for (const siteId of ['bayview', 'harbor'])
      await dbh.db
        .collection(COLLECTIONS.teams)
        .insertOne({ collaborative: 'charts', siteId, status: 'accepted' } as never);
    await submit('bayview', '2027-05', 10);
    await submit('harbor', '2027-05', 12);
  });
  afterAll(() => dbh.close());

  it('serves the dashboard’s drawing until a submission changes what it plots', async () => {
    const doc = await getCollaborative(dbh.db, 'charts');
    const first = await dashboardCharts(dbh.db, doc);
    expect(first.length).toBe(4); // two numeric measures, each team and their mean
    await plant('charts:dashboard');
    expect((await dashboardCharts(dbh.db, doc))[0]!.svg).toBe('<svg>planted</svg>');
    await submit('bayview', '2027-06', 11);
    const redrawn = await dashboardCharts(dbh.db, doc);
    expect(redrawn[0]!.svg).not.toBe('<svg>planted</svg>');
    expect(redrawn[0]!.periods).toEqual(['2027-05', '2027-06']);
  });

  it('serves a team’s drawing until its data is amended', async () => {
    const doc = await getCollaborative(dbh.db, 'charts');
    await teamCharts(dbh.db, doc, 'harbor', 'Harbor');
    await plant('charts:team:harbor');
    expect((await teamCharts(dbh.db, doc, 'harbor', 'Harbor'))[0]!.svg).toBe('<svg>planted</svg>');
    await submit('harbor', '2027-05', 20, 1);
    expect((await teamCharts(dbh.db, doc, 'harbor', 'Harbor'))[0]!.svg).not.toBe('<svg>planted</svg>');
  });

  it('says a team’s run-chart signals in words: a step up after six months is a shift, an improvement', async () => {
    const months = [...Array(12).keys()].map(
      (i) => `${2027 + Math.floor((5 + i) / 12)}-${String(((5 + i) % 12) + 1).padStart(2, '0')}`,
    );
    for (const [i, period] of months.entries()) await submit('cedar-hill', period, i < 6 ? 5 : 40);
    const doc = await getCollaborative(dbh.db, 'charts');
    const [served] = await teamCharts(dbh.db, doc, 'cedar-hill', 'Cedar Hill');
    expect(served!.signals!.map((x) => x.meaning)).toContain('improvement');
    expect(served!.signals!.map((x) => x.text).join(' ')).toMatch(/shift above the median/);
  });
});
