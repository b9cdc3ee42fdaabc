/**
 * Scenario 7, calls by `_id` at two sizes: the outbox's claim (insertOne), a retried claim's
 * findOne({_id}), the mark-sent updateOne({_id}) and a team upsert by `_id`, each on a collection
 * of `--byid-docs` small and large (1,000 and 100,000 by default: outbox records and team records,
 * with the project's indexes). The figure is the median cost at the large size; its baseline is
 * the same call at the small size, measured in the same run, alternately (one call at each size in
 * turn, so that a busy moment of the machine falls on both). Index lookups cost about the same at
 * both sizes (target ≤ 1.5); a scan grows with the collection, as the reference row shows (a find
 * by a field FerretDB does not push down, timed a few times).
 */
import type { Db } from 'mongodb';
import { COLLECTIONS } from '../../store/db';
import { figure, median, progress, timed, type Figure, type ScenarioResult, type Services } from '../lib';
import type { BenchOptions } from '../options';

const BATCH = 1000;

interface OutboxSeed {
  _id: string;
  key: string;
  [k: string]: unknown;
}

/** An outbox record as Outbox.send leaves it (~0.4 KiB), keyed like the project's. */
function outboxDoc(i: number, status = 'sent'): OutboxSeed {
  const site = `site-${String(i % 5000).padStart(4, '0')}`;
  const key = `lc-${i % 20}:reminder-${Math.floor(i / 5000)}:${site}`;
  const at = new Date(Date.UTC(2027, 0, 1) + i * 60_000);
  return {
    _id: key,
    key,
    collaborative: `lc-${i % 20}`,
    purpose: `reminder-${Math.floor(i / 5000)}`,
    template: 'reminder',
    to: `pi@${site}.example.org`,
    subject: `Reminder: the monthly metrics of ${site} are due`,
    status,
    messageId: `<${key.replace(/\W/g, '')}@bench.example.org>`,
    attempts: 1,
    claimedAt: at,
    sentAt: at,
    eventTime: at,
  };
}

function teamDoc(i: number) {
  const collaborative = `lc-${i % 20}`;
  const siteId = `site-${String(i).padStart(6, '0')}`;
  return {
    _id: `${collaborative}:${siteId}`,
    collaborative,
    siteId,
    status: 'accepted',
    promoted: false,
    joinedAt: new Date(Date.UTC(2027, 0, 1)),
    updatedAt: new Date(Date.UTC(2027, 0, 1)),
  };
}

async function seed(db: Db, n: number): Promise<void> {
  for (let i = 0; i < n; i += BATCH) {
    const ids = Array.from({ length: Math.min(BATCH, n - i) }, (_, j) => i + j);
    await db.collection<OutboxSeed>(COLLECTIONS.outbox).insertMany(ids.map((x) => outboxDoc(x)));
    await db.collection<{ _id: string }>(COLLECTIONS.teams).insertMany(ids.map(teamDoc));
  }
}

type Call = 'claim' | 'findOne' | 'markSent' | 'upsertExisting' | 'upsertNew';
const CALLS: { call: Call; what: string }[] = [
  { call: 'claim', what: 'outbox claim insertOne (new _id)' },
  { call: 'findOne', what: 'outbox findOne({_id})' },
  { call: 'markSent', what: 'outbox mark-sent updateOne({_id}, $set/$unset)' },
  { call: 'upsertExisting', what: 'team upsert by _id (existing record)' },
  { call: 'upsertNew', what: 'team upsert by _id (new record)' },
];

