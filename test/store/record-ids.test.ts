/**
 * Every record's `_id` is its business key (store/keys.ts), so hot reads and writes are
 * `{_id}` lookups — the one filter FerretDB 1.24 answers from an index. Records written before
 * (ObjectId `_id`) are rewritten by the startup migration (store/db.ts `migrateRecordIds`), which
 * survives a crash midway and a rerun; one written in the old shape after it is still read and
 * updated, never doubled.
 */
import { ObjectId, type Db } from 'mongodb';
import { createActivities } from '../../activities';
import { createTransport, Outbox } from '../../mail/outbox';
import { getCollaborative, recordProgramme } from '../../store/collaboratives';
import { COLLECTIONS, migrateRecordIds, RECORD_IDS_MIGRATION } from '../../store/db';
import { ids } from '../../store/keys';
import { applicationOf } from '../../store/lifecycle';
import { recordSubmission } from '../../store/metrics';
import { getSites, upsertSites } from '../../store/sites';
import { MAIL_FROM, testDb } from '../helpers/env';
import { applicationFor } from '../helpers/people';

const SLUG = 'keys-lc';

function activities(db: Db) {
  // No email is sent here: the transport is never used.
  const outbox = new Outbox(
    db,
    createTransport({ smtpUrl: 'smtp://127.0.0.1:9', from: MAIL_FROM }),
    MAIL_FROM,
  );
  return createActivities({ db, outbox });
}

