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
  error?: string;
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
  ) {}

  private get col() {
    return this.db.collection<OutboxDoc>(COLLECTIONS.outbox);
  }

  /** Sends the email unless its key was sent before. */
  async send(email: OutgoingEmail): Promise<'sent' | 'already-sent'> {
    const messageId = messageIdFor(email.key, this.from);
    const existing = await this.claim(email, messageId);
    if (existing?.status === 'sent') return 'already-sent';
    if (existing?.status === 'failed') {
      throw ApplicationFailure.nonRetryable(`email ${email.key} failed permanently before: ${existing.error}`, 'EmailFailed');
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
        headers: { 'X-LC-Key': email.key },
      });
    } catch (err) {
      const message = (err as Error).message;
      if (isPermanentSmtpError(err)) {
        await this.col.updateOne({ key: email.key }, { $set: { status: 'failed', failedAt: new Date(), error: message } });
        throw ApplicationFailure.nonRetryable(`email to ${email.to} rejected: ${message}`, 'EmailRejected');
      }
      await this.col.updateOne({ key: email.key }, { $set: { error: message } });
      throw err; // transient: the activity retries with backoff
    }
    await this.col.updateOne({ key: email.key }, { $set: { status: 'sent', sentAt: new Date() }, $unset: { error: '' } });
    return 'sent';
  }

  /** Inserts the claim; returns the earlier record when the key was claimed before. */
  private async claim(email: OutgoingEmail, messageId: string): Promise<OutboxDoc | undefined> {
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
        claimedAt: new Date(),
      });
      return undefined;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const doc = await this.col.findOneAndUpdate({ key: email.key }, { $inc: { attempts: 1 } }, { returnDocument: 'before' });
      return doc ?? undefined;
    }
  }

  async log(collaborative: string): Promise<OutboxDoc[]> {
    return this.col.find({ collaborative }, { projection: { _id: 0 } }).sort({ claimedAt: 1 }).toArray();
  }
}
