/**
 * Starting and stopping the local services as child processes: the Temporal dev server,
 * FerretDB (SQLite backend) and maildev. Used by `npm start` and by the jest global setup.
 * Everything listens on 127.0.0.1 only.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ROOT } from './provisioning';

export interface Service {
  name: string;
  url: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

async function waitForPort(
  name: string,
  port: number,
  child: ChildProcess,
  logFile: string,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `${name} exited with code ${child.exitCode} before listening on :${port}; see ${logFile}`,
      );
    }
    if (await portOpen(port)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not listen on :${port} within ${timeoutMs / 1000}s; see ${logFile}`);
}

function spawnLogged(name: string, cmd: string, args: string[], logDir: string, env?: NodeJS.ProcessEnv) {
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const out = fs.openSync(logFile, 'a');
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
    detached: false,
  });
  fs.closeSync(out);
  return { child, logFile };
}

function stopper(child: ChildProcess, name: string): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
      void name;
    });
}

export interface TemporalOptions {
  binary: string;
  port: number;
  uiPort?: number; // omitted → headless
  dbFile?: string; // omitted → in memory
  logDir: string;
}

/** The search attributes our workflows upsert; registered when the dev server starts. */
export const SEARCH_ATTRIBUTES = { LcPhase: 'Keyword', LcKind: 'Keyword' } as const;

/**
 * Starts the dev server. Its HTTP and metrics ports are picked free just before it binds them; on a
 * busy machine another process can take one in between ("address already in use"): it is started
 * again on fresh ones, up to three times.
 */
export async function startTemporal(o: TemporalOptions): Promise<Service> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startTemporalOnce(o);
    } catch (err) {
      if (attempt >= 3 || !(err instanceof PortTaken)) throw err;
    }
  }
}

class PortTaken extends Error {}

async function startTemporalOnce(o: TemporalOptions): Promise<Service> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(o.port), '--log-level', 'warn'];
  args.push('--http-port', String(await freePort()), '--metrics-port', String(await freePort()));
  if (o.uiPort) args.push('--ui-port', String(o.uiPort), '--ui-ip', '127.0.0.1');
  else args.push('--headless');
  if (o.dbFile) {
    fs.mkdirSync(path.dirname(o.dbFile), { recursive: true });
    args.push('--db-filename', o.dbFile);
  }
  for (const [k, t] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${k}=${t}`);
  // Workflow Updates and a short cache of history are what we test against.
  args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true');
  const { child, logFile } = spawnLogged('temporal', o.binary, args, o.logDir);
  await waitForPort('temporal dev server', o.port, child, logFile).catch((err: Error) => {
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
    if (child.exitCode !== null && /address already in use/i.test(log)) throw new PortTaken(err.message);
    const last = log.trim().split('\n').slice(-3).join(' | ').slice(0, 600);
    throw new Error(last ? `${err.message} (its log ends: ${last})` : err.message);
  });
  return { name: 'temporal', url: `127.0.0.1:${o.port}`, stop: stopper(child, 'temporal') };
}

export interface FerretOptions {
  binary: string;
  port: number;
  dataDir: string;
  logDir: string;
  /** `debug` also logs every SQL statement FerretDB runs (`>>> …`); `warn` by default. */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /**
   * SQLite's `synchronous` pragma. `normal` (the default here; `LC_SQLITE_SYNC=full` restores
   * SQLite's own) syncs the write-ahead log at checkpoints instead of at every commit: a commit
   * survives FerretDB or the app crashing, and only an OS crash or power loss can lose the last
   * ones. That halves the cost of each outbox write, which is what the local store spends its
   * time on (bench/README.md, section 4). Production runs on MongoDB (MONGODB_URI), not this.
   */
  sync?: 'normal' | 'full';
}

function sqliteSync(): 'normal' | 'full' {
  const v = process.env.LC_SQLITE_SYNC;
  if (v === undefined || v === '' || v === 'normal') return 'normal';
  if (v === 'full') return 'full';
  throw new Error(`LC_SQLITE_SYNC is '${v}': expected normal or full`);
}

export async function startFerretDb(o: FerretOptions): Promise<Service> {
  fs.mkdirSync(o.dataDir, { recursive: true });
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${o.dataDir}/?_pragma=synchronous(${o.sync ?? sqliteSync()})`,
    `--listen-addr=127.0.0.1:${o.port}`,
    `--state-dir=${o.dataDir}`,
    `--debug-addr=127.0.0.1:${await freePort()}`,
    '--telemetry=disable',
    `--log-level=${o.logLevel ?? 'warn'}`,
  ];
  const { child, logFile } = spawnLogged('ferretdb', o.binary, args, o.logDir, {
    FERRETDB_TELEMETRY: 'disable',
  });
  await waitForPort('ferretdb', o.port, child, logFile);
  return { name: 'ferretdb', url: `mongodb://127.0.0.1:${o.port}/`, stop: stopper(child, 'ferretdb') };
}

export interface MaildevOptions {
  smtpPort: number;
  webPort: number;
  logDir: string;
}

export async function startMaildev(o: MaildevOptions): Promise<Service> {
  const bin = path.join(ROOT, 'node_modules', '.bin', 'maildev');
  const args = [
    '--ip',
    '127.0.0.1',
    '--smtp',
    String(o.smtpPort),
    '--web',
    String(o.webPort),
    '--web-ip',
    '127.0.0.1',
  ];
  const { child, logFile } = spawnLogged('maildev', bin, args, o.logDir);
  await waitForPort('maildev', o.smtpPort, child, logFile);
  await waitForPort('maildev web', o.webPort, child, logFile);
  return { name: 'maildev', url: `smtp://127.0.0.1:${o.smtpPort}`, stop: stopper(child, 'maildev') };
}
