/**
 * The real worker (`tsx workers/main.ts`) as a child process, for tests that kill it: started
 * with the environment a deployment gives it, ready once it logs that it polls, and killed with
 * SIGKILL — no shutdown hook, no graceful drain, exactly like a crashed or OOM-killed container.
 *
 * `tsx` runs the script in a child `node` process of its own, so the worker is started in its own
 * process group and the whole group is killed: killing only the `tsx` parent would leave the
 * worker running as an orphan.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');
const READY = /\[worker\] polling task queue/;
/** Output kept for diagnostics (the last lines, over all runs). */
const MAX_LINES = 20_000;

export interface WorkerProcessEnv {
  TEMPORAL_ADDRESS: string;
  TASK_QUEUE: string;
  MONGODB_URI: string;
  MONGODB_DB: string;
  SMTP_URL: string;
  MAIL_FROM: string;
  WORKFLOW_BUNDLE?: string;
  [name: string]: string | undefined;
}

export interface WorkerRun {
  n: number;
  pid: number;
  startedAt: number;
  /** When it logged that it polls (ms since the epoch). */
  readyAt?: number;
  /** When the test sent SIGKILL (ms since the epoch). */
  killedAt?: number;
  endedAt?: number;
  /** How it ended: 'SIGKILL' when we killed it, else its exit code or signal. */
  ended?: string;
}

export class WorkerProcess {
  readonly runs: WorkerRun[] = [];
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private lines: string[] = [];
  private static live = new Set<WorkerProcess>();

  constructor(private readonly env: WorkerProcessEnv) {}

  /** Starts the worker and resolves once it polls its task queue. */
  async start(timeoutMs = 60_000): Promise<WorkerRun> {
    if (this.child) throw new Error('the worker process is already running');
    const run: WorkerRun = { n: this.runs.length + 1, pid: 0, startedAt: Date.now() };
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['workers/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so the kill reaches tsx's node child too
    });
    run.pid = child.pid ?? 0;
    this.runs.push(run);
    this.child = child;
    WorkerProcess.live.add(this);

    let ready: () => void;
    let failed: (e: Error) => void;
    const readyP = new Promise<void>((res, rej) => ((ready = res), (failed = rej)));
    const collect = (stream: 'out' | 'err') => {
      let partial = '';
      return (chunk: Buffer) => {
        const text = partial + chunk.toString('utf8');
        const parts = text.split('\n');
        partial = parts.pop()!;
        for (const line of parts) {
          this.lines.push(`[run ${run.n} ${stream}] ${line}`);
          if (this.lines.length > MAX_LINES) this.lines.splice(0, this.lines.length - MAX_LINES);
          if (!run.readyAt && READY.test(line)) {
            run.readyAt = Date.now();
            ready();
          }
        }
      };
    };
    child.stdout!.on('data', collect('out'));
    child.stderr!.on('data', collect('err'));
    this.exited = new Promise<void>((resolve) => {
      const ended = (how: string) => {
        if (run.ended) return;
        run.endedAt = Date.now();
        run.ended = how;
        this.lines.push(`[run ${run.n}] ended: ${how}`);
        if (this.child === child) this.child = undefined;
        WorkerProcess.live.delete(this);
        failed(new Error(`the worker ended (${how}) before polling:\n${this.output(40)}`));
        resolve();
      };
      child.on('exit', (code, signal) => ended(signal ?? `exit ${code}`));
      child.on('error', (err) => {
        // Could not be started (e.g. tsx missing): no process, nothing to kill.
        if (!child.pid) ended(`not started: ${err.message}`);
        else this.lines.push(`[run ${run.n}] ${err.message}`);
      });
    });

    const timer = setTimeout(
      () => failed(new Error(`the worker did not poll within ${timeoutMs} ms:\n${this.output(40)}`)),
      timeoutMs,
    );
    try {
      await readyP;
    } catch (err) {
      await this.kill();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return run;
  }

  get running(): boolean {
    return !!this.child;
  }

  /** SIGKILLs the worker's whole process group and waits until it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const pgid = child.pid;
    if (pgid) {
      this.runs.at(-1)!.killedAt = Date.now();
      killGroup(pgid);
    }
    await this.exited;
    if (!pgid) return;
    // tsx's node child is in the same group; wait until no member of the group runs. A killed
    // member may stay a zombie until its new parent reaps it, later on a busy machine: it runs no code.
    for (let i = 0; i < 500 && groupAlive(pgid); i++) await new Promise((r) => setTimeout(r, 20));
    if (groupAlive(pgid)) throw new Error(`process group ${pgid} survived SIGKILL`);
  }

  async restart(): Promise<WorkerRun> {
    await this.kill();
    return this.start();
  }

  /** The worker's output so far (the last `lastLines` lines), each line tagged with its run. */
  output(lastLines?: number): string {
    return (lastLines ? this.lines.slice(-lastLines) : this.lines).join('\n');
  }

  /** Kills every worker process still running (test teardown, or the test process exiting). */
  static async killAll(): Promise<void> {
    await Promise.all([...WorkerProcess.live].map((w) => w.kill()));
  }

  static {
    process.on('exit', () => {
      for (const w of WorkerProcess.live) if (w.child?.pid) killGroup(w.child.pid);
    });
  }
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Whether a process of the group is alive and not a zombie (from /proc; `kill -0` counts zombies). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  if (!fs.existsSync('/proc/self/stat')) return true;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // it ended while we looked
    }
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so read after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
  }
  return false;
}
