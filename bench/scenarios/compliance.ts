/**
 * Scenario 5, compliance at scale: `--teams` teams in collaboratives of `--teams-per-lc`, each
 * with `--periods` monthly submissions (a few missing, a few late), in FerretDB with the
 * project's indexes (ensureIndexes: the unique business key {collaborative, siteId, period} on
 * `metrics`, {collaborative, siteId} on `teams`). The real `computeCompliance` runs against that
 * database and against a copy of the same collections without any index but `_id`, alternately,
 * `--repeat` times each; the medians are compared. So is an amended submission (the upsert
 * `recordSubmission` does) on both, and on a small collection.
 */
import type { Db } from 'mongodb';
import type { LaunchConfig } from '../../domain/config';
import { DAY, ms } from '../../domain/schedule';
import { COLLECTIONS } from '../../store/db';
import { computeCompliance, recordSubmission } from '../../store/metrics';
import { figure, median, progress, timed, type Figure, type ScenarioResult, type Services } from '../lib';
import type { BenchOptions } from '../options';
import { exampleLaunchConfig } from './fanout';

/** The example collaborative, stretched so that it has exactly `periods` monthly periods. */
function configWithPeriods(slug: string, periods: number): LaunchConfig {
  const ls1 = new Date('2027-05-01T00:00:00Z');
  // Period k (from LS1's month) is due on the 10th of month k+1; end just after the last is due.
  const end = new Date(Date.UTC(ls1.getUTCFullYear(), ls1.getUTCMonth() + periods + 1, 1));
  const config = exampleLaunchConfig(slug, (c) => {
    c.scheduleChecks = 'compressed';
    c.schedule.end = end.toISOString().slice(0, 10);
  });
  config.schedule.periods = config.schedule.periods.slice(0, periods);
  if (config.schedule.periods.length !== periods)
    throw new Error(`expected ${periods} periods, the schedule has ${config.schedule.periods.length}`);
  return config;
}

const BATCH = 1000;

async function insertBatched(db: Db, collection: string, docs: object[]): Promise<void> {
  for (let i = 0; i < docs.length; i += BATCH)
    await db.collection(collection).insertMany(docs.slice(i, i + BATCH) as never[], { ordered: false });
}

async function copyCollection(from: Db, to: Db, name: string): Promise<void> {
  const cursor = from.collection(name).find({}, { batchSize: BATCH });
  let batch: object[] = [];
  for await (const doc of cursor) {
    batch.push(doc);
    if (batch.length === BATCH) {
      await to.collection(name).insertMany(batch as never[], { ordered: false });
      batch = [];
    }
  }
  if (batch.length) await to.collection(name).insertMany(batch as never[], { ordered: false });
}

