/** Reports: the email log of a collaborative, filtered, as data. */
import type { Db, Filter } from 'mongodb';
import { emailSchema } from '../domain/common';
import { ValidationError } from '../domain/errors';
import type { EmailStatus, OutboxDoc } from '../mail/outbox';
import { findProgramme, type CollaborativeDoc } from '../store/collaboratives';
import { COLLECTIONS } from '../store/db';
import { isTemplateName, TEMPLATE_NAMES } from '../templates/samples';
import { OperationError } from './errors';
import { checkSlug, slugProblems } from './validate';
import { ids } from '../store/keys';
import type { EmailBodyDoc } from '../mail/outbox';

// ---- reports: the email log ----------------------------------------------------------------------

export const EMAIL_STATUSES = ['sent', 'failed', 'claimed'] as const satisfies readonly EmailStatus[];
export const EMAIL_LOG_DEFAULT_LIMIT = 50;

export interface EmailLogFilter {
  status?: string;
  purpose?: string;
  to?: string;
  limit?: string | number;
  /** Which page of `limit` emails, from 1 (the newest). */
  page?: string | number;
}

/** Kinds of email sent outside the notices' templates, which the log can be filtered by too. */
export const OTHER_PURPOSES = ['link-resent'] as const;
export const EMAIL_PURPOSES: string[] = [...TEMPLATE_NAMES, ...OTHER_PURPOSES];

export interface EmailLine {
  key: string;
  purpose: string;
  template: string;
  to: string;
  subject: string;
  status: EmailStatus;
  attempts: number;
  /** When it was sent, failed or (still in flight) claimed, ISO. */
  at: string;
  claimedAt: string;
  sentAt?: string;
  failedAt?: string;
  eventTime?: string;
  error?: string;
  messageId: string;
}

export interface EmailLog {
  slug: string;
  timeZone: string;
  /** Every email of the collaborative, whatever the filter. */
  total: number;
  /** The emails matching the filter, and how many of them in each status. */
  matching: number;
  counts: Record<EmailStatus, number>;
  /** The page's `limit` matching emails, newest first. */
  emails: EmailLine[];
  page: number;
  pages: number;
  limit: number;
}

/** Checks the log's filter (before any connection); throws a ValidationError listing every problem. */
export function checkEmailLogRequest(slug: string, f: EmailLogFilter = {}): { limit: number; page: number } {
  const problems = slugProblems(slug);
  if (f.status !== undefined && !(EMAIL_STATUSES as readonly string[]).includes(f.status))
    problems.push(`status: "${f.status}" is not a status; one of: ${EMAIL_STATUSES.join(', ')}`);
  if (f.purpose !== undefined && !isTemplateName(f.purpose) && !EMAIL_PURPOSES.includes(f.purpose))
    // The kinds are the templates' names, too many to list in one problem: `lc preview --list` does.
    problems.push(
      `purpose: "${f.purpose}" is not a kind of email: a template's name, such as announcement or session-invite (lc preview --list lists them)`,
    );
  if (f.to !== undefined && !emailSchema.safeParse(f.to).success)
    problems.push(`to: "${f.to}" is not a valid email address`);
  const limit = f.limit === undefined ? EMAIL_LOG_DEFAULT_LIMIT : Number(f.limit);
  if (!Number.isInteger(limit) || limit < 1)
    problems.push(`limit: "${f.limit}" is not a whole number above 0`);
  const page = f.page === undefined ? 1 : Number(f.page);
  if (!Number.isInteger(page) || page < 1) problems.push(`page: "${f.page}" is not a whole number above 0`);
  if (problems.length) throw new ValidationError('the email log request', problems);
  return { limit, page };
}

