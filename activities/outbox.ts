/**
 * Exactly-once email: each email has a business key (collaborative + purpose + recipient + period).
 * The outbox record is claimed before the SMTP send and marked sent after, so a retried activity
 * finds the record sent and does not send again. The Message-ID is derived from the key, so even
 * the narrow window "SMTP accepted, worker died before marking sent" produces a resend with the
 * same Message-ID, which receiving systems treat as the same message.
 */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from 'mongodb';
import nodemailer, { type Transporter } from 'nodemailer';
import { COLLECTIONS, isDuplicateKey } from './db';

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
  leaseUntil?: Date;
}

export interface MailerOptions {
  smtpUrl: string;
  from: string;
  /** Messages per second at most (nodemailer pool rate limit); 0 for none. */
  ratePerSecond?: number;
  maxConnections?: number;
}

export function createTransport(o: MailerOptions): Transporter {
  // nodemailer reads the host, port, TLS and auth from `url` and merges the pool options.
  const options = {
    url: o.smtpUrl,
    pool: true,
    maxConnections: o.maxConnections ?? 3,
    ...(o.ratePerSecond ? { rateDelta: 1000, rateLimit: o.ratePerSecond } : {}),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  };
  return nodemailer.createTransport(options as Parameters<typeof nodemailer.createTransport>[0]);
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
    /** How long one sending attempt holds its claim: longer than an SMTP send can take. */
    private readonly leaseMs = 60_000,
  ) {}

  /** Told of every delivery's outcome (the worker counts them for /metrics). */
  onOutcome?: (e: { purpose: string; outcome: 'sent' | 'already-sent' | 'failed' }) => void;

  private get col() {
    return this.db.collection<OutboxDoc>(COLLECTIONS.outbox);
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
      await this.db
        .collection(COLLECTIONS.bounces)
        .updateOne(
          { email: email.to },
          { $set: { lastError: err.message, lastAt: new Date(), lastKey: email.key }, $inc: { count: 1 } },
          { upsert: true },
        );
      return 'failed';
    }
  }

  /** Sends the email unless its key was sent before (or is being sent right now by another attempt). */
  async send(email: OutgoingEmail): Promise<'sent' | 'already-sent'> {
    const messageId = messageIdFor(email.key, this.from);
    const claim = await this.claim(email, messageId);
    if (claim === 'sent') return 'already-sent';
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
        await this.col.updateOne(
          { key: email.key },
          { $set: { status: 'failed', failedAt: new Date(), error: message } },
        );
        throw ApplicationFailure.nonRetryable(`email to ${email.to} rejected: ${message}`, 'EmailRejected');
      }
      // Transient: release the lease so the activity's retry can claim it again at once.
      await this.col.updateOne({ key: email.key }, { $set: { error: message, leaseUntil: new Date(0) } });
      throw err;
    }
    await this.col.updateOne(
      { key: email.key },
      { $set: { status: 'sent', sentAt: new Date() }, $unset: { error: '', leaseUntil: '' } },
    );
    return 'sent';
  }

  /**
   * Claims the key for one sending attempt. A claim holds a lease: while it runs, other attempts
   * back off (a retryable error); once it lapses (the worker died mid-send), the next attempt
   * takes over and sends with the same Message-ID.
   */
  private async claim(email: OutgoingEmail, messageId: string): Promise<'claimed' | 'sent'> {
    const now = new Date();
    const leaseUntil = new Date(now.getTime() + this.leaseMs);
    try {
      await this.col.insertOne({
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
      return 'claimed';
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const takenOver = await this.col.findOneAndUpdate(
      { key: email.key, status: 'claimed', leaseUntil: { $lt: now } },
      { $set: { leaseUntil }, $inc: { attempts: 1 } },
    );
    if (takenOver) return 'claimed';
    const doc = await this.col.findOne({ key: email.key });
    if (doc?.status === 'sent') return 'sent';
    if (doc?.status === 'failed')
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
