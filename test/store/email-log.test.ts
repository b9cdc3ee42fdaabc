/**
 * The email centre's reads on FerretDB with 10,000 emails: a page is the database's slice (newest
 * first, the right 50), filters narrow it, and one email is read with its kept body; another
 * collaborative's email is "not found". Also the masking of signed links in kept bodies.
 */
import type { Db } from 'mongodb';
import { emailDetail, emailLog } from '../../app/email-log';
import { maskLinks, type OutboxDoc } from '../../mail/outbox';
import { COLLECTIONS } from '../../store/db';
import { testDb } from '../helpers/env';

const SLUG = 'big-log';
const N = 10_000;
const T0 = Date.parse('2027-02-01T12:00:00Z');

describe('the email log at 10,000 emails', () => {
  let dbh: Awaited<ReturnType<typeof testDb>>;
  let db: Db;

  beforeAll(async () => {
    dbh = await testDb('email_log');
    db = dbh.db;
    await db.collection(COLLECTIONS.collaboratives).insertOne({
      _id: SLUG as never,
      slug: SLUG,
      config: { timeZone: 'America/Chicago' },
    });
    // Email i was claimed i seconds after T0; every 100th failed; recipients cycle over 40 people.
    const docs: (OutboxDoc & { _id: string })[] = Array.from({ length: N }, (_, i) => ({
      _id: `${SLUG}:notice-${i}:p${i % 40}@x.org`,
      key: `${SLUG}:notice-${i}:p${i % 40}@x.org`,
      collaborative: SLUG,
      purpose: i % 2 ? 'metrics-reminder' : 'session-reminder',
      template: i % 2 ? 'metrics-reminder' : 'session-reminder',
      to: `p${i % 40}@x.org`,
      subject: `Email ${i}`,
      status: i % 100 === 0 ? 'failed' : 'sent',
      messageId: `<m${i}@x.org>`,
      attempts: 1,
      claimedAt: new Date(T0 + i * 1000),
      ...(i % 100 === 0 ? { failedAt: new Date(T0 + i * 1000), error: '550 no such user' } : {}),
    }));
    const outbox = db.collection<OutboxDoc & { _id: string }>(COLLECTIONS.outbox);
    for (let i = 0; i < N; i += 1000) await outbox.insertMany(docs.slice(i, i + 1000));
    await outbox.insertOne({
      ...docs[0]!,
      _id: 'other:x:p0@x.org',
      key: 'other:x:p0@x.org',
      collaborative: 'other',
    });
    await db.collection(COLLECTIONS.emailBodies).insertOne({
      _id: docs[5]!._id as never,
      collaborative: SLUG,
      subject: 'Email 5',
      html: '<p>Hello</p>',
      text: 'Hello',
    });
  }, 300_000);
  afterAll(() => dbh?.close());

  test('a page is the database slice: newest first, 50 of them, and how many pages there are', async () => {
    const started = Date.now();
    const log = await emailLog(db, SLUG, { limit: 50, page: 3 });
    const ms = Date.now() - started;
    expect(log.total).toBe(N);
    expect(log.matching).toBe(N);
    expect(log.pages).toBe(200);
    expect(log.counts).toEqual({ sent: N - 100, failed: 100, claimed: 0 });
    // Page 3: the 101st to 150th newest, i.e. emails 9899 down to 9850.
    expect(log.emails.map((e) => e.subject)).toEqual(
      Array.from({ length: 50 }, (_, k) => `Email ${N - 101 - k}`),
    );
    expect(log.timeZone).toBe('America/Chicago');
    console.log(`email log page 3 of 200 at ${N} emails: ${ms} ms`);
  });

  test('filters: by kind, status and person, together; the last page is short', async () => {
    const log = await emailLog(db, SLUG, {
      purpose: 'session-reminder',
      status: 'failed',
      to: 'p0@x.org',
      limit: 20,
    });
    // Failed: every 100th (all even, so session reminders); to p0: i % 40 === 0, which every 100th… i % 200 === 0.
    expect(log.matching).toBe(50);
    expect(log.pages).toBe(3);
    expect(log.emails.every((e) => e.to === 'p0@x.org' && e.status === 'failed' && e.error)).toBe(true);
    const last = await emailLog(db, SLUG, {
      purpose: 'session-reminder',
      status: 'failed',
      to: 'p0@x.org',
      limit: 20,
      page: 3,
    });
    expect(last.emails.map((e) => e.subject)).toEqual(
      Array.from({ length: 10 }, (_, k) => `Email ${1800 - 200 * k}`),
    );
  });

  test('one email with its kept body; one without; another collaborative’s is not found', async () => {
    const five = await emailDetail(db, SLUG, `${SLUG}:notice-5:p5@x.org`);
    expect(five.subject).toBe('Email 5');
    expect(five.body).toEqual({ html: '<p>Hello</p>', text: 'Hello' });
    expect((await emailDetail(db, SLUG, `${SLUG}:notice-6:p6@x.org`)).body).toBeUndefined();
    await expect(emailDetail(db, SLUG, 'other:x:p0@x.org')).rejects.toThrow(/no email/);
    await expect(emailDetail(db, SLUG, 'nothing')).rejects.toThrow(/no email/);
  });

  test('kept bodies mask every signed link, and nothing else', () => {
    const token = 'eyJwIjoidGVhbSJ9.c2lnbmF0dXJlLWJ5dGVz_-x';
    expect(
      maskLinks(
        `Open https://lc.example.org/team/${token}?period=2027-01 or /apply/${token} or /signin/${token}.`,
      ),
    ).toBe(
      'Open https://lc.example.org/team/personal-link-not-shown?period=2027-01 or /apply/personal-link-not-shown or /signin/personal-link-not-shown.',
    );
    expect(maskLinks('See https://lc.example.org/programmes/spring and /c/spring.')).toBe(
      'See https://lc.example.org/programmes/spring and /c/spring.',
    );
  });
});
