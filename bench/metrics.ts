/**
 * Where the throughput scenario's time goes: deltas of the SDK runtime's Prometheus metrics
 * (workflow-task and activity latencies, per type) and of CPU time per process (this one, which
 * runs the worker; the Temporal dev server; FerretDB; PostgreSQL under it) between two snapshots.
 */
import fs from 'node:fs';
import path from 'node:path';

export type Samples = Map<string, number>;

/** Every sample of the runtime's `/metrics` as `name{labels}` → value (empty when not served). */
export async function scrape(address: string | undefined): Promise<Samples> {
  const out: Samples = new Map();
  if (!address) return out;
  const text = await (await fetch(`http://${address}/metrics`)).text();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

/**
 * For a histogram `name`, the calls and mean (ms) between two scrapes, per value of `label`
 * (labels dropped otherwise; the runtime reports durations in milliseconds).
 */
export function histogramDelta(
  before: Samples,
  after: Samples,
  name: string,
  label?: string,
): Record<string, { count: number; meanMs: number; totalMs: number }> {
  const acc: Record<string, { count: number; totalMs: number }> = {};
  for (const [key, v] of after) {
    const m = /^([a-z_]+)(?:\{(.*)\})?$/.exec(key);
    if (!m || (m[1] !== `${name}_sum` && m[1] !== `${name}_count`)) continue;
    const l = label ? (new RegExp(`${label}="([^"]*)"`).exec(m[2] ?? '')?.[1] ?? '?') : 'all';
    const d = v - (before.get(key) ?? 0);
    const e = (acc[l] ??= { count: 0, totalMs: 0 });
    if (m[1].endsWith('_sum')) e.totalMs += d;
    else e.count += d;
  }
  return Object.fromEntries(
    Object.entries(acc)
      .filter(([, e]) => e.count > 0)
      .map(([k, e]) => [k, { count: e.count, totalMs: e.totalMs, meanMs: e.totalMs / e.count }]),
  );
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

function procStat(pid: number): { comm: string; ppid: number; cpuMs: number } | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = s.lastIndexOf(')');
    const comm = s.slice(s.indexOf('(') + 1, close);
    const f = s.slice(close + 2).split(' ');
    // Fields after the comm: state ppid … utime (14th overall) stime (15th).
    return { comm, ppid: Number(f[1]), cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS };
  } catch {
    return undefined;
  }
}

/**
 * CPU milliseconds used so far by this process and by each kind of process under it (by command
 * name: temporal, ferretdb, …), plus the private PostgreSQL's processes when `pgDataDir` is given.
 */
export function cpuSnapshot(pgDataDir?: string): Record<string, number> {
  const all = new Map<number, { comm: string; ppid: number; cpuMs: number }>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const st = procStat(Number(d));
    if (st) all.set(Number(d), st);
  }
  const roots = new Set<number>([process.pid]);
  if (pgDataDir) {
    try {
      roots.add(Number(fs.readFileSync(path.join(pgDataDir, 'postmaster.pid'), 'utf8').split('\n')[0]));
    } catch {
      // not started
    }
  }
  const under = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 10; hops++) {
      if (roots.has(p)) return true;
      p = all.get(p)?.ppid ?? 0;
    }
    return false;
  };
  const usage = process.cpuUsage();
  const out: Record<string, number> = { bench: (usage.user + usage.system) / 1000 };
  for (const [pid, st] of all) {
    if (pid === process.pid || !under(pid)) continue;
    const name = st.comm.startsWith('postgres') || st.comm.startsWith('postmaster') ? 'postgres' : st.comm;
    out[name] = (out[name] ?? 0) + st.cpuMs;
  }
  return out;
}

export function cpuDelta(before: Record<string, number>, after: Record<string, number>) {
  return Object.fromEntries(
    Object.keys(after)
      .map((k) => [k, after[k]! - (before[k] ?? 0)] as const)
      .filter(([, v]) => v > 0),
  );
}