/** What the code before business-key ids wrote: the same fields, an ObjectId `_id`. */
async function writeOldShape(db: Db) {
  await db.collection(COLLECTIONS.collaboratives).insertOne({
    slug: SLUG,
    workflowId: `lc/${SLUG}`,
    config: { slug: SLUG, sites: ['S1'] },
    phase: 'scheduled',
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  await db.collection(COLLECTIONS.applications).insertOne({
    ...applicationFor('S1', 'pi1@site.example.org'),
    collaborative: SLUG,
    version: 1,
    submittedAt: new Date(),
  });
  await db.collection(COLLECTIONS.teams).insertOne({
    collaborative: SLUG,
    siteId: 'S1',
    status: 'accepted',
    promoted: false,
    joinedAt: new Date(),
    updatedAt: new Date(),
  });
  await db.collection(COLLECTIONS.metrics).insertOne({
    collaborative: SLUG,
    siteId: 'S1',
    period: '2027-05',
    values: { a: 1 },
    by: 'dm@site.example.org',
    submittedAt: new Date(),
    late: false,
    amendments: 0,
  });
  await db.collection(COLLECTIONS.outbox).insertOne({
    key: `${SLUG}:announcement:S1`,
    collaborative: SLUG,
    purpose: 'announcement',
    template: 'announcement',
    to: 'pi1@site.example.org',
    subject: 'x',
    status: 'sent',
    messageId: 'x',
    attempts: 1,
    claimedAt: new Date(),
  });
}

describe('records are addressed by _id = their business key', () => {
  let dbh: Awaited<ReturnType<typeof testDb>>;
  beforeEach(async () => {
    dbh = await testDb('record_ids');
  });
  afterEach(async () => {
    await dbh.close();
  });

  it('writes each record with its business key as _id, and its lookup by _id uses the _id index', async () => {
    const { db } = dbh;
    const a = activities(db);
    await upsertSites(db, [
      {
        siteId: 'S1',
        name: 'Site 1',
        piName: 'PI One',
        piEmail: 'pi1@site.example.org',
        active: true,
      } as never,
    ]);
    await recordProgramme(db, COLLECTIONS.collaboratives, { slug: SLUG }, `lc/${SLUG}`);
    await a.recordApplication(SLUG, applicationFor('S1', 'pi1@site.example.org'), 1);
    await a.recordTeam(SLUG, 'S1', 'accepted');
    await a.recordTeam(SLUG, 'S1', 'completed'); // the same record again
    await a.recordAttendance(SLUG, 'S1', {
      session: 0,
      by: 'f@x.org',
      attendees: [{ email: 'm@x.org', present: true }],
    } as never);
    await recordSubmission(db, SLUG, 'S1', { period: '2027-05', values: {}, by: 'dm@x.org' } as never, {
      submittedAt: new Date().toISOString(),
      late: false,
      amendments: 0,
    });
    const idsOf = async (name: string) => (await db.collection(name).find({}).toArray()).map((d) => d._id);
    expect(await idsOf(COLLECTIONS.sites)).toEqual([ids.site('S1')]);
    expect(await idsOf(COLLECTIONS.collaboratives)).toEqual([SLUG]);
    expect(await idsOf(COLLECTIONS.applications)).toEqual([`${SLUG}:S1`]);
    expect(await idsOf(COLLECTIONS.teams)).toEqual([`${SLUG}:S1`]);
    expect(await idsOf(COLLECTIONS.attendance)).toEqual([`${SLUG}:S1:0:m@x.org`]);
    expect(await idsOf(COLLECTIONS.metrics)).toEqual([`${SLUG}:S1:2027-05`]);
    const team = await db.collection(COLLECTIONS.teams).findOne({ _id: ids.team(SLUG, 'S1') as never });
    expect(team).toMatchObject({ collaborative: SLUG, siteId: 'S1', status: 'completed', promoted: false });
    // On FerretDB/SQLite the lookup is pushed down and planned on the _id index (on MongoDB: IDHACK/EXPRESS).
    const plan = JSON.stringify(
      await db
        .collection(COLLECTIONS.applications)
        .find({ _id: ids.application(SLUG, 'S1') as never })
        .explain(),
    );
    expect(plan).toMatch(/USING INDEX \S+__id_|IDHACK|EXPRESS_IXSCAN|"_id_"/);
    expect(await a.loadRoster(SLUG, 'S1')).toEqual(expect.arrayContaining([expect.any(String)]));
    // Ids keep distinct keys distinct: a ':' inside a part is escaped.
    expect(ids.attendance('a', 'b:c', 0, 'd')).not.toBe(ids.attendance('a', 'b', 0, 'c:d'));
  });

  it('migrates records written with an ObjectId _id: found and updated by _id, no second record', async () => {
    const { db } = dbh;
    await writeOldShape(db);
    await db.collection(COLLECTIONS.migrations).deleteOne({ _id: RECORD_IDS_MIGRATION as never });
    expect(await migrateRecordIds(db, { once: true })).toBe(5);
    for (const name of [
      COLLECTIONS.collaboratives,
      COLLECTIONS.applications,
      COLLECTIONS.teams,
      COLLECTIONS.metrics,
      COLLECTIONS.outbox,
    ])
      expect(await db.collection(name).countDocuments({ _id: { $type: 'objectId' } as never })).toBe(0);
    expect(
      (await db.collection(COLLECTIONS.teams).findOne({ _id: ids.team(SLUG, 'S1') as never }))?.status,
    ).toBe('accepted');
    const a = activities(db);
    await a.recordTeam(SLUG, 'S1', 'withdrawn', { reason: 'moved' });
    expect(await db.collection(COLLECTIONS.teams).find({}).toArray()).toEqual([
      expect.objectContaining({ _id: `${SLUG}:S1`, status: 'withdrawn', reason: 'moved' }),
    ]);
    expect((await getCollaborative(db, SLUG)).phase).toBe('scheduled');
    await a.recordPhase(SLUG, 'announced' as never);
    expect((await getCollaborative(db, SLUG)).phase).toBe('announced');
    expect((await applicationOf(db, SLUG, 'S1'))?.version).toBe(1);
    const outbox = new Outbox(
      db,
      createTransport({ smtpUrl: 'smtp://127.0.0.1:9', from: MAIL_FROM }),
      MAIL_FROM,
    );
    expect(await outbox.statuses([`${SLUG}:announcement:S1`, `${SLUG}:announcement:S2`])).toEqual(
      new Map([[`${SLUG}:announcement:S1`, { status: 'sent', leaseUntil: undefined }]]),
    );
    // A rerun (or the marker) changes nothing.
    expect(await migrateRecordIds(db, { once: true })).toBe(0);
    expect(await migrateRecordIds(db)).toBe(0);
    expect(await db.collection(COLLECTIONS.teams).countDocuments()).toBe(1);
  });

  it('finishes a migration that crashed between deleting the old record and inserting the new', async () => {
    const { db } = dbh;
    const oldId = new ObjectId();
    const fields = { collaborative: SLUG, siteId: 'S9', status: 'accepted', promoted: false };
    // What the crashed run left: the copy, and no record.
    await db.collection(COLLECTIONS.migrations).insertOne({
      _id: `pending:${COLLECTIONS.teams}:${oldId.toHexString()}` as never,
      collection: COLLECTIONS.teams,
      oldId,
      doc: fields,
    });
    expect(await migrateRecordIds(db)).toBe(1);
    expect(await db.collection(COLLECTIONS.teams).find({}).toArray()).toEqual([
      { _id: `${SLUG}:S9`, ...fields },
    ]);
    expect(
      await db.collection(COLLECTIONS.migrations).countDocuments({ _id: { $regex: '^pending:' } as never }),
    ).toBe(0);
  });

  it('keeps a record written in the old shape after the migration: read, updated, not doubled', async () => {
    const { db } = dbh;
    await writeOldShape(db); // after ensureIndexes (and its migration) ran: a straggler
    const a = activities(db);
    expect(await a.loadRoster(SLUG, 'S1')).toEqual(expect.arrayContaining([expect.any(String)]));
    await a.recordTeam(SLUG, 'S1', 'completed');
    await a.recordDecision(SLUG, { siteId: 'S1', decision: 'accepted', notes: 'welcome' } as never);
    await a.recordApplication(SLUG, applicationFor('S1', 'pi1@site.example.org'), 2);
    await recordSubmission(db, SLUG, 'S1', { period: '2027-05', values: { a: 2 }, by: 'dm@x.org' } as never, {
      submittedAt: new Date().toISOString(),
      late: true,
      amendments: 1,
    });
    expect(await db.collection(COLLECTIONS.teams).find({}).toArray()).toEqual([
      expect.objectContaining({ status: 'completed' }),
    ]);
    expect(await db.collection(COLLECTIONS.applications).find({}).toArray()).toEqual([
      expect.objectContaining({ version: 2, decision: expect.objectContaining({ notes: 'welcome' }) }),
    ]);
    expect(await db.collection(COLLECTIONS.metrics).find({}).toArray()).toEqual([
      expect.objectContaining({ amendments: 1, late: true }),
    ]);
    await a.recordPhase(SLUG, 'announced' as never);
    expect((await getCollaborative(db, SLUG)).phase).toBe('announced');
    expect(await db.collection(COLLECTIONS.collaboratives).countDocuments()).toBe(1);
  });

  it('an older version of an application written late does not overwrite a newer one', async () => {
    const { db } = dbh;
    const a = activities(db);
    await a.recordApplication(SLUG, applicationFor('S1', 'new@site.example.org'), 2);
    await a.recordApplication(SLUG, applicationFor('S1', 'old@site.example.org'), 1);
    expect((await applicationOf(db, SLUG, 'S1'))?.version).toBe(2);
    await a.recordApplication(SLUG, applicationFor('S1', 'newer@site.example.org'), 3);
    expect((await applicationOf(db, SLUG, 'S1'))?.version).toBe(3);
    expect(await db.collection(COLLECTIONS.applications).countDocuments()).toBe(1);
    // Sites by _id, an unknown one absent.
    expect(await getSites(db, ['nope'])).toEqual([]);
  });
});
