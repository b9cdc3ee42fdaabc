/** The outbox against the real MongoDB-wire server and a real SMTP server. */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { failedEmailsOf } from '../../mail/email-failures';
import { deliverEach, forEachLimited } from '../../mail/delivery';
import { createTransport, Outbox, type OutboxDoc, type OutgoingEmail } from '../../mail/outbox';
import { COLLECTIONS, migrateRecordIds } from '../../store/db';
import { freePort } from '../../tools/services';
import { MAIL_FROM, testDb } from '../helpers/env';
import { SmtpSink } from '../helpers/smtp-sink';

describe('outbox', () => {
  let sink: SmtpSink;
  let dbh: Awaited<ReturnType<typeof testDb>>;
  let outbox: Outbox;
  let transport: ReturnType<typeof createTransport>;

  beforeAll(async () => {
    sink = await new SmtpSink().start();
    dbh = await testDb('outbox');
    transport = createTransport({ smtpUrl: sink.url, from: MAIL_FROM });
    outbox = new Outbox(dbh.db, transport, MAIL_FROM);
  });
  afterAll(async () => {
    transport.close();
    await sink.stop();
    await dbh.close();
  });

  const email = (key: string, to = 'pi@site.example.org'): OutgoingEmail => ({
    key,
    collaborative: 'c1',
    purpose: 'announcement',
    template: 'announcement',
    to,
    subject: `Subject ${key}`,
    html: '<p>hello</p>',
    text: 'hello',
  });

  it('sends an email once however often the same business event is sent', async () => {
    const results = [
      await outbox.send(email('c1:announcement:a')),
      await outbox.send(email('c1:announcement:a')),
    ];
    expect(results).toEqual(['sent', 'already-sent']);
    // Two attempts racing for a new key: one sends, the other backs off (a retryable error).
    const race = await Promise.allSettled([
      outbox.send(email('c1:announcement:a')),
      outbox.send(email('c1:announcement:a')),
    ]);
    expect(race.map((r) => (r.status === 'fulfilled' ? r.value : 'error'))).toEqual([
      'already-sent',
      'already-sent',
    ]);
    const fresh = await Promise.allSettled([
      outbox.send(email('c1:announcement:b')),
      outbox.send(email('c1:announcement:b')),
    ]);
    expect(fresh.filter((r) => r.status === 'fulfilled' && r.value === 'sent')).toHaveLength(1);
    const loser = fresh.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    if (loser) expect((loser.reason as ApplicationFailure).nonRetryable).toBe(false);
    expect(sink.received.filter((m) => m.parsed.subject === 'Subject c1:announcement:b')).toHaveLength(1);
    const got = sink.received.filter((m) => m.parsed.subject === 'Subject c1:announcement:a');
    expect(got).toHaveLength(1);
    const doc = await dbh.db.collection<OutboxDoc>(COLLECTIONS.outbox).findOne({ key: 'c1:announcement:a' });
    expect(doc).toMatchObject({ status: 'sent', to: 'pi@site.example.org' });
    // Message-ID is derived from the business key, so a resend would carry the same one.
    expect(got[0]!.parsed.messageId).toBe(doc!.messageId);
    expect(got[0]!.parsed.headers.get('x-lc-key')).toBe('c1:announcement:a');
  });

  it('sends nothing when the body cannot be kept, and frees the claim for the retry at once', async () => {
    // A body over MongoDB's 16 MiB document limit: its write fails, the claim's (no body) does not.
    const big = { ...email('c1:announcement:too-big'), html: `<p>${'x'.repeat(17 * 1024 * 1024)}</p>` };
    await expect(outbox.send(big)).rejects.toThrow();
    const doc = await dbh.db
      .collection<OutboxDoc>(COLLECTIONS.outbox)
      .findOne({ key: 'c1:announcement:too-big' });
    expect(doc).toMatchObject({ status: 'claimed', leaseUntil: new Date(0) });
    expect(sink.received.filter((m) => m.parsed.subject === 'Subject c1:announcement:too-big')).toEqual([]);
    // The retry, with a body that fits, sends it once.
    expect(await outbox.send(email('c1:announcement:too-big'))).toBe('sent');
  });

  it('records a permanent SMTP refusal as failed and does not retry it', async () => {
    sink.rejectWith = { code: 550, message: 'No such user' };
    try {
      const err = await outbox.send(email('c1:announcement:gone', 'gone@site.example.org')).catch((e) => e);
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect((err as ApplicationFailure).nonRetryable).toBe(true);
      const doc = await dbh.db
        .collection<OutboxDoc>(COLLECTIONS.outbox)
        .findOne({ key: 'c1:announcement:gone' });
      expect(doc).toMatchObject({ status: 'failed' });
      expect(doc!.error).toMatch(/No such user/);
    } finally {
      sink.rejectWith = undefined;
    }
    // a later attempt for the same event is refused without contacting the server
    const again = await outbox.send(email('c1:announcement:gone', 'gone@site.example.org')).catch((e) => e);
    expect((again as ApplicationFailure).nonRetryable).toBe(true);
    expect(sink.to('gone@site.example.org')).toHaveLength(0);
  });

  it('lets a later attempt take over a claim whose lease lapsed (the sender died), with the same Message-ID', async () => {
    const shortLease = new Outbox(dbh.db, transport, MAIL_FROM, 50);
    const key = 'c1:announcement:crashed';
    // what a worker killed between claiming and marking sent leaves behind
    await dbh.db.collection(COLLECTIONS.outbox).insertOne({
      key,
      collaborative: 'c1',
      purpose: 'announcement',
      template: 'announcement',
      to: 'crash@site.example.org',
      subject: 'x',
      status: 'claimed',
      messageId: 'ignored',
      attempts: 1,
      claimedAt: new Date(),
      leaseUntil: new Date(Date.now() + 50),
    });
    const early = await shortLease.send(email(key, 'crash@site.example.org')).catch((e) => e);
    expect((early as ApplicationFailure).type).toBe('EmailInFlight');
    await new Promise((r) => setTimeout(r, 80));
    expect(await shortLease.send(email(key, 'crash@site.example.org'))).toBe('sent');
    expect(sink.to('crash@site.example.org')).toHaveLength(1);
  });

  it('keeps the body of the attempt that sent: not one that found it sent, but a retry that sends', async () => {
    const bodies = dbh.db.collection<{ _id: string; text: string }>(COLLECTIONS.emailBodies);
    const key = 'c1:announcement:body';
    expect(await outbox.send({ ...email(key, 'body@site.example.org'), text: 'first' })).toBe('sent');
    expect(await outbox.send({ ...email(key, 'body@site.example.org'), text: 'again' })).toBe('already-sent');
    expect((await bodies.findOne({ _id: key }))?.text).toBe('first');
    // An attempt that failed for a moment kept its body; the retry sends another, and keeps that.
    sink.rejectWith = { code: 451, message: 'Try again later' };
    const retried = 'c1:announcement:body-retried';
    await outbox.send({ ...email(retried, 'body2@site.example.org'), text: 'before' }).catch(() => undefined);
    sink.rejectWith = undefined;
    expect(await outbox.send({ ...email(retried, 'body2@site.example.org'), text: 'retry' })).toBe('sent');
    expect((await bodies.findOne({ _id: retried }))?.text).toBe('retry');
  });

  it('leaves a transient failure claimed, and delivers on the retry', async () => {
    sink.rejectWith = { code: 451, message: 'Try again later' };
    const err = await outbox.send(email('c1:announcement:later', 'later@site.example.org')).catch((e) => e);
    expect(err).not.toBeInstanceOf(ApplicationFailure);
    sink.rejectWith = undefined;
    expect(await outbox.send(email('c1:announcement:later', 'later@site.example.org'))).toBe('sent');
    expect(sink.to('later@site.example.org')).toHaveLength(1);
  });

  it('keys each record by its business key (_id), and still finds a record written before that', async () => {
    expect(await outbox.send(email('c1:announcement:by-id', 'byid@site.example.org'))).toBe('sent');
    const raw = await dbh.db.collection(COLLECTIONS.outbox).findOne({ key: 'c1:announcement:by-id' });
    expect(raw!._id).toBe('c1:announcement:by-id');
    // an older record (ObjectId _id), claimed by a worker that died: taken over, sent once, marked
    const key = 'c1:announcement:legacy';
    await dbh.db.collection(COLLECTIONS.outbox).insertOne({
      key,
      collaborative: 'c1',
      purpose: 'announcement',
      template: 'announcement',
      to: 'legacy@site.example.org',
      subject: 'x',
      status: 'claimed',
      messageId: 'ignored',
      attempts: 1,
      claimedAt: new Date(),
      leaseUntil: new Date(Date.now() - 1),
    });
    expect(await outbox.send(email(key, 'legacy@site.example.org'))).toBe('sent');
    expect(await outbox.send(email(key, 'legacy@site.example.org'))).toBe('already-sent');
    const docs = await dbh.db.collection<OutboxDoc>(COLLECTIONS.outbox).find({ key }).toArray();
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ status: 'sent', attempts: 2 });
    expect(sink.to('legacy@site.example.org')).toHaveLength(1);
    // The status check looks keys up by `_id` only (FerretDB answers nothing else from an index):
    // a record in the old shape is not seen there (its claim, above, finds it by `key`) until the
    // startup migration has given it its `_id` (store/db.ts migrateRecordIds).
    expect(await outbox.statuses([key, 'c1:announcement:by-id', 'c1:nothing'])).toEqual(
      new Map([['c1:announcement:by-id', { status: 'sent' }]]),
    );
    await migrateRecordIds(dbh.db);
    expect(await outbox.statuses([key, 'c1:announcement:by-id', 'c1:nothing'])).toEqual(
      new Map([
        [key, { status: 'sent' }],
        ['c1:announcement:by-id', { status: 'sent' }],
      ]),
    );
    expect(await outbox.send(email(key, 'legacy@site.example.org'))).toBe('already-sent');
    expect(await dbh.db.collection(COLLECTIONS.outbox).find({ key }).toArray()).toEqual([
      expect.objectContaining({ _id: key, status: 'sent' }),
    ]);
  });

  it('treats an SMTP server that is down as transient: the retry delivers once it is back', async () => {
    const down = createTransport({ smtpUrl: `smtp://127.0.0.1:${await freePort()}`, from: MAIL_FROM });
    try {
      const key = 'c1:announcement:server-down';
      const err = await new Outbox(dbh.db, down, MAIL_FROM)
        .deliver(email(key, 'down@site.example.org'))
        .catch((e) => e);
      // not an outcome but an error the activity fails with, so Temporal retries it with backoff
      expect(err).not.toBeInstanceOf(ApplicationFailure);
      expect((err as Error).message).toMatch(/ECONNREFUSED/);
      const doc = await dbh.db.collection<OutboxDoc>(COLLECTIONS.outbox).findOne({ key });
      expect(doc).toMatchObject({ status: 'claimed', error: expect.stringMatching(/ECONNREFUSED/) });
      expect(doc!.leaseUntil!.getTime()).toBe(0); // released: the retry need not wait for the lease
      expect(await dbh.db.collection('bounces').findOne({ email: 'down@site.example.org' })).toBeNull();
      // the server answers again (the retry's transport reaches it)
      expect(await outbox.deliver(email(key, 'down@site.example.org'))).toBe('sent');
      expect(await outbox.deliver(email(key, 'down@site.example.org'))).toBe('already-sent');
      expect(sink.to('down@site.example.org')).toHaveLength(1);
      const sent = await dbh.db.collection<OutboxDoc>(COLLECTIONS.outbox).findOne({ key });
      expect(sent).toMatchObject({ status: 'sent', attempts: 2 });
      expect(sent!.error).toBeUndefined();
    } finally {
      down.close();
    }
  });

  it('records a permanent refusal on the email log and the person, once, without retrying', async () => {
    const to = 'nobody@site.example.org';
    const key = 'c1:announcement:nobody';
    sink.refuse.add(to);
    expect(await outbox.deliver(email(key, to))).toBe('failed');
    expect(await outbox.deliver(email(key, to))).toBe('failed'); // a retry: not sent, not counted again
    expect(sink.to(to)).toHaveLength(0);
    const doc = await dbh.db.collection<OutboxDoc>(COLLECTIONS.outbox).findOne({ key });
    expect(doc).toMatchObject({ status: 'failed', error: expect.stringMatching(/550.*no such mailbox/) });
    const bounce = await dbh.db.collection('bounces').findOne({ email: to });
    expect(bounce).toMatchObject({
      count: 1,
      lastKey: key,
      lastError: expect.stringMatching(/550/),
      collaboratives: ['c1'],
      keys: [key],
    });
    // The programme's failed emails, read without a scan of the outbox; another's are not its.
    const other = { ...email('c2:announcement:nobody', to), collaborative: 'c2' };
    expect(await outbox.deliver(other)).toBe('failed');
    expect(await failedEmailsOf(dbh.db, 'c1')).toEqual([
      expect.objectContaining({ key, to, subject: `Subject ${key}`, error: expect.stringMatching(/550/) }),
    ]);
    expect((await failedEmailsOf(dbh.db, 'c2')).map((f) => f.key)).toEqual(['c2:announcement:nobody']);
    expect(await failedEmailsOf(dbh.db, 'c3')).toEqual([]);
  });

  it("sends a bulk once in an activity's first attempt too, which asks nothing ahead: each claim finds what was sent", async () => {
    const to = (i: number) => `first${i}@site.example.org`;
    const items = Array.from({ length: 8 }, (_, i) => i);
    const o = {
      concurrency: 3,
      purpose: 'announcement',
      key: (i: number) => `c1:first:${i}`,
      email: (i: number, key: string) => email(key, to(i)),
    };
    // Another activity sent three of these keys before (the same business event twice).
    for (const i of [0, 3, 6]) await outbox.send(email(o.key(i), to(i)));
    const statuses = jest.spyOn(outbox, 'statuses');
    const r = await new MockActivityEnvironment({ attempt: 1 }).run(() => deliverEach(outbox, items, o));
    expect(r).toEqual({ sent: 5, alreadySent: 3, failed: 0, total: 8 });
    expect(statuses).not.toHaveBeenCalled();
    expect(items.map((i) => sink.to(to(i)).length)).toEqual(items.map(() => 1));
    // A retry (attempt 2) asks first, and sends nothing again.
    const again = await new MockActivityEnvironment({ attempt: 2 }).run(() => deliverEach(outbox, items, o));
    expect(again).toEqual({ sent: 0, alreadySent: 8, failed: 0, total: 8 });
    expect(statuses).toHaveBeenCalledTimes(1);
    statuses.mockRestore();
    expect(items.map((i) => sink.to(to(i)).length)).toEqual(items.map(() => 1));
  });

  it('sends a bulk once: a retry skips what was sent or refused, and stops at the first error', async () => {
    const to = (i: number) => `bulk${i}@site.example.org`;
    const items = Array.from({ length: 12 }, (_, i) => i);
    const o = {
      concurrency: 3,
      purpose: 'announcement',
      key: (i: number) => `c1:bulk:${i}`,
      email: (i: number, key: string) => email(key, to(i)),
    };
    sink.refuse.add(to(1));
    // item 5 is held by a live attempt elsewhere: it goes last, and fails this attempt (retryable)
    await dbh.db.collection(COLLECTIONS.outbox).insertOne({
      _id: 'c1:bulk:5' as never,
      key: 'c1:bulk:5',
      collaborative: 'c1',
      purpose: 'announcement',
      template: 'announcement',
      to: to(5),
      subject: 'x',
      status: 'claimed',
      messageId: 'x',
      attempts: 1,
      claimedAt: new Date(),
      leaseUntil: new Date(Date.now() + 60_000),
    });
    const first = await deliverEach(outbox, items, o).catch((e) => e);
    expect((first as ApplicationFailure).type).toBe('EmailInFlight');
    expect(items.filter((i) => i !== 1 && i !== 5).every((i) => sink.to(to(i)).length === 1)).toBe(true);
    // the other attempt died: its lease lapses, and the retry sends only that one
    await dbh.db
      .collection(COLLECTIONS.outbox)
      .updateOne({ key: 'c1:bulk:5' }, { $set: { leaseUntil: new Date(0) } });
    const seen: number[] = [];
    const retry = await deliverEach(outbox, items, { ...o, progress: (done) => seen.push(done) });
    expect(retry).toEqual({ sent: 1, alreadySent: 10, failed: 1, total: 12 });
    expect(seen).toEqual([11, 12]);
    expect(items.map((i) => sink.to(to(i)).length)).toEqual(items.map((i) => (i === 1 ? 0 : 1)));

    // forEachLimited: nothing new starts after the first error; what was in flight finishes
    const started: number[] = [];
    const finished: number[] = [];
    const err = await forEachLimited(items, 3, async (i) => {
      started.push(i);
      await new Promise((r) => setTimeout(r, i === 4 ? 5 : 30));
      if (i === 4) throw new Error('boom');
      finished.push(i);
    }).catch((e) => e);
    expect((err as Error).message).toBe('boom');
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(finished.sort()).toEqual([0, 1, 2, 3, 5]);
  });
});
