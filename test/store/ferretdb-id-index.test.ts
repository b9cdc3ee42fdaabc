/**
 * `_id` lookups on the local default store use the `_id` index. FerretDB 1.24 (SQLite backend)
 * pushes `{_id: <string or ObjectId>}` down to SQLite for find, update and delete; unpatched, it
 * wrote the filter as `_ferretdb_sjson->'$._id'` while its `_id` index is on
 * `_ferretdb_sjson->"_id"`, and SQLite, which matches index expressions by their form, scanned
 * the table. tools/provisioning.ts builds FerretDB with FERRETDB_PATCHES, which write the filter
 * as the index is written.
 *
 * This test starts that FerretDB on its own SQLite directory with its debug log (every SQL
 * statement it runs), writes and reads documents through the mongodb driver, then takes the
 * exact statements FerretDB ran for `{_id: …}` from the log and asks SQLite for their plans on
 * FerretDB's own database file (the `sqlite3` CLI, Debian package sqlite3), and asks FerretDB's
 * `explain` (its own SQLite build) for the plan of a find by `_id`.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MongoClient, ObjectId } from 'mongodb';
import { toolPaths } from '../../tools/provisioning';
import { freePort, startFerretDb, type Service } from '../../tools/services';

const DB = 'id_index';
const N = 500;

interface Doc {
  _id: string | ObjectId;
  key: string;
  status: string;
  n: number;
}

/** Runs SQLite's CLI on a database file; DQS as FerretDB's SQLite has it (modernc.org/sqlite: on). */
function sqlite(file: string, sql: string): string {
  const r = spawnSync('sqlite3', ['-readonly', '-bail', file], {
    input: `.output /dev/null\n.dbconfig dqs_dml on\n.output\n${sql};\n`,
    encoding: 'utf8',
  });
  if (r.error) throw new Error(`sqlite3 CLI not runnable (Debian package sqlite3): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`sqlite3 failed on ${sql}: ${r.stderr}`);
  return r.stdout;
}

/** The plan line of `EXPLAIN QUERY PLAN` for a statement, without the tree drawing. */
function plan(file: string, statement: string): string {
  return sqlite(file, `EXPLAIN QUERY PLAN ${statement}`)
    .split('\n')
    .filter((l) => /SCAN|SEARCH/.test(l))
    .map((l) => l.replace(/^[\s|`-]+/, ''))
    .join('; ');
}