export async function byid(services: Services, o: BenchOptions): Promise<ScenarioResult> {
  const [small, large] = o.byIdDocs;
  if (small === undefined || large === undefined || small >= large)
    throw new Error('--byid-docs takes two sizes, the smaller first (e.g. 1000,100000)');
  const figures: Figure[] = [];
  const notes: string[] = [];
  const sizes = [small, large];
  const dbs: Db[] = [];
  const seedMs: number[] = [];
  for (const n of sizes) {
    const { db } = await services.db(`byid_${n}`);
    const s = await timed(() => seed(db, n));
    progress(
      `byid: seeded ${n.toLocaleString('en-US')} outbox and team records in ${(s.ms / 1000).toFixed(1)} s`,
    );
    dbs.push(db);
    seedMs.push(s.ms);
  }

  const samples = Object.fromEntries(CALLS.map((c) => [c.call, sizes.map(() => [] as number[])])) as Record<
    Call,
    number[][]
  >;
  /** One of each call on database `d` (of `n` records), the r-th time. */
  const round = async (d: number, n: number, r: number) => {
    const db = dbs[d]!;
    const outbox = db.collection<OutboxSeed>(COLLECTIONS.outbox);
    const teams = db.collection<{ _id: string; [k: string]: unknown }>(COLLECTIONS.teams);
    // Spread over the collection: an early record, a late one, the middle.
    const existing = outboxDoc(Math.floor(((r * 7919) % 997) * (n / 997)));
    const claimed = { ...outboxDoc(n + r, 'claimed'), _id: `bench:new:${r}`, key: `bench:new:${r}` };
    const team = teamDoc(Math.floor(((r * 104729) % 991) * (n / 991)));
    const newTeam = teamDoc(10 * n + r);
    const t = samples;
    t.claim[d]!.push((await timed(() => outbox.insertOne(claimed))).ms);
    t.findOne[d]!.push((await timed(() => outbox.findOne({ _id: existing._id }))).ms);
    t.markSent[d]!.push(
      (
        await timed(() =>
          outbox.updateOne(
            { _id: claimed._id },
            { $set: { status: 'sent', sentAt: new Date() }, $unset: { leaseUntil: '' } },
          ),
        )
      ).ms,
    );
    const upsert = (doc: ReturnType<typeof teamDoc>) =>
      teams.updateOne(
        { _id: doc._id },
        {
          $set: { status: 'accepted', updatedAt: new Date() },
          $setOnInsert: { collaborative: doc.collaborative, siteId: doc.siteId, joinedAt: new Date() },
        },
        { upsert: true },
      );
    t.upsertExisting[d]!.push((await timed(() => upsert(team))).ms);
    t.upsertNew[d]!.push((await timed(() => upsert(newTeam))).ms);
  };
  // Warm-up, outside the timings: FerretDB's and SQLite's caches, the driver's connections.
  for (let r = 0; r < 5; r++) for (let d = 0; d < dbs.length; d++) await round(d, sizes[d]!, 10_000 + r);
  for (const c of CALLS) for (const xs of samples[c.call]) xs.length = 0;
  for (let r = 0; r < o.byIdSamples; r++) for (let d = 0; d < dbs.length; d++) await round(d, sizes[d]!, r);

  // A scan for reference: a find by a field that is not pushed down, for a value no record has,
  // so FerretDB decodes and matches every record.
  const scan = sizes.map(() => [] as number[]);
  const scans = 3;
  for (let r = 0; r < scans; r++)
    for (let d = 0; d < dbs.length; d++)
      scan[d]!.push(
        (await timed(() => dbs[d]!.collection(COLLECTIONS.outbox).findOne({ to: 'nobody@example.org' }))).ms,
      );

  const explains: string[] = [];
  for (const db of dbs) {
    try {
      const e = (await db
        .collection<OutboxSeed>(COLLECTIONS.outbox)
        .find({ _id: outboxDoc(1)._id })
        .explain()) as Record<string, any>;
      explains.push(
        JSON.stringify({
          filterPushdown: e.filterPushdown,
          plan: e.queryPlanner?.Plan ?? e.queryPlanner?.winningPlan?.stage,
        }),
      );
    } catch (err) {
      explains.push(`explain failed: ${(err as Error).message}`);
    }
  }

  const label = (n: number) => `${n.toLocaleString('en-US')} docs`;
  for (const c of CALLS) {
    const [atSmall, atLarge] = samples[c.call].map(median) as [number, number];
    progress(
      `byid: ${c.what}: ${atSmall.toFixed(2)} ms at ${label(small)}, ${atLarge.toFixed(2)} ms at ${label(large)}`,
    );
    figures.push(
      figure(`${c.what}, ${label(large)}`, atLarge, 'ms', {
        baseline: { name: label(small), value: atSmall, unit: 'ms', kind: 'measured' },
        target: { op: '<=', value: 1.5 },
      }),
    );
  }
  const [scanSmall, scanLarge] = scan.map(median) as [number, number];
  figures.push(
    figure(`reference: findOne({to}) matching none (a scan), ${label(large)}`, scanLarge, 'ms', {
      baseline: { name: label(small), value: scanSmall, unit: 'ms', kind: 'measured' },
    }),
  );
  notes.push(
    `Medians of ${o.byIdSamples} calls of each kind per size, alternating between the ${label(small)} and the ` +
      `${label(large)} collections (after 5 rounds of warm-up); the scan reference is the median of ${scans}.`,
    `explain of find({_id}) at ${label(small)} / ${label(large)}: ${explains.join(' / ')}.`,
    `Seeding (insertMany in batches of ${BATCH}, outbox and teams): ` +
      sizes.map((n, i) => `${label(n)} in ${(seedMs[i]! / 1000).toFixed(1)} s`).join(', ') +
      '.',
  );
  return {
    name: 'byid',
    title: 'Calls by _id at two collection sizes',
    wallMs: 0,
    figures,
    notes,
    details: { sizes, samples, scan, explains, seedMs },
  };
}
