/**
 * The emails of a programme that the SMTP server refused for good, read from the `bounces`
 * records (one per refused address, naming the programmes and keys refused) and then each outbox
 * record by `_id`: cheap at any size of the outbox, which a status filter would scan on FerretDB.
 */
import type { Db } from 'mongodb';
import { COLLECTIONS, findEachById } from '../store/db';
import { ids } from '../store/keys';
import type { OutboxDoc } from './outbox';

export interface FailedEmail {
  key: string;
  to: string;
  subject: string;
  template: string;
  failedAt?: Date;
  error?: string;
}

interface BounceDoc {
  email: string;
  collaboratives?: string[];
  keys?: string[];
}

export async function failedEmailsOf(db: Db, slug: string): Promise<FailedEmail[]> {
  const bounces = await db
    .collection<BounceDoc>(COLLECTIONS.bounces)
    .find({ collaboratives: slug }, { projection: { _id: 0 } })
    .toArray();
  const keys = [...new Set(bounces.flatMap((b) => b.keys ?? []))];
  const docs = await findEachById(db.collection<OutboxDoc>(COLLECTIONS.outbox), keys, ids.outbox);
  return docs
    .filter((d) => d.collaborative === slug && d.status === 'failed')
    .map((d) => ({
      key: d.key,
      to: d.to,
      subject: d.subject,
      template: d.template,
      failedAt: d.failedAt,
      error: d.error,
    }))
    .sort((a, b) => (b.failedAt?.getTime() ?? 0) - (a.failedAt?.getTime() ?? 0));
}
