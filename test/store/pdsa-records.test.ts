/**
 * PDSA cycles and resources in the MongoDB-wire store (#21): cycles numbered per team, a double
 * post logged once, an edit refused once the cycle is decided, the measure and session checked
 * against the collaborative's; the session and call emails' data carries the library's resources
 * (a session's own only in that session's emails), read when the notice is prepared.
 */
import * as ops from '../../app';
import { parseLaunchConfig } from '../../domain/config';
import { ValidationError } from '../../domain/errors';
import { noticeData } from '../../mail/notice-data';
import { getCollaborative, recordProgramme } from '../../store/collaboratives';
import { COLLECTIONS } from '../../store/db';
import { exampleConfig } from '../helpers/configs';
import { testDb } from '../helpers/env';

const SLUG = 'pdsa-records';
const AT = new Date('2027-06-01T12:00:00Z');

describe('PDSA cycles and resources in the store', () => {
  let dbh: Awaited<ReturnType<typeof testDb>>;
  beforeAll(async () => {
    dbh = await testDb('pdsa_records');
  });
  afterAll(async () => {
    await dbh?.close();
  });

  it('numbers cycles per team, logs a double post once, refuses an edit once decided', async () => {
    const { db } = dbh;
    const raw = exampleConfig();
    raw.slug = SLUG;
    await recordProgramme(db, COLLECTIONS.collaboratives, parseLaunchConfig(raw), `lc/${SLUG}`);
    const doc = await getCollaborative(db, SLUG);
    const plan = { measure: 'fidelity', change: 'Daily huddle', prediction: 'Fidelity above 80%' };

    const one = await ops.logPdsaCycle(db, doc, 'bayview', plan, 'a@bayview.example.org', AT, 'req-1');
    const twice = await ops.logPdsaCycle(db, doc, 'bayview', plan, 'a@bayview.example.org', AT, 'req-1');
    const two = await ops.logPdsaCycle(db, doc, 'bayview', plan, 'a@bayview.example.org', AT, 'req-2');
    const other = await ops.logPdsaCycle(db, doc, 'harbor', plan, 'b@harbor.example.org', AT, 'req-1');
    expect([one._id, twice._id, two._id, other._id]).toEqual([
      `${SLUG}:bayview:1`,
      `${SLUG}:bayview:1`,
      `${SLUG}:bayview:2`,
      `${SLUG}:harbor:1`,
    ]);
    await expect(
      ops.logPdsaCycle(db, doc, 'bayview', { ...plan, measure: 'wellbeing' }, 'a@bayview.example.org', AT),
    ).rejects.toThrow(ValidationError);

    const decided = await ops.editPdsaCycle(
      db,
      doc,
      'bayview',
      1,
      { ...plan, observed: 'Fidelity 84%', learned: 'It holds', decision: 'adopt' },
      'c@bayview.example.org',
      AT,
    );
    expect(decided).toMatchObject({
      decision: 'adopt',
      by: 'a@bayview.example.org',
      updatedBy: 'c@bayview.example.org',
    });
    await expect(
      ops.editPdsaCycle(db, doc, 'bayview', 1, plan, 'a@bayview.example.org', AT),
    ).rejects.toMatchObject({ kind: 'conflict' });
    // An open cycle edited back to blanks loses them (no null left behind).
    const reopened = await ops.editPdsaCycle(
      db,
      doc,
      'bayview',
      2,
      { ...plan, observed: 'x' },
      'a@bayview.example.org',
      AT,
    );
    expect(reopened.observed).toBe('x');
    const blanked = await ops.editPdsaCycle(db, doc, 'bayview', 2, plan, 'a@bayview.example.org', AT);
    expect('observed' in blanked).toBe(false);
    expect((await ops.pdsaBoard(db, doc, { measure: 'fidelity' })).teams.map((t) => t.siteId)).toEqual([
      'bayview',
      'harbor',
    ]);
  });

  it('puts the library into session and call emails’ data, a session’s own only in its emails', async () => {
    const { db } = dbh;
    const doc = await getCollaborative(db, SLUG);
    const by = 'faculty@example.org';
    await ops.addResource(
      db,
      doc,
      { title: 'Whole LC', kind: 'link', url: 'https://example.org/lc' },
      by,
      AT,
    );
    await ops.addResource(
      db,
      doc,
      { title: 'LS2 slides', kind: 'document', url: 'https://example.org/ls2', session: '1' },
      by,
      AT,
    );
    await expect(
      ops.addResource(
        db,
        doc,
        { title: 'LS9', kind: 'document', url: 'https://example.org/x', session: '9' },
        by,
        AT,
      ),
    ).rejects.toThrow(/session: choose one of the 3 learning sessions/);
    const titles = async (n: Parameters<typeof noticeData>[2]) => {
      const p = await noticeData(db, doc, n, new Map(), AT.getTime());
      return ((p.data as { resources?: { title: string }[] }).resources ?? []).map((r) => r.title);
    };
    expect(await titles({ kind: 'session-reminder', siteId: 'bayview', session: 0, daysBefore: 2 })).toEqual([
      'Whole LC',
    ]);
    expect(await titles({ kind: 'session-invite', siteId: 'bayview', session: 1, sequence: 0 })).toEqual([
      'Whole LC',
      'LS2 slides',
    ]);
    expect(await titles({ kind: 'consultation-reminder', series: 0, call: 0, siteIds: ['bayview'] })).toEqual(
      ['Whole LC', 'LS2 slides'],
    );
    const removed = await ops.removeResource(db, doc, 1);
    expect(removed.title).toBe('Whole LC');
    await expect(ops.removeResource(db, doc, 1)).rejects.toMatchObject({ kind: 'not-found' });
    expect((await ops.pdsaResources(db, SLUG)).map((r) => r.n)).toEqual([2]);
  });
});
