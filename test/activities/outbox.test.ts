/** The outbox against the real MongoDB-wire server and a real SMTP server. */
import { ApplicationFailure } from '@temporalio/common';
import { COLLECTIONS } from '../../activities/db';
import { createTransport, Outbox, type OutboxDoc, type OutgoingEmail } from '../../activities/outbox';
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

  it('leaves a transient failure claimed, and delivers on the retry', async () => {
    sink.rejectWith = { code: 451, message: 'Try again later' };
    const err = await outbox.send(email('c1:announcement:later', 'later@site.example.org')).catch((e) => e);
    expect(err).not.toBeInstanceOf(ApplicationFailure);
    sink.rejectWith = undefined;
    expect(await outbox.send(email('c1:announcement:later', 'later@site.example.org'))).toBe('sent');
    expect(sink.to('later@site.example.org')).toHaveLength(1);
  });
});
