/**
 * What every benchmark scenario shares: the figures it reports (each with the baseline measured
 * in the same run, or the engine limit it is held against), the services it needs (started on
 * demand, on free loopback ports, in a temporary directory), a counting SMTP sink, timing helpers
 * and the printed table. Nothing here imports from test/.
 */
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import type { Db, MongoClient } from 'mongodb';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { connectDb, ensureIndexes } from '../store/db';
import { provision, type ToolPaths } from '../tools/provisioning';
import { freePort, portOpen, startFerretDb, startTemporal, type Service } from '../tools/services';

export const MAIL_FROM = 'LC Bench <lc@bench.example.org>';

/** One measured figure. `ratio` is always value ÷ baseline.value. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** What the value is held against: measured in the same run, or an engine limit (a constant). */
  baseline?: { name: string; value: number; unit: string; kind: 'measured' | 'limit' | 'expected' };
  ratio?: number;
  /** A target on the ratio (or on the value when there is no baseline). */
  target?: { op: '>=' | '<=' | '=='; value: number };
  ok?: boolean;
  note?: string;
}

export interface ScenarioResult {
  name: string;
  title: string;
  wallMs: number;
  figures: Figure[];
  /** Anything worth reading next to the figures: causes, assumptions, what was measured how. */
  notes: string[];
  /** Raw details (per-step samples, history breakdowns) for the JSON file. */
  details?: Record<string, unknown>;
  error?: string;
}

export function figure(
  name: string,
  value: number,
  unit: string,
  opts: {
    baseline?: Figure['baseline'];
    target?: Figure['target'];
    note?: string;
  } = {},
): Figure {
  const f: Figure = { name, value, unit, ...opts };
  if (opts.baseline && opts.baseline.value !== 0) f.ratio = value / opts.baseline.value;
  if (opts.target) {
    const x = f.ratio ?? value;
    const t = opts.target.value;
    f.ok = opts.target.op === '>=' ? x >= t : opts.target.op === '<=' ? x <= t : Math.abs(x - t) < 1e-9;
  }
  return f;
}

// ---- timing ---------------------------------------------------------------------------------

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t0 = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, result };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

/** Least-squares slope of y over x. */
export function slope(xs: number[], ys: number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den ? num / den : 0;
}

/** Runs `fn` over items with at most `limit` in flight (the same shape as mail/notify's). */
export async function eachLimited<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 120_000,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
}

export function progress(line: string): void {
  process.stdout.write(`[bench] ${line}\n`);
}

// ---- the SMTP sink ------------------------------------------------------------------------

/**
 * A real SMTP server (`smtp-server`) that counts what it accepts and keeps each message's
 * X-LC-Key (or Message-ID) to check that nothing arrived twice. It parses nothing else, so the
 * sink costs as little CPU as possible next to what is measured.
 */
export class CountingSink {
  count = 0;
  bytes = 0;
  readonly keys = new Map<string, number>();
  /** Emails per day of their business event (X-LC-Event-Time, workflow time), 'YYYY-MM-DD' → count. */
  readonly perEventDay = new Map<string, number>();
  port = 0;
  private server?: SMTPServer;

