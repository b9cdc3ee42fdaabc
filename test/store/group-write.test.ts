/**
 * Group commit (store/group-write.ts): writes asked for while one is in flight go together, and
 * each caller learns its own outcome — a duplicate key fails only its own document.
 */
import type { Db } from 'mongodb';
import { isDuplicateKey } from '../../store/db';
import { groupBulk, groupInserts, GroupWriter } from '../../store/group-write';
import { testDb } from '../helpers/env';

describe('group commit', () => {
  let db: Db;
  let close: () => Promise<void>;
  beforeAll(async () => ({ db, close } = await testDb('group-write')));
  afterAll(() => close?.());

  test('the first write goes alone at once; those asked meanwhile go together, in order', async () => {
    const batches: number[][] = [];
    const w = new GroupWriter<number>(async (items) => {
      batches.push(items);
      await new Promise((r) => setTimeout(r, 20));
      return items.map((i) => (i === 3 ? new Error('three') : undefined));
    });
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((i) => w.write(i)));
    expect(batches).toEqual([[1], [2, 3, 4]]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    // A command that fails as a whole fails each of its writes.
    const failing = new GroupWriter<number>(async () => {
      throw new Error('connection lost');
    });
    await expect(failing.write(1)).rejects.toThrow('connection lost');
  });

  test('a command that never answers fails its own batch, and the writes behind it go on', async () => {
    let calls = 0;
    const w = new GroupWriter<number>(
      (items) => (++calls === 1 ? new Promise(() => {}) : Promise.resolve(items.map(() => undefined))),
      64,
      50,
    );
    const hung = w.write(1);
    const behind = w.write(2);
    await expect(hung).rejects.toThrow('did not answer within 50 ms');
    await expect(behind).resolves.toBeUndefined();
    await expect(w.write(3)).resolves.toBeUndefined();
    expect(calls).toBe(3);
  });

  test('inserts: a duplicate key fails only its own document, as a duplicate-key error', async () => {
    const col = db.collection<{ _id: string; n: number }>('groupInserts');
    const w = groupInserts(col);
    await w.write({ _id: 'a', n: 1 });
    const outcomes = await Promise.allSettled([
      w.write({ _id: 'b', n: 2 }),
      w.write({ _id: 'c', n: 3 }),
      w.write({ _id: 'a', n: 4 }),
      w.write({ _id: 'd', n: 5 }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(isDuplicateKey((outcomes[2] as PromiseRejectedResult).reason)).toBe(true);
    expect(await col.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 2 },
      { _id: 'c', n: 3 },
      { _id: 'd', n: 5 },
    ]);
  });

  test('updates by _id go as one bulk write, each applied', async () => {
    const col = db.collection<{ _id: string; n: number }>('groupBulk');
    await col.insertMany(['a', 'b', 'c'].map((_id) => ({ _id, n: 0 })));
    const w = groupBulk(col);
    await Promise.all(
      ['a', 'b', 'c', 'a'].map((_id) =>
        w.write({ updateOne: { filter: { _id }, update: { $inc: { n: 1 } } } }),
      ),
    );
    expect(await col.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'a', n: 2 },
      { _id: 'b', n: 1 },
      { _id: 'c', n: 1 },
    ]);
  });
});
