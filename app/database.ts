/** The system of record: opening it for a use case, with its indexes, or saying why it cannot be reached. */
import type { Db, MongoClient } from 'mongodb';
import { connectDb, ensureIndexes } from '../activities/db';
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