  async start(): Promise<this> {
    this.port = await freePort();
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      maxClients: 1000,
      onData: (stream, _session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks);
          this.count++;
          this.bytes += raw.length;
          // Headers only: the key is near the top.
          const head = raw.subarray(0, Math.min(raw.length, 8192)).toString('utf8');
          const key =
            /^X-LC-Key:\s*(.+)$/im.exec(head)?.[1]?.trim() ??
            /^Message-ID:\s*(.+)$/im.exec(head)?.[1]?.trim() ??
            `#${this.count}`;
          this.keys.set(key, (this.keys.get(key) ?? 0) + 1);
          const day = /^X-LC-Event-Time:\s*(\d{4}-\d\d-\d\d)/im.exec(head)?.[1];
          if (day) this.perEventDay.set(day, (this.perEventDay.get(day) ?? 0) + 1);
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  reset(): void {
    this.count = 0;
    this.bytes = 0;
    this.keys.clear();
    this.perEventDay.clear();
  }

  /** Keys received more than once. */
  duplicates(): number {
    return [...this.keys.values()].filter((n) => n > 1).length;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

// ---- services -----------------------------------------------------------------------------

/**
 * The services a run needs, started on first use and stopped at the end: FerretDB (unless
 * MONGODB_URI is set), the workflow bundle, a Temporal dev server. Everything lives in one
 * temporary directory, removed at the end unless LC_KEEP_BENCH_DATA is set.
 */
export class Services {
  readonly runDir: string;
  /** FerretDB's backend: the project's SQLite, or a private PostgreSQL (`--store postgresql`). */
  readonly store: 'sqlite' | 'postgresql';
  private started: Service[] = [];
  private clients: MongoClient[] = [];
  private mongoUri?: Promise<string>;
  private bundle?: Promise<string>;
  private toolPaths?: ToolPaths;
  /** The private PostgreSQL's data directory (`--store postgresql`), to find its processes' CPU time. */
  pgDataDir?: string;

  constructor(o: { store?: 'sqlite' | 'postgresql' } = {}) {
    this.runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-bench-'));
    this.store = o.store ?? 'sqlite';
  }

  /** What the database scenarios ran against, for the JSON and the table. */
  get storeName(): string {
    if (process.env.MONGODB_URI) return 'external MONGODB_URI';
    return this.store === 'postgresql'
      ? 'FerretDB v1.24.2 (PostgreSQL backend, private server)'
      : 'FerretDB v1.24.2 (SQLite backend)';
  }

  get tools(): ToolPaths {
    this.toolPaths ??= provision({ log: (s) => progress(`provision: ${s}`) });
    return this.toolPaths;
  }

  get usingExternalMongo(): boolean {
    return !!process.env.MONGODB_URI;
  }

  mongo(): Promise<string> {
    this.mongoUri ??= (async () => {
      if (process.env.MONGODB_URI) return process.env.MONGODB_URI;
      if (this.store === 'postgresql') return this.startFerretOnPostgres();
      const ferret = await startFerretDb({
        binary: this.tools.ferretdb,
        port: await freePort(),
        dataDir: path.join(this.runDir, 'ferretdb'),
        logDir: this.runDir,
      });
      this.started.push(ferret);
      return ferret.url;
    })();
    return this.mongoUri;
  }

  /**
   * A private PostgreSQL (initdb in a temporary directory, server defaults, loopback only) and
   * FerretDB on it: the same FerretDB, another backend. PostgreSQL's binaries come from the
   * system (`pg_ctl` on PATH or /usr/lib/postgresql/<v>/bin); as root, it runs as `postgres`.
   */
  private async startFerretOnPostgres(): Promise<string> {
    const binDir = [
      ...(process.env.PATH ?? '').split(':'),
      ...(fs.existsSync('/usr/lib/postgresql')
        ? fs
            .readdirSync('/usr/lib/postgresql')
            .sort()
            .reverse()
            .map((v) => `/usr/lib/postgresql/${v}/bin`)
        : []),
    ].find((d) => d && fs.existsSync(path.join(d, 'initdb')) && fs.existsSync(path.join(d, 'pg_ctl')));
    if (!binDir) throw new Error('--store postgresql: no initdb/pg_ctl found (Debian package postgresql)');
    const asRoot = process.getuid?.() === 0;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-bench-pg-'));
    const run = (cmd: string, args: string[]) => {
      const full = asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
      const r = spawnSync(full[0] as string, full[1] as string[], { encoding: 'utf8', cwd: os.tmpdir() });
      if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
    };
    this.pgDataDir = dataDir;
    if (asRoot) spawnSync('chown', ['postgres', dataDir]);
    run(path.join(binDir, 'initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    const pgPort = await freePort();
    run(path.join(binDir, 'pg_ctl'), [
      '-D',
      dataDir,
      '-w',
      '-l',
      path.join(dataDir, 'server.log'),
      '-o',
      `-p ${pgPort} -k ${dataDir} -c listen_addresses=127.0.0.1`,
      'start',
    ]);
    this.started.push({
      name: 'postgresql',
      url: `postgres://127.0.0.1:${pgPort}`,
      stop: async () => {
        run(path.join(binDir, 'pg_ctl'), ['-D', dataDir, '-m', 'fast', 'stop']);
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    });
    const port = await freePort();
    const stateDir = path.join(this.runDir, 'ferretdb-pg');
    fs.mkdirSync(stateDir, { recursive: true });
    const log = fs.openSync(path.join(this.runDir, 'ferretdb-pg.log'), 'a');
    const child = spawn(
      this.tools.ferretdb,
      [
        '--handler=postgresql',
        `--postgresql-url=postgres://postgres@127.0.0.1:${pgPort}/postgres`,
        `--listen-addr=127.0.0.1:${port}`,
        `--state-dir=${stateDir}`,
        `--debug-addr=127.0.0.1:${await freePort()}`,
        '--telemetry=disable',
        '--log-level=warn',
      ],
      { stdio: ['ignore', log, log], env: { ...process.env, FERRETDB_TELEMETRY: 'disable' } },
    );
    // Stopped before PostgreSQL (services stop in reverse order of start).
    this.started.push({
      name: 'ferretdb-pg',
      url: `mongodb://127.0.0.1:${port}/`,
      stop: async () => {
        if (child.exitCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(5000)]);
      },
    });
    await waitFor('ferretdb on postgresql', () => portOpen(port), 30_000);
    return `mongodb://127.0.0.1:${port}/`;
  }

  /** A fresh database (named `bench_<label>_<random>`), with the project's indexes unless told not to. */
  async db(label: string, opts: { indexes?: boolean } = {}): Promise<{ db: Db; client: MongoClient }> {
    const name = `bench_${label.replace(/[^a-z0-9]/gi, '_').slice(0, 24)}_${randomBytes(3).toString('hex')}`;
    const { client, db } = await connectDb(await this.mongo(), name);
    this.clients.push(client);
    if (opts.indexes !== false) await ensureIndexes(db);
    return { db, client };
  }

  /** The workflow bundle (the project's workflows plus the bench's trivial one), built once. */
  workflowBundle(): Promise<string> {
    this.bundle ??= (async () => {
      const file = path.join(this.runDir, 'workflow-bundle.js');
      const { code } = await bundleWorkflowCode({
        workflowsPath: require.resolve('./workflows'),
        logger: quietLogger,
      });
      fs.writeFileSync(file, code);
      return file;
    })();
    return this.bundle;
  }

  /** A Temporal dev server (in memory, headless) on a free port; stopped at the end. */
  async temporalDev(): Promise<{ address: string; stop: () => Promise<void> }> {
    const svc = await startTemporal({
      binary: this.tools.temporal,
      port: await freePort(),
      logDir: this.runDir,
    });
    this.started.push(svc);
    return {
      address: svc.url,
      stop: async () => {
        this.started = this.started.filter((s) => s !== svc);
        await svc.stop();
      },
    };
  }

  async stop(): Promise<void> {
    for (const c of this.clients.splice(0)) await c.close().catch(() => undefined);
    // In reverse order of start: FerretDB before the PostgreSQL under it.
    for (const s of this.started.splice(0).reverse()) await s.stop().catch(() => undefined);
    if (!process.env.LC_KEEP_BENCH_DATA) fs.rmSync(this.runDir, { recursive: true, force: true });
  }
}

let runtimeInstalled = false;
let metricsAddress: string | undefined;
/**
 * The SDK's runtime logs warnings only (once per process, before the first worker or connection).
 * With `metricsPort`, it also serves its Prometheus metrics there (the throughput scenario reads
 * them: workflow-task and activity latencies).
 */
/**
 * Warnings a scenario causes on purpose, not printed: the throughput scenario runs team workflows
 * without their collaborative, so each one's signal to it at its end finds no workflow.
 */
const EXPECTED_WARNINGS = new Set(["the collaborative did not take the team's end"]);

export function quietRuntime(opts: { metricsPort?: number } = {}): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  if (opts.metricsPort) metricsAddress = `127.0.0.1:${opts.metricsPort}`;
  Runtime.install({
    logger: new DefaultLogger(process.env.LC_BENCH_DEBUG ? 'INFO' : 'WARN', (entry) => {
      if (!process.env.LC_BENCH_DEBUG && EXPECTED_WARNINGS.has(entry.message)) return;
      const at = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
      console.error(at, `[${entry.level}]`, entry.message, entry.meta ?? '');
    }),
    ...(metricsAddress
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: metricsAddress } } } }
      : {}),
  });
}

