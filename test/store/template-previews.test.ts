/**
 * Template previews with a collaborative's own data (app/template-previews.ts) on FerretDB: a
 * collaborative unlike the sample one, with two announced sites (one applied) and a resource.
 * Each preview carries its title, its dates in the recipient's zone, a real site and person, its
 * measures and resources, and no signed link; a template it does not send is refused.
 */
import type { Db } from 'mongodb';
import { collaborativePreview, collaborativeTemplates, FAKE_LINK_PATH } from '../../app/template-previews';
import { parseLaunchConfig } from '../../domain/config';
import { signLink } from '../../security/links';
import { COLLECTIONS } from '../../store/db';
import { createLifecycleRecords } from '../../store/lifecycle';
import { insertResource } from '../../store/pdsa';
import { upsertSites } from '../../store/sites';
import { TEMPLATE_NAMES } from '../../templates/samples';
import { testDb } from '../helpers/env';
import { applicationFor, exampleSites, piOf } from '../helpers/people';

const SLUG = 'cpp-2028';
const BASE = 'https://lc.test.example.org';
const config = parseLaunchConfig({
  slug: SLUG,
  title: 'Child-Parent Psychotherapy Collaborative 2028',
  practice: 'Child-Parent Psychotherapy (CPP)',
  timeZone: 'America/Chicago',
  coordinators: [{ name: 'Rosa Delgado', email: 'rosa.delgado@network.example.org' }],
  faculty: [{ name: 'Dr. Imani Brooks', email: 'imani.brooks@faculty.example.org' }],
  sites: ['harbor', 'granite'],
  schedule: {
    announcement: '2028-01-10',
    applicationsOpen: '2028-01-10',
    applicationsClose: '2028-02-14T17:00',
    decisionsDue: '2028-03-01',
    prework: '2028-03-06',
    // 10:00 in Chicago: 08:00 at Harbor (Los Angeles), 11:00 at Granite (New York).
    learningSessions: [
      { start: '2028-04-11T10:00', end: '2028-04-12T16:00', venue: 'Union Station Hall, Kansas City MO' },
      { start: '2028-08-15T10:00', end: '2028-08-16T16:00', venue: 'Civic Centre, Denver CO' },
      { start: '2028-12-05T10:00', end: '2028-12-06T16:00', venue: 'Harbor Pavilion, Seattle WA' },
    ],
    end: '2029-02-28',
  },
  metrics: {
    dueDay: 12,
    measures: [
      { key: 'dyads', name: 'Dyads in treatment', type: 'count', min: 0, max: 200 },
      { key: 'fidelity', name: 'CPP fidelity (%)', type: 'percentage', target: 85 },
    ],
  },
});