/** The outbox of a collaborative: every email it sent, is sending, or failed to send. */
export async function emailLog(db: Db, slug: string, f: EmailLogFilter = {}): Promise<EmailLog> {
  const { limit, page } = checkEmailLogRequest(slug, f);
  const outbox = db.collection<OutboxDoc>(COLLECTIONS.outbox);
  const filter: Filter<OutboxDoc> = {
    collaborative: slug,
    ...(f.status ? { status: f.status as EmailStatus } : {}),
    ...(f.purpose ? { purpose: f.purpose } : {}),
    ...(f.to ? { to: { $in: [...new Set([f.to, f.to.toLowerCase()])] } } : {}),
  };
  try {
    const [total, grouped, docs, doc] = await Promise.all([
      outbox.countDocuments({ collaborative: slug }),
      outbox
        .aggregate<{ _id: EmailStatus; n: number }>([
          { $match: filter },
          { $group: { _id: '$status', n: { $sum: 1 } } },
        ])
        .toArray(),
      outbox
        .find(filter, { projection: { _id: 0 } })
        .sort({ claimedAt: -1, key: 1 })
        // The database pages: a log of 10,000 emails sends the app one page of them.
        .skip((page - 1) * limit)
        .limit(limit)
        .toArray(),
      // A collaborative's emails, or a community's (whose record is in its own collection).
      findProgramme<Pick<CollaborativeDoc, 'slug' | 'config'>>(db, COLLECTIONS.collaboratives, slug, {
        _id: 0,
        'config.timeZone': 1,
      }).then(
        (found) =>
          found ??
          findProgramme<Pick<CollaborativeDoc, 'slug' | 'config'>>(db, COLLECTIONS.communities, slug, {
            _id: 0,
            'config.timeZone': 1,
          }),
      ),
    ]);
    if (!doc && !total)
      throw new OperationError(
        `no collaborative "${slug}" in the database, and no emails of it`,
        'not-found',
      );
    const counts: Record<EmailStatus, number> = { sent: 0, failed: 0, claimed: 0 };
    for (const g of grouped) counts[g._id] = g.n;
    const matching = Object.values(counts).reduce((a, b) => a + b, 0);
    return {
      slug,
      timeZone: doc?.config?.timeZone ?? 'UTC',
      total,
      matching,
      counts,
      page,
      pages: Math.max(1, Math.ceil(matching / limit)),
      limit,
      emails: docs.map(emailLine),
    };
  } catch (err) {
    if (err instanceof OperationError) throw err;
    throw new OperationError(
      `cannot read the email log of "${slug}" from MongoDB (${(err as Error).message})`,
    );
  }
}

const iso = (d: Date | undefined) => (d ? new Date(d).toISOString() : undefined);

function emailLine(d: OutboxDoc): EmailLine {
  return {
    key: d.key,
    purpose: d.purpose,
    template: d.template,
    to: d.to,
    subject: d.subject,
    status: d.status,
    attempts: d.attempts,
    at:
      iso(d.status === 'sent' ? d.sentAt : d.status === 'failed' ? d.failedAt : d.claimedAt) ??
      iso(d.claimedAt)!,
    claimedAt: iso(d.claimedAt)!,
    ...(d.sentAt ? { sentAt: iso(d.sentAt) } : {}),
    ...(d.failedAt ? { failedAt: iso(d.failedAt) } : {}),
    ...(d.eventTime ? { eventTime: iso(d.eventTime) } : {}),
    ...(d.error ? { error: d.error } : {}),
    messageId: d.messageId,
  };
}

export interface EmailDetail extends EmailLine {
  /** The body as sent, personal links masked; absent for emails sent before bodies were kept. */
  body?: { html: string; text: string; calendar?: string };
}

/** One email of the collaborative by its key: two reads by `_id` (the outbox record, its body). */
export async function emailDetail(db: Db, slug: string, key: string): Promise<EmailDetail> {
  checkSlug(slug);
  const [doc, body] = await Promise.all([
    db.collection<OutboxDoc & { _id: string }>(COLLECTIONS.outbox).findOne({ _id: ids.outbox(key) }),
    db.collection<EmailBodyDoc>(COLLECTIONS.emailBodies).findOne({ _id: ids.outbox(key) }),
  ]);
  // Another collaborative's email is "not found" here, as one that does not exist.
  if (!doc || doc.collaborative !== slug)
    throw new OperationError(`no email "${key}" in the log of "${slug}"`, 'not-found');
  return {
    ...emailLine(doc),
    ...(body ? { body: { html: body.html, text: body.text, calendar: body.calendar } } : {}),
  };
}