/** Where the runtime serves its Prometheus metrics, if `quietRuntime` was first called with a port. */
export function runtimeMetricsAddress(): string | undefined {
  return metricsAddress;
}

export const quietLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn(message: string) {
    if (process.env.LC_BENCH_DEBUG) console.warn(message);
  },
  error(message: string) {
    console.error(message);
  },
};

// ---- sites ----------------------------------------------------------------------------------

const ZONES = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'];

/** `n` synthetic sites of the network directory: site-0001 … with their PIs. */
export function syntheticSites(n: number) {
  return Array.from({ length: n }, (_, i) => {
    const id = `site-${String(i + 1).padStart(4, '0')}`;
    return {
      siteId: id,
      name: `Site ${i + 1} Child Trauma Center`,
      piName: `Dr. PI ${i + 1}`,
      piEmail: `pi@${id}.example.org`,
      timeZone: ZONES[i % ZONES.length]!,
      active: true,
    };
  });
}

// ---- output ---------------------------------------------------------------------------------

export function fmt(x: number | undefined, unit = ''): string {
  if (x === undefined || Number.isNaN(x)) return '';
  const abs = Math.abs(x);
  const s =
    abs >= 1000
      ? Math.round(x).toLocaleString('en-US')
      : abs >= 100
        ? x.toFixed(0)
        : abs >= 10
          ? x.toFixed(1)
          : abs >= 1
            ? x.toFixed(2)
            : abs === 0
              ? '0'
              : x.toPrecision(2);
  return unit ? `${s} ${unit}` : s;
}

