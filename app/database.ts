/** The system of record: opening it for a use case, with its indexes, or saying why it cannot be reached. */
import type { Db, MongoClient } from 'mongodb';
import { createTransport, Outbox } from '../mail/outbox';
import { connectDb, ensureIndexes } from '../store/db';
import { OperationError } from './errors';

export async function openDatabase(uri: string, name: string): Promise<{ client: MongoClient; db: Db }> {
  const opened = await connectDb(uri, name).catch((err: Error) => {
    throw new OperationError(
      `cannot reach MongoDB at ${uri} (${err.message}); is \`npm start\` running, or MONGODB_URI set?`,
    );
  });
  await ensureIndexes(opened.db);
  return opened;
}

/** The outbox the web app sends its own emails (sign-in links) through, and how to close it. */
export function openMailer(db: Db, smtpUrl: string, from: string): { outbox: Outbox; close(): void } {
  const transport = createTransport({ smtpUrl, from });
  return { outbox: new Outbox(db, transport, from), close: () => transport.close() };
}
