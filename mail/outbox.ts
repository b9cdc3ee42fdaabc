/**
 * Exactly-once email: each email has a business key (collaborative + purpose + recipient + period).
 * The outbox record is claimed just before the SMTP send and marked sent as soon as the server
 * accepts it, so a retried activity finds the record sent and does not send again. The Message-ID
 * is derived from the key, so even the narrow window "SMTP server accepted the DATA, the worker
 * died before it recorded 'sent'" produces a resend with the same Message-ID, which receiving
 * systems treat as the same message.
 *
 * The record's `_id` is its business key: on MongoDB a claim, a take-over and a mark-sent are one
 * primary-key lookup; on FerretDB 1.24 (SQLite) too, with the provisioning step's patch that makes
 * its pushed-down `_id` filter match its `_id` index (README, Performance).
 * Records written before that have an ObjectId `_id`; they are still found by `key`.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AnyBulkWriteOperation, Collection, Db, Filter, ObjectId } from 'mongodb';
import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import SMTPPool from 'nodemailer/lib/smtp-pool';
import { COLLECTIONS, isDuplicateKey, LOOKUP_CONCURRENCY, mapLimited, upsertById } from '../store/db';
import { groupBulk, groupInserts, type GroupWriter } from '../store/group-write';
import { ids } from '../store/keys';
import { noDelaySocket } from './smtp-socket';

export type EmailStatus = 'claimed' | 'sent' | 'failed';

export interface OutgoingEmail {
  key: string;
  collaborative: string;
  purpose: string;
  template: string;
  to: string;
  toName?: string;
  subject: string;
  html: string;
  text: string;
  replyTo?: string;
  /** A calendar invite (text/calendar with METHOD) for nodemailer's icalEvent. */
  icalEvent?: { method: string; filename: string; content: string };
  attachments?: { filename: string; content: string; contentType: string }[];
  /** When the business event happened in workflow time (differs from the clock under time skipping). */
  eventTime?: Date;
}

export interface OutboxDoc {
  /** The business key, once more as the id (an ObjectId on records written before it was). */
  _id?: string | ObjectId;
  key: string;
  collaborative: string;
  purpose: string;
  template: string;
  to: string;
  subject: string;
  status: EmailStatus;
  messageId: string;
  attempts: number;
  claimedAt: Date;
  sentAt?: Date;
  failedAt?: Date;
  eventTime?: Date;
  error?: string;
  /** While `claimed`: until when the attempt that claimed it holds it (then another may take over). */
  leaseUntil?: Date;
}

/** An email's subject and body as sent, its personal links masked (see `Outbox.keepBody`). */
export interface EmailBodyDoc {
  _id: string;
  collaborative: string;
  subject: string;
  html: string;
  text: string;
  /** The calendar file it carried, if any. */
  calendar?: string;
}

/** The text that stands for a signed link in a kept body. */
export const MASKED_LINK = 'personal-link-not-shown';