function ratioText(f: Figure): string {
  if (f.ratio === undefined) return '';
  return f.ratio >= 100
    ? `${fmt(f.ratio)}×`
    : f.ratio >= 0.01
      ? `${f.ratio.toFixed(3)}`
      : f.ratio.toExponential(1);
}

export function table(results: ScenarioResult[]): string {
  const rows: string[][] = [['scenario', 'figure', 'value', 'baseline', 'ratio', 'target', '']];
  for (const r of results) {
    if (r.error) rows.push([r.name, `FAILED: ${r.error.split('\n')[0]!.slice(0, 100)}`, '', '', '', '', '']);
    for (const f of r.figures) {
      const b = f.baseline ? `${fmt(f.baseline.value, f.baseline.unit)} (${f.baseline.name})` : '';
      const t = f.target ? `${f.target.op} ${f.target.value}` : '';
      rows.push([
        r.name,
        f.name,
        fmt(f.value, f.unit),
        b,
        ratioText(f),
        t,
        f.ok === undefined ? '' : f.ok ? 'ok' : 'MISS',
      ]);
    }
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, c) =>
        c >= 2 && c <= 4 && cell && !/^[a-z]/i.test(cell)
          ? cell.padStart(widths[c]!)
          : cell.padEnd(widths[c]!),
      )
      .join('  ')
      .trimEnd();
  const out = [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  ')];
  let last = '';
  for (const row of rows.slice(1)) {
    if (last && row[0] !== last) out.push('');
    last = row[0]!;
    out.push(line(row));
  }
  return out.join('\n');
}

export function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
}

// ---- a database profiler --------------------------------------------------------------------

export interface DbProfile {
  /** 'collection.method' → calls and total milliseconds. */
  ops: Map<string, { calls: number; ms: number }>;
  top(n?: number): { op: string; calls: number; ms: number; meanMs: number; share: number }[];
}

/**
 * Wraps a Db so that every awaited call on its collections (insertOne, updateOne, findOne,
 * aggregate(...).toArray(), …) is timed per collection and method. The code under test is
 * unchanged: it is handed the wrapped Db.
 */
export function profiledDb(db: Db): { db: Db; profile: DbProfile } {
  const ops = new Map<string, { calls: number; ms: number }>();
  const record = (op: string, ms: number) => {
    const o = ops.get(op) ?? { calls: 0, ms: 0 };
    o.calls++;
    o.ms += ms;
    ops.set(op, o);
  };
  const CURSOR_METHODS = new Set(['toArray', 'next', 'explain']);
  const wrapCursor = (cursor: object, op: string): object =>
    new Proxy(cursor, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          const r = v.apply(target, args);
          if (CURSOR_METHODS.has(String(prop)) && r instanceof Promise) {
            const t0 = performance.now();
            return r.finally(() => record(`${op}`, performance.now() - t0));
          }
          return r === target ? receiver : r;
        };
      },
    });
  const wrapCollection = (col: object, name: string): object =>
    new Proxy(col, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          const t0 = performance.now();
          const r = v.apply(target, args);
          const op = `${name}.${String(prop)}`;
          if (r instanceof Promise) return r.finally(() => record(op, performance.now() - t0));
          if (r && typeof r === 'object' && typeof (r as { toArray?: unknown }).toArray === 'function')
            return wrapCursor(r, op);
          return r;
        };
      },
    });
  const wrapped = new Proxy(db, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (prop === 'collection' && typeof v === 'function')
        return (name: string, ...rest: unknown[]) => wrapCollection(v.call(target, name, ...rest), name);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return {
    db: wrapped,
    profile: {
      ops,
      top(n = 8) {
        const total = [...ops.values()].reduce((a, o) => a + o.ms, 0) || 1;
        return [...ops.entries()]
          .map(([op, o]) => ({ op, calls: o.calls, ms: o.ms, meanMs: o.ms / o.calls, share: o.ms / total }))
          .sort((a, b) => b.ms - a.ms)
          .slice(0, n);
      },
    },
  };
}
