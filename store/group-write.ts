/**
 * Group commit: writes asked for while one is in flight go to the database together, as one
 * command, as soon as it returns. On FerretDB/SQLite every command is its own transaction, one
 * writer at a time, so eight emails in flight each committing their own claim queue behind each
 * other; one `insertMany` of eight costs about what one `insertOne` does (bench/README.md, 4b).
 * Nothing waits for a timer: a write asked for when none is in flight is sent at once, alone.
 * Each caller gets its own outcome (its document's write error, or the command's error).
 */
import {
  MongoServerError,
  type AnyBulkWriteOperation,
  type Collection,
  type Document,
  type OptionalUnlessRequiredId,
} from 'mongodb';

/** Runs one batch; returns, per item in order, nothing (done) or the error that item met. */
type Flush<T> = (items: T[]) => Promise<(unknown | undefined)[]>;

export class GroupWriter<T> {
  private queue: { item: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing = false;

  constructor(
    private readonly flush: Flush<T>,
    /** The most items in one command. */
    private readonly maxBatch = 64,
    /**
     * A command that has not answered by then fails its batch, and the writes queued behind it go
     * on: one hung command must not stall every send of the worker.
     */
    private readonly timeoutMs = 60_000,
  ) {}

  write(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.flushing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        let outcomes: (unknown | undefined)[];
        let timer: NodeJS.Timeout | undefined;
        try {
          outcomes = await Promise.race([
            this.flush(batch.map((b) => b.item)),
            new Promise<never>((_, reject) => {
              timer = setTimeout(
                () => reject(new Error(`a grouped write did not answer within ${this.timeoutMs} ms`)),
                this.timeoutMs,
              );
            }),
          ]);
        } catch (err) {
          outcomes = batch.map(() => err);
        } finally {
          clearTimeout(timer);
        }
        batch.forEach((b, i) => (outcomes[i] === undefined ? b.resolve() : b.reject(outcomes[i])));
      }
    } finally {
      this.flushing = false;
    }
  }
}

/** The per-document errors of a failed unordered bulk command, by index; rethrows any other error. */
function perItem(err: unknown, n: number): (unknown | undefined)[] {
  const e = err as { writeErrors?: unknown; code?: number; errmsg?: string };
  const list = e.writeErrors;
  // The driver gives an array for several errors and may give one object for one.
  const writeErrors = (Array.isArray(list) ? list : list ? [list] : []) as {
    index: number;
    code: number;
    errmsg?: string;
  }[];
  if (!writeErrors.length) throw err;
  const out: (unknown | undefined)[] = new Array(n).fill(undefined);
  for (const w of writeErrors)
    out[w.index] = new MongoServerError({
      message: w.errmsg ?? `write error ${w.code}`,
      code: w.code,
      errmsg: w.errmsg,
    });
  return out;
}

/** Inserts, grouped into unordered `insertMany`s: a duplicate key fails only its own document (code 11000). */
export function groupInserts<D extends Document>(
  col: Collection<D>,
  maxBatch?: number,
  timeoutMs?: number,
): GroupWriter<D> {
  return new GroupWriter<D>(
    async (docs) => {
      try {
        await col.insertMany(docs as OptionalUnlessRequiredId<D>[], { ordered: false });
        return docs.map(() => undefined);
      } catch (err) {
        return perItem(err, docs.length);
      }
    },
    maxBatch,
    timeoutMs,
  );
}

/** Single-document writes, grouped into unordered `bulkWrite`s. */
export function groupBulk<D extends Document>(
  col: Collection<D>,
  maxBatch?: number,
  timeoutMs?: number,
): GroupWriter<AnyBulkWriteOperation<D>> {
  return new GroupWriter<AnyBulkWriteOperation<D>>(
    async (ops) => {
      try {
        await col.bulkWrite(ops, { ordered: false });
        return ops.map(() => undefined);
      } catch (err) {
        return perItem(err, ops.length);
      }
    },
    maxBatch,
    timeoutMs,
  );
}