/** Replaces the token of every signed link (`/apply/<token>`, `/team/…`, `/join/…`, `/signin/…`). */
export function maskLinks(s: string): string {
  return s.replace(/(\/(?:apply|team|join|signin)\/)[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, `$1${MASKED_LINK}`);
}

type OutboxRecord = OutboxDoc & { _id: string | ObjectId };

/** What the outbox knows of a key before sending it (see `Outbox.statuses`). */
export interface KeyStatus {
  status: EmailStatus;
  leaseUntil?: Date;
}

/** The activity attempt running this code, if any: its heartbeat timeout bounds a claim's lease. */
function heartbeatTimeoutMs(): number | undefined {
  try {
    return Context.current().info.heartbeatTimeoutMs || undefined;
  } catch {
    return undefined; // not in an activity (scripts, tests)
  }
}

/**
 * Which attempt of its activity this is, if in one. A first attempt has sent nothing of its own
 * yet, so a bulk send skips the status check (one lookup per email) and lets each claim find
 * what another run sent (a duplicate key: read once then).
 */
export function activityAttempt(): number | undefined {
  try {
    return Context.current().info.attempt;
  } catch {
    return undefined;
  }
}

export interface MailerOptions {
  smtpUrl: string;
  from: string;
  /** Messages per second at most (nodemailer pool rate limit); 0 for none. */
  ratePerSecond?: number;
  maxConnections?: number;
}

/**
 * SMTP connections a transport keeps open by default. Each is also one message that a worker
 * killed mid-send may have handed to the server without learning it was accepted (see
 * test/reliability/worker-kill.test.ts).
 */
export const DEFAULT_SMTP_CONNECTIONS = 3;

export function createTransport(o: MailerOptions): Transporter {
  // A pool, built directly: nodemailer.createTransport({ url, pool, … }) keeps only what the URL
  // says and drops every other option, so it made a plain transport (a new connection for every
  // message, as many at once as the activity sends, no rate limit, no timeouts). SMTPPool reads
  // the host, port, TLS and auth from `url` and keeps the rest.
  return nodemailer.createTransport(
    new SMTPPool({
      url: o.smtpUrl,
      pool: true,
      maxConnections: o.maxConnections ?? DEFAULT_SMTP_CONNECTIONS,
      ...(o.ratePerSecond ? { rateDelta: 1000, rateLimit: o.ratePerSecond } : {}),
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
      getSocket: noDelaySocket, // TCP_NODELAY: see smtp-socket.ts
    }),
  );
}

export function messageIdFor(key: string, from: string): string {
  const domain = from.split('@')[1]?.replace(/[>\s]/g, '') || 'lc-orchestrator.local';
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 40)}@${domain}>`;
}

/** SMTP replies 5xx and rejected envelopes are permanent: retrying cannot help. */
export function isPermanentSmtpError(err: unknown): boolean {
  const e = err as { responseCode?: number; code?: string };
  if (typeof e.responseCode === 'number') return e.responseCode >= 500;
  return e.code === 'EENVELOPE' || e.code === 'EMESSAGE';
}

export class Outbox {
  constructor(
    private readonly db: Db,
    private readonly transport: Transporter,
    private readonly from: string,
    /**
     * How long one sending attempt holds its claim when it runs outside an activity, or in one
     * without a heartbeat timeout. In an activity with a heartbeat timeout the lease is that
     * timeout: the attempt holds its claims as long as the server considers it alive, and once
     * the server has given up on it (and retries the activity) they have lapsed, so the retry
     * takes them over at once instead of backing off on "being sent by another attempt".
     */
    private readonly leaseMs = 60_000,
  ) {
    // The emails in flight share their writes (store/group-write.ts): each claim, body and
    // mark-sent is still written before the step that depends on it, only with the others'.
    this.claims = groupInserts(this.col);
    this.bodies = groupInserts(db.collection<EmailBodyDoc>(COLLECTIONS.emailBodies));
    this.marks = groupBulk(this.col);
  }

  private readonly claims: GroupWriter<OutboxRecord>;
  private readonly bodies: GroupWriter<EmailBodyDoc>;
  private readonly marks: GroupWriter<AnyBulkWriteOperation<OutboxRecord>>;

  /** The lease a claim made now gets. */
  private lease(): number {
    return heartbeatTimeoutMs() ?? this.leaseMs;
  }

  /** Told of every delivery's outcome (the worker counts them for /metrics). */
  onOutcome?: (e: { purpose: string; outcome: 'sent' | 'already-sent' | 'failed' }) => void;

  private get col(): Collection<OutboxRecord> {
    return this.db.collection<OutboxRecord>(COLLECTIONS.outbox);
  }

  /**
   * The recorded status of those of `keys` that have a record: a bulk send skips what was sent (or
   * refused) before instead of claiming once per recipient, and sends what another attempt holds
   * last. One `findOne({_id: key})` per key, `LOOKUP_CONCURRENCY` at once: the only filter
   * FerretDB 1.24 answers from an index (`{key: {$in}}` and `{_id: {$in}}` both scan the outbox).
   * A record in the old shape (ObjectId `_id`, rewritten by the startup migration, db.ts) is not
   * seen here; its key is then claimed like a new one, and the claim finds it by `key`.
   */
  async statuses(keys: string[]): Promise<Map<string, KeyStatus>> {
    const out = new Map<string, KeyStatus>();
    const unique = [...new Set(keys)];
    const docs = await mapLimited(unique, LOOKUP_CONCURRENCY, (key) =>
      this.col.findOne(
        { _id: ids.outbox(key) },
        { projection: { _id: 0, key: 1, status: 1, leaseUntil: 1 } },
      ),
    );
    for (const d of docs) if (d) out.set(d.key, { status: d.status, leaseUntil: d.leaseUntil });
    return out;
  }

  /** Counts an outcome known without calling `deliver` (a key a bulk send found already sent). */
  counted(purpose: string, outcome: 'already-sent' | 'failed'): void {
    this.onOutcome?.({ purpose, outcome });
  }

  /**
   * Sends like `send`, but a permanent failure (an address the server refuses) is an outcome,
   * not an error: one bad address must not stop a bulk send, nor fail the workflow that asked.
   * The failure is on the email log and on the person (`bounces`), for the coordinator to see.
   */
  async deliver(email: OutgoingEmail): Promise<'sent' | 'already-sent' | 'failed'> {
    const outcome = await this.deliverOnce(email);
    this.onOutcome?.({ purpose: email.purpose, outcome });
    return outcome;
  }

  private async deliverOnce(email: OutgoingEmail): Promise<'sent' | 'already-sent' | 'failed'> {
    try {
      return await this.send(email);
    } catch (err) {
      if (!(err instanceof ApplicationFailure) || !err.nonRetryable) throw err;
      if (err.type !== 'EmailRejected') return 'failed'; // refused before: recorded then
      await upsertById(
        this.db,
        COLLECTIONS.bounces,
        ids.bounce(email.to),
        { email: email.to },
        {
          $set: { lastError: err.message, lastAt: new Date(), lastKey: email.key },
          $inc: { count: 1 },
          // Which programmes' emails bounced, and which ones: the overview lists them without
          // reading the outbox (a scan on FerretDB), from this small collection.
          $addToSet: { collaboratives: email.collaborative, keys: email.key },
        },
      );
      return 'failed';
    }
  }

  /** Sends the email unless its key was sent before (or is being sent right now by another attempt). */
  async send(email: OutgoingEmail): Promise<'sent' | 'already-sent'> {
    const messageId = messageIdFor(email.key, this.from);
    // The body beside the claim, both before the SMTP send: an email sent has its body kept.
    const [claimed, kept] = await Promise.allSettled([this.claim(email, messageId), this.keepBody(email)]);
    if (claimed.status === 'rejected') throw claimed.reason;
    const claim = claimed.value;
    if (claim === 'sent') return 'already-sent';
    const ref = claim.ref;
    try {
      if (kept.status === 'rejected') throw kept.reason;
      if (kept.value.existed) await this.rewriteBody(kept.value.doc); // a retry sends: its body is the one sent
    } catch (err) {
      // Not sent: release the lease so the activity's retry can claim it again at once.
      await this.col.updateOne(ref, { $set: { error: (err as Error).message, leaseUntil: new Date(0) } });
      throw err;
    }
    try {
      await this.transport.sendMail({
        from: this.from,
        to: email.toName ? { name: email.toName, address: email.to } : email.to,
        replyTo: email.replyTo,
        subject: email.subject,
        html: email.html,
        text: email.text,
        messageId,
        icalEvent: email.icalEvent,
        attachments: email.attachments,
        headers: {
          'X-LC-Key': email.key,
          ...(email.eventTime ? { 'X-LC-Event-Time': email.eventTime.toISOString() } : {}),
        },
      });
    } catch (err) {
      const message = (err as Error).message;
      if (isPermanentSmtpError(err)) {
        await this.col.updateOne(ref, { $set: { status: 'failed', failedAt: new Date(), error: message } });
        throw ApplicationFailure.nonRetryable(`email to ${email.to} rejected: ${message}`, 'EmailRejected');
      }
      // Transient: release the lease so the activity's retry can claim it again at once.
      await this.col.updateOne(ref, { $set: { error: message, leaseUntil: new Date(0) } });
      throw err;
    }
    // At once: until this write reaches the database, a SIGKILL means a resend (same Message-ID).
    await this.untilRecorded(() =>
      this.marks.write({
        updateOne: {
          filter: ref,
          update: { $set: { status: 'sent', sentAt: new Date() }, $unset: { error: '', leaseUntil: '' } },
        },
      }),
    );
    return 'sent';
  }

  /**
   * Keeps what is sent for the email centre, beside the outbox record (so the log's list reads
   * none of it). The signed links in it are masked: they are the recipient's keys, not the
   * coordinator's. Idempotent by the email's key: an insert, grouped with the other emails' in
   * flight; a duplicate key (a retry, or a key sent before) leaves the record, and `send`
   * rewrites it only once its claim says this attempt sends.
   */
  private async keepBody(email: OutgoingEmail): Promise<{ doc: EmailBodyDoc; existed: boolean }> {
    const body: EmailBodyDoc = {
      _id: ids.outbox(email.key),
      collaborative: email.collaborative,
      subject: email.subject,
      html: maskLinks(email.html),
      text: maskLinks(email.text),
      ...(email.icalEvent ? { calendar: email.icalEvent.filename } : {}),
    };
    try {
      await this.bodies.write(body);
      return { doc: body, existed: false };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return { doc: body, existed: true };
    }
  }

  private async rewriteBody(body: EmailBodyDoc): Promise<void> {
    await this.db
      .collection<EmailBodyDoc>(COLLECTIONS.emailBodies)
      .replaceOne({ _id: body._id }, body, { upsert: true });
  }

  /**
   * The write that records an email the SMTP server accepted. It must not be lost to a database
   * that is away for a moment: the activity's retry would find the key still claimed, wait for the
   * lease to lapse, and send the email again. So it is retried here, for as long as a lease lasts.
   */
  private async untilRecorded<T>(write: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.leaseMs;
    for (;;) {
      try {
        return await write();
      } catch (err) {
        if (Date.now() >= deadline) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /**
   * Claims the key for one sending attempt. A claim holds a lease: while it runs, other attempts
   * back off (a retryable error); once it lapses (the worker died mid-send), the next attempt
   * takes over and sends with the same Message-ID. Returns the claimed record's filter (by `_id`).
   */
  private async claim(
    email: OutgoingEmail,
    messageId: string,
  ): Promise<{ ref: Filter<OutboxRecord> } | 'sent'> {
    const now = new Date();
    const leaseUntil = new Date(now.getTime() + this.lease());
    try {
      await this.claims.write({
        _id: ids.outbox(email.key),
        key: email.key,
        collaborative: email.collaborative,
        purpose: email.purpose,
        template: email.template,
        to: email.to,
        subject: email.subject,
        status: 'claimed',
        messageId,
        attempts: 1,
        claimedAt: now,
        ...(email.eventTime ? { eventTime: email.eventTime } : {}),
        leaseUntil,
      });
      return { ref: { _id: ids.outbox(email.key) } };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    // The key's record, by `_id`; a record from before `_id` was the key, by `key` (a scan).
    let doc = await this.col.findOne({ _id: ids.outbox(email.key) });
    doc ??= await this.col.findOne({ key: email.key });
    if (!doc) throw new Error(`email ${email.key}: its outbox record vanished while claiming it`);
    const ref: Filter<OutboxRecord> = { _id: doc._id };
    if (doc.status === 'claimed') {
      const takenOver = await this.col.findOneAndUpdate(
        { ...ref, status: 'claimed', leaseUntil: { $lt: now } },
        { $set: { leaseUntil }, $inc: { attempts: 1 } },
      );
      if (takenOver) return { ref };
      doc = (await this.col.findOne(ref)) ?? doc;
    }
    if (doc.status === 'sent') return 'sent';
    if (doc.status === 'failed')
      throw ApplicationFailure.nonRetryable(
        `email ${email.key} failed permanently before: ${doc.error}`,
        'EmailFailed',
      );
    throw ApplicationFailure.retryable(
      `email ${email.key} is being sent by another attempt`,
      'EmailInFlight',
    );
  }

  async log(collaborative: string): Promise<OutboxDoc[]> {
    return this.col
      .find({ collaborative }, { projection: { _id: 0 } })
      .sort({ claimedAt: 1 })
      .toArray();
  }
}