describe('FerretDB (SQLite) answers _id lookups from its _id index', () => {
  // In the run's directory (removed by the global teardown).
  const dir = path.join(process.env.LC_TEST_RUN_DIR ?? '', `id-index-${randomBytes(3).toString('hex')}`);
  const dataDir = path.join(dir, 'ferretdb');
  let ferret: Service | undefined;
  let client: MongoClient | undefined;

  afterAll(async () => {
    await client?.close();
    await ferret?.stop();
  });

  it('finds, updates, upserts and deletes by _id through the index, with the same results', async () => {
    if (!process.env.LC_TEST_RUN_DIR) throw new Error('run with the jest global setup (npm test)');
    const binary = toolPaths().ferretdb;
    if (!binary) throw new Error('no FerretDB binary: run `npm run provision`');
    ferret = await startFerretDb({ binary, port: await freePort(), dataDir, logDir: dir, logLevel: 'debug' });
    client = await MongoClient.connect(ferret.url);
    const col = client.db(DB).collection<Doc>('outbox');

    // Documents keyed by a string (the outbox's business key) and by an ObjectId (older records).
    const oids = Array.from({ length: 20 }, () => new ObjectId());
    await col.insertMany(
      Array.from({ length: N }, (_, i) => ({ _id: `k:${i}`, key: `k:${i}`, status: 'claimed', n: i })),
    );
    await col.insertMany(oids.map((_id, i) => ({ _id, key: `oid:${i}`, status: 'claimed', n: N + i })));

    // What the lookups return is what they returned before the patch: the document with that _id.
    expect(await col.findOne({ _id: 'k:123' })).toMatchObject({ key: 'k:123', n: 123 });
    expect(await col.findOne({ _id: oids[7]! })).toMatchObject({ key: 'oid:7' });
    expect(await col.findOne({ _id: 'k:none' })).toBeNull();
    const marked = await col.updateOne(
      { _id: 'k:123' },
      { $set: { status: 'sent' }, $unset: { leaseUntil: '' } },
    );
    expect([marked.matchedCount, marked.modifiedCount]).toEqual([1, 1]);
    expect(await col.findOne({ _id: 'k:123' })).toMatchObject({ status: 'sent' });
    const upserted = await col.updateOne(
      { _id: 'k:new' },
      { $set: { key: 'k:new', status: 'claimed', n: -1 } },
      { upsert: true },
    );
    expect(upserted.upsertedId).toBe('k:new');
    expect((await col.deleteOne({ _id: 'k:124' })).deletedCount).toBe(1);
    expect((await col.deleteOne({ _id: oids[3]! })).deletedCount).toBe(1);
    expect(await col.countDocuments()).toBe(N + oids.length + 1 - 2);
    // The unique index still refuses a second document with the same _id.
    await expect(col.insertOne({ _id: 'k:1', key: 'k:1', status: 'claimed', n: 1 })).rejects.toMatchObject({
      code: 11000,
    });

    // FerretDB's own SQLite (the one it runs the query on) plans the pushed-down find by _id.
    const explained = (await col.find({ _id: 'k:123' }).explain()) as {
      filterPushdown?: boolean;
      queryPlanner?: { Plan?: string[] };
    };
    expect(explained.filterPushdown).toBe(true);
    expect(explained.queryPlanner?.Plan?.join(' ')).toMatch(/SEARCH \S+ USING INDEX \S+__id_ /);

    await client.close();
    client = undefined;
    await ferret.stop(); // flushes the log; SQLite's WAL is checkpointed into the file
    ferret = undefined;

    // The statements FerretDB ran on the collection's table, from its debug log.
    const file = path.join(dataDir, `${DB}.sqlite`);
    const table = sqlite(file, `SELECT table_name FROM _ferretdb_collections WHERE name = 'outbox'`).trim();
    expect(table).toMatch(/^outbox_[0-9a-f]{8}$/);
    const statements = [
      ...new Set(
        fs
          .readFileSync(path.join(dir, 'ferretdb.log'), 'utf8')
          .split('\n')
          .map((l) => />>> (.*?)\t/.exec(l)?.[1]?.trim())
          .filter((s): s is string => !!s && s.includes(`"${table}"`) && /\bWHERE\b/.test(s)),
      ),
    ];
    const find = statements.find((s) => s.startsWith('SELECT') && !s.startsWith('EXPLAIN'));
    const update = statements.find((s) => s.startsWith('UPDATE'));
    const del = statements.find((s) => s.startsWith('DELETE'));
    expect({ find, update, del }).toEqual({
      find: expect.stringMatching(/^SELECT .* WHERE _ferretdb_sjson->"_id" = \?$/),
      update: expect.stringMatching(/^UPDATE .* WHERE _ferretdb_sjson->"_id" = \?$/),
      del: expect.stringMatching(/^DELETE .* WHERE _ferretdb_sjson->"_id" IN \(\?\)$/),
    });

    // The index is the one FerretDB creates for every collection, patched or not: a database
    // created by the unpatched binary has the same one, and these statements use it there too.
    expect(sqlite(file, `SELECT sql FROM sqlite_master WHERE name = '${table}__id_'`).trim()).toBe(
      `CREATE UNIQUE INDEX "${table}__id_" ON "${table}" (_ferretdb_sjson->"_id")`,
    );
    const byIndex = `SEARCH ${table} USING INDEX ${table}__id_ (<expr>=?)`;
    expect({ find: plan(file, find!), update: plan(file, update!), del: plan(file, del!) }).toEqual({
      find: byIndex,
      update: byIndex,
      del: byIndex,
    });
    // The unpatched form of the same find, on the same file: the scan this patch removes.
    expect(plan(file, find!.replace('_ferretdb_sjson->"_id"', `_ferretdb_sjson->'$._id'`))).toBe(
      `SCAN ${table}`,
    );
  });
});