export async function compliance(services: Services, o: BenchOptions): Promise<ScenarioResult> {
  const notes: string[] = [];
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  const lcCount = Math.ceil(o.teams / o.teamsPerLc);
  const { db } = await services.db('compliance');
  const { db: bare } = await services.db('compliance_noidx', { indexes: false });

  // ---- seed ---------------------------------------------------------------------------------
  const configs = Array.from({ length: lcCount }, (_, l) => configWithPeriods(`lc-${l + 1}`, o.periods));
  const periods = configs[0]!.schedule.periods;
  const now = ms(periods.at(-1)!.due) + 30 * DAY;
  const collabs = configs.map((config) => ({
    slug: config.slug,
    workflowId: `lc/${config.slug}`,
    config,
    phase: 'learning-sessions',
    createdAt: new Date(),
    updatedAt: new Date(),
  }));
  const teams: object[] = [];
  const subs: object[] = [];
  let missing = 0;
  let late = 0;
  for (let t = 0; t < o.teams; t++) {
    const slug = configs[Math.floor(t / o.teamsPerLc)]!.slug;
    const siteId = `site-${String(t + 1).padStart(4, '0')}`;
    teams.push({
      collaborative: slug,
      siteId,
      status: 'accepted',
      promoted: false,
      joinedAt: new Date(),
      updatedAt: new Date(),
    });
    periods.forEach((p, i) => {
      // About 1 in 20 cells missing and 1 in 10 late, spread over teams and periods.
      if ((t * 7 + i * 3) % 20 === 0) return void missing++;
      const isLate = (t + i * 11) % 10 === 0;
      if (isLate) late++;
      subs.push({
        collaborative: slug,
        siteId,
        period: p.id,
        values: {
          children_served: 10 + ((t + i) % 30),
          fidelity: 60 + ((t * i) % 40),
          cds_used: (t + i) % 3 !== 0,
          notes: null,
        },
        by: `data@${siteId}.example.org`,
        submittedAt: new Date(ms(p.due) + (isLate ? 9 : -2) * DAY),
        late: isLate,
        amendments: 0,
      });
    });
  }
  const seed = await timed(async () => {
    await insertBatched(db, COLLECTIONS.collaboratives, collabs);
    await insertBatched(db, COLLECTIONS.teams, teams);
    await insertBatched(db, COLLECTIONS.metrics, subs);
  });
  progress(
    `compliance: seeded ${lcCount} collaboratives, ${o.teams} teams, ${subs.length} submissions ` +
      `(${missing} missing, ${late} late) in ${(seed.ms / 1000).toFixed(1)} s`,
  );
  const copy = await timed(async () => {
    for (const c of [COLLECTIONS.collaboratives, COLLECTIONS.teams, COLLECTIONS.metrics])
      await copyCollection(db, bare, c);
  });
  progress(`compliance: copied to a database without indexes in ${(copy.ms / 1000).toFixed(1)} s`);

  // ---- computeCompliance, indexed vs not, alternately ------------------------------------------
  const target = configs[0]!.slug;
  const check = await computeCompliance(db, target, now);
  const checkBare = await computeCompliance(bare, target, now);
  if (JSON.stringify(check) !== JSON.stringify(checkBare))
    throw new Error('computeCompliance differs between the indexed database and its copy');
  const one = { idx: [] as number[], bare: [] as number[] };
  for (let r = 0; r < o.repeat; r++) {
    one.idx.push((await timed(() => computeCompliance(db, target, now))).ms);
    one.bare.push((await timed(() => computeCompliance(bare, target, now))).ms);
  }
  progress(
    `compliance: one collaborative (${check.teams.length} teams × ${check.periods.length}): ` +
      `${median(one.idx).toFixed(0)} ms indexed, ${median(one.bare).toFixed(0)} ms without indexes`,
  );
  // Every collaborative's matrix, as a network-wide report would ask for them.
  const all = { idx: [] as number[], bare: [] as number[] };
  const rounds = 1; // every collaborative once: it is the long one
  for (let r = 0; r < rounds; r++) {
    all.idx.push(
      (
        await timed(async () => {
          for (const c of configs) await computeCompliance(db, c.slug, now);
        })
      ).ms,
    );
    all.bare.push(
      (
        await timed(async () => {
          for (const c of configs) await computeCompliance(bare, c.slug, now);
        })
      ).ms,
    );
  }
  progress(
    `compliance: all ${lcCount} collaboratives: ${median(all.idx).toFixed(0)} ms indexed, ` +
      `${median(all.bare).toFixed(0)} ms without indexes`,
  );

  // ---- an amended submission: the upsert on the business key ---------------------------------
  const amend = async (target2: Db, n = 15) => {
    const xs: number[] = [];
    for (let i = 0; i < n; i++) {
      const siteId = `site-${String(1 + ((i * 37) % Math.min(o.teams, o.teamsPerLc))).padStart(4, '0')}`;
      const period = periods[i % periods.length]!.id;
      xs.push(
        (
          await timed(() =>
            recordSubmission(
              target2,
              target,
              siteId,
              {
                period,
                values: { children_served: i, fidelity: 90, cds_used: true },
                by: `data@${siteId}.example.org`,
              },
              { submittedAt: new Date(now).toISOString(), late: false, amendments: 1 },
            ),
          )
        ).ms,
      );
    }
    return median(xs);
  };
  const { db: small } = await services.db('compliance_small');
  const smallSize = periods.length * 2;
  await insertBatched(small, COLLECTIONS.metrics, subs.slice(0, smallSize));
  const amendIdx = await amend(db);
  const amendBare = await amend(bare);
  const amendSmall = await amend(small);

  // ---- how the query runs, and how big it all is ---------------------------------------------
  let explain: unknown;
  try {
    const e = await db.command({
      explain: {
        aggregate: COLLECTIONS.metrics,
        pipeline: [{ $match: { collaborative: target } }],
        cursor: {},
      },
    });
    explain = {
      filterPushdown: e.filterPushdown,
      plan:
        e.queryPlanner?.Plan ??
        e.queryPlanner?.winningPlan ??
        e.stages?.[0]?.$cursor?.queryPlanner?.winningPlan,
    };
  } catch (err) {
    explain = `explain failed: ${(err as Error).message}`;
  }
  let stats: Record<string, unknown> = {};
  try {
    const s = await db.command({ collStats: COLLECTIONS.metrics });
    stats = {
      count: s.count,
      size: s.size,
      storageSize: s.storageSize,
      totalIndexSize: s.totalIndexSize,
      indexSizes: s.indexSizes,
    };
  } catch (err) {
    stats = { error: (err as Error).message };
  }
  Object.assign(details, {
    lcCount,
    submissions: subs.length,
    missing,
    late,
    seedMs: seed.ms,
    oneCollaborativeMs: one,
    allCollaborativesMs: all,
    amendMs: { indexed: amendIdx, noIndexes: amendBare, small: amendSmall },
    explain,
    metricsCollStats: stats,
    totals: check.totals,
  });

  const vsBare = (v: number) => ({ name: 'no indexes', value: v, unit: 'ms', kind: 'measured' as const });
  figures.push(
    figure(
      `seed: ${subs.length.toLocaleString('en-US')} submissions (insertMany)`,
      subs.length / (seed.ms / 1000),
      'docs/s',
    ),
    figure(
      `computeCompliance, 1 collaborative (${check.teams.length} teams × ${check.periods.length} periods), indexed`,
      median(one.idx),
      'ms',
      { baseline: vsBare(median(one.bare)) },
    ),
    figure(
      `computeCompliance, all ${lcCount} collaboratives (${o.teams} teams), indexed`,
      median(all.idx),
      'ms',
      {
        baseline: vsBare(median(all.bare)),
      },
    ),
    figure(
      `amended submission (recordSubmission upsert), ${subs.length.toLocaleString('en-US')} docs, indexed`,
      amendIdx,
      'ms',
      {
        baseline: vsBare(amendBare),
      },
    ),
    figure(`  … the same upsert at ${smallSize} docs`, amendSmall, 'ms', {
      baseline: { name: `indexed, ${subs.length} docs`, value: amendIdx, unit: 'ms', kind: 'measured' },
    }),
  );
  const size = Number(stats.size ?? 0);
  const indexSize = Number(stats.totalIndexSize ?? 0);
  if (size)
    figures.push(
      figure('metrics collection: bytes per submission', size / subs.length, 'B'),
      figure('metrics indexes: bytes per submission', indexSize / subs.length, 'B'),
    );
  const speedup = median(one.bare) / median(one.idx);
  notes.push(
    `Indexes change computeCompliance by ${speedup.toFixed(2)}× (no-index time ÷ indexed time) for one collaborative of ` +
      `${lcCount}. explain of {$match: {collaborative}}: ${JSON.stringify(explain)}. FerretDB 1.24's SQLite backend pushes ` +
      `down only an _id equality; every other filter is a full scan of the collection decoded in FerretDB, so the ` +
      `business-key indexes enforce uniqueness but never serve a read, and the cost grows with the whole collection ` +
      `(all collaboratives), not with the collaborative asked for. On MongoDB the same $match uses the index prefix.`,
    `An amended submission (upsert by {collaborative, siteId, period}) takes ${amendIdx.toFixed(1)} ms at ` +
      `${subs.length} documents vs ${amendSmall.toFixed(1)} ms at ${smallSize}: the same full scan, on every write by business key.`,
  );
  return { name: 'compliance', title: 'Compliance at scale', wallMs: 0, figures, notes, details };
}