describe('template previews with a collaborative’s own data', () => {
  let dbh: Awaited<ReturnType<typeof testDb>>;
  let db: Db;

  beforeAll(async () => {
    dbh = await testDb('template_previews');
    db = dbh.db;
    await upsertSites(db, exampleSites);
    await db.collection(COLLECTIONS.collaboratives).insertOne({
      _id: SLUG as never,
      slug: SLUG,
      workflowId: `lc/${SLUG}`,
      config,
      phase: 'prework',
      createdAt: new Date('2028-01-09T12:00:00Z'),
      updatedAt: new Date('2028-01-09T12:00:00Z'),
      announcedTo: ['granite', 'harbor'],
    });
    await createLifecycleRecords(db).recordApplication(SLUG, applicationFor('harbor', piOf('harbor')), 1);
    await insertResource(
      db,
      SLUG,
      {
        title: 'CPP fidelity checklist',
        kind: 'document',
        url: 'https://docs.example.org/cpp-fidelity.pdf',
        by: 'imani.brooks@faculty.example.org',
        at: new Date('2028-03-01T12:00:00Z'),
      },
      1,
    );
  }, 120_000);
  afterAll(() => dbh?.close());

  /** A copy of the collaborative under another slug with these consultation series. */
  async function withSeries(slug: string, consultation: unknown[]) {
    const raw = {
      ...config,
      slug,
      schedule: {
        announcement: '2028-01-10',
        applicationsOpen: '2028-01-10',
        applicationsClose: '2028-02-14T17:00',
        decisionsDue: '2028-03-01',
        learningSessions: config.schedule.learningSessions.map((ls, i) => ({
          start: ['2028-04-11T10:00', '2028-08-15T10:00', '2028-12-05T10:00'][i],
          venue: ls.venue,
        })),
        consultation,
        end: '2029-02-28',
      },
    };
    await db.collection(COLLECTIONS.collaboratives).insertOne({
      _id: slug as never,
      slug,
      workflowId: `lc/${slug}`,
      config: parseLaunchConfig(raw),
      phase: 'prework',
      createdAt: new Date('2028-01-09T12:00:00Z'),
      updatedAt: new Date('2028-01-09T12:00:00Z'),
      announcedTo: ['granite', 'harbor'],
    });
  }
  const link = 'https://meet.example.org/cpp-all';
  /** The notes that say a sample stands in (not those of a site yet to apply). */
  const samples = (notes: string[]) => notes.filter((n) => /a sample/.test(n));

  test('a rule series: its one invitation and its moved call, with its own rule, holiday and move', async () => {
    await withSeries('cpp-rules', [
      { kind: 'clinical', every: '1st and 3rd Thursday 12:00', durationMinutes: 45, link },
      {
        kind: 'all-collaborative',
        every: '2nd Tuesday 14:00',
        skip: ['2028-07-11'],
        move: [{ from: '2028-11-14', to: '2028-11-16' }],
        link,
      },
    ]);
    const invite = await collaborativePreview(db, 'cpp-rules', 'consultation-series-invite', {
      baseUrl: BASE,
    });
    expect(invite.rendered.subject).toBe(
      'Invitation: Clinical consultation calls, from Thu 20 Apr 2028 — Child-Parent Psychotherapy Collaborative 2028',
    );
    expect(invite.rendered.text).toContain('(45 minutes each)');
    expect(invite.recipient.email).toMatch(/@granite\.example\.invalid$/); // no application here: a stand-in
    expect(samples(invite.notes)).toEqual([]);
    // The first rule series is the one shown; its moved call is the second series' (the first has none).
    const moved = await collaborativePreview(db, 'cpp-rules', 'consultation-moved', { baseUrl: BASE });
    expect(samples(moved.notes)).toEqual([
      'No call of this series has moved: shown as if the call of Thu 4 May 2028, 12:00 CDT moved a week on (a sample).',
    ]);
    expect(moved.rendered.subject).toMatch(
      /^Moved: Clinical consultation call, Thu 4 May 2028 is on Thu 11 May 2028/,
    );
    // Bare: the second series alone, with its holiday and its move.
    await withSeries('cpp-rule', [
      {
        kind: 'all-collaborative',
        every: '2nd Tuesday 14:00',
        skip: ['2028-07-11'],
        move: [{ from: '2028-11-14', to: '2028-11-16' }],
        link,
      },
    ]);
    const own = await collaborativePreview(db, 'cpp-rule', 'consultation-series-invite', { baseUrl: BASE });
    expect(own.rendered.text).toContain('no call on Tue 11 Jul 2028');
    // 14:00 in Chicago, read at Granite (New York).
    expect(own.rendered.text).toContain('the call of Tue 14 Nov 2028 moves to Thu 16 Nov 2028, 15:00 EST');
    const ownMove = await collaborativePreview(db, 'cpp-rule', 'consultation-moved', { baseUrl: BASE });
    expect(samples(ownMove.notes)).toEqual([]);
    expect(ownMove.rendered.subject).toMatch(
      /^Moved: All-collaborative call, Tue 14 Nov 2028 is on Thu 16 Nov 2028/,
    );
  });

  test('series every few days: the rule emails shown with a stated sample rule', async () => {
    await withSeries('cpp-days', [
      { kind: 'all-collaborative', first: '2028-04-20T13:00', everyDays: 28, link },
    ]);
    const names = collaborativeTemplates(
      (await db.collection(COLLECTIONS.collaboratives).findOne({ slug: 'cpp-days' })) as never,
    ).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['consultation-series-invite', 'consultation-moved']));
    const invite = await collaborativePreview(db, 'cpp-days', 'consultation-series-invite', {
      baseUrl: BASE,
    });
    expect(samples(invite.notes)).toEqual([
      'The all-collaborative calls of this collaborative repeat every 28 days, so each call has its own invitation: shown as if they were written as a rule, monthly on the 3rd Thursday at 13:00 (a sample).',
    ]);
    expect(invite.rendered.subject).toContain('from Thu 20 Apr 2028');
    const moved = await collaborativePreview(db, 'cpp-days', 'consultation-moved', { baseUrl: BASE });
    expect(samples(moved.notes)).toHaveLength(2);
    expect(moved.rendered.subject).toMatch(
      /^Moved: All-collaborative call, Thu 18 May 2028 is on Thu 25 May 2028/,
    );
  });

  const preview = (name: string) => collaborativePreview(db, SLUG, name, { baseUrl: BASE });

  test('the session invitation: its title, its venue, the date in the team member’s zone, its resource', async () => {
    const p = await preview('session-invite');
    expect(p.rendered.subject).toContain('Child-Parent Psychotherapy Collaborative 2028');
    // Harbor applied: its own people, in Los Angeles, where LS1 begins at 08:00.
    expect(p.recipient.email).toMatch(/@harbor\.example\.org$/);
    expect(p.recipient.timeZone).toBe('America/Los_Angeles');
    expect(p.recipient.siteName).toBe('Harbor Behavioral Health');
    expect(p.rendered.text).toContain('Union Station Hall, Kansas City MO');
    expect(p.rendered.text).toContain('When: Tue 11 Apr 2028, 08:00 PDT to Wed 12 Apr 2028, 14:00 PDT.');
    expect(p.rendered.text).toContain('CPP fidelity checklist');
    expect(p.rendered.calendar?.start).toBe('2028-04-11T15:00:00Z');
    expect(p.notes).toEqual([]);
  });

  test('the announcement: to a real PI of its announced sites, with its practice and no signed link', async () => {
    const p = await preview('announcement');
    expect(p.recipient).toMatchObject({ name: 'Dr. Grace Lee', email: piOf('harbor') });
    expect(p.rendered.text).toContain('Child-Parent Psychotherapy (CPP)');
    expect(p.rendered.text).toContain('Harbor Behavioral Health');
    expect(p.rendered.html).toContain(`${BASE}/apply/${FAKE_LINK_PATH}`);
  });

  test('the metrics reminder: its own measures and first period, to the data manager', async () => {
    const p = await preview('metrics-reminder');
    expect(p.recipient.email).toBe('data@harbor.example.org');
    expect(p.rendered.text).toContain('Dyads in treatment');
    expect(p.rendered.text).toContain('2028-04');
    expect(p.rendered.text).toContain(`${BASE}/team/${FAKE_LINK_PATH}?period=2028-04`);
  });

  test('staff emails go to its own faculty and coordinators, naming its sites', async () => {
    const review = await preview('review-reminder');
    expect(review.recipient).toMatchObject({ name: 'Dr. Imani Brooks', timeZone: 'America/Chicago' });
    expect(review.rendered.text).toContain("Granite State Children's Center");
    const digest = await preview('metrics-digest');
    expect(digest.notes.join(' ')).toMatch(/example/);
  });

  test('every template it sends renders, none with a signed token; one it does not send is refused', async () => {
    const names = collaborativeTemplates(
      (await db.collection(COLLECTIONS.collaboratives).findOne({ slug: SLUG })) as never,
    ).map((t) => t.name);
    // No informational calls and no consultation in this schedule: those templates are not its.
    expect(names).not.toContain('info-call-invite');
    expect(names).not.toContain('consultation-invite');
    // Not its: the calls' and consultation's four, and the two of rule series (no consultation).
    const notIts = ['consultation-series-invite', 'consultation-moved'];
    expect(notIts.every((n) => !names.includes(n as never))).toBe(true);
    expect(names.length).toBe(
      TEMPLATE_NAMES.filter((n) => !n.startsWith('community-') && !notIts.includes(n)).length - 4,
    );
    // The pattern below does find a real signed link (so its absence means something).
    const SIGNED = /\/(apply|team|join)\/[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}/;
    const token = signLink('k'.repeat(48), { p: 'team', e: 'x@y.org', c: SLUG, s: 'harbor', x: 1 } as never);
    expect(`${BASE}/team/${token}`).toMatch(SIGNED);
    for (const name of names) {
      const p = await preview(name);
      expect(p.rendered.subject).toContain('Child-Parent Psychotherapy Collaborative 2028');
      for (const part of [p.rendered.html, p.rendered.text])
        // A signed link is `<base>/<purpose>/<base64url payload>.<signature>`.
        expect(part).not.toMatch(SIGNED);
    }
    await expect(preview('info-call-invite')).rejects.toThrow(/not an email this collaborative sends/);
    await expect(preview('community-welcome')).rejects.toThrow(/not an email this collaborative sends/);
  }, 120_000);
});
