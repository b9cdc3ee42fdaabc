/**
 * The production worker as operators run it: a real `workers/main.ts` process with the prebuilt
 * workflow bundle, JSON logs, /healthz, /readyz and /metrics whose counters match what the SMTP
 * server received, two processes sharing one task queue, and a graceful stop on SIGTERM.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Db } from 'mongodb';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import * as ops from '../../app';
import { upsertSites } from '../../store/sites';
import { freePort } from '../../tools/services';
import { compressedConfig } from '../helpers/configs';
import { devServerEnv, testDb } from '../helpers/env';
import { SmtpSink } from '../helpers/smtp-sink';
import { waitFor } from '../helpers/wait';

const ROOT = path.join(__dirname, '../..');
const SITES = Array.from({ length: 10 }, (_, i) => ({
  siteId: `w${i}`,
  name: `Worker test site ${i}`,
  piName: `Dr ${i}`,
  piEmail: `pi${i}@w.example.org`,
  active: true,
}));

interface Proc {
  child: ChildProcess;
  out: string[];
  port: number;
}

describe('the worker process (production mode)', () => {
  let env: TestWorkflowEnvironment;
  // The worker processes do all the work: no in-process worker here.
  let h: { db: Db; sink: SmtpSink; taskQueue: string; close: () => Promise<void> };
  const procs: Proc[] = [];

  async function startWorker(): Promise<Proc> {
    const port = await freePort();
    // As the image runs it (`node --import tsx`): the tsx CLI would relay SIGTERM, and SIGKILL the
    // worker when it does not acknowledge the signal within 30 ms, which a busy machine can miss.
    const child = spawn(process.execPath, ['--import', 'tsx', 'workers/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: env.address,
        TASK_QUEUE: h.taskQueue,
        MONGODB_URI: process.env.LC_TEST_MONGODB_URI,
        MONGODB_DB: h.db.databaseName,
        SMTP_URL: h.sink.url,
        WORKFLOW_BUNDLE: process.env.LC_TEST_WORKFLOW_BUNDLE,
        LC_HTTP_PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so that a failed test can stop all of it
    });
    const p: Proc = { child, out: [], port };
    child.stdout!.on('data', (d: Buffer) => p.out.push(...d.toString().split('\n').filter(Boolean)));
    child.stderr!.on('data', (d: Buffer) => p.out.push(...d.toString().split('\n').filter(Boolean)));
    procs.push(p);
    await waitFor('/readyz', async () =>
      (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined,
    );
    return p;
  }
  const metric = async (p: Proc, purpose: string) => {
    const text = await (await fetch(`http://127.0.0.1:${p.port}/metrics`)).text();
    const m = new RegExp(`^lc_emails_total\\{purpose="${purpose}",outcome="sent"\\} (\\d+)$`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };

  beforeAll(async () => {
    env = await devServerEnv();
    const dbh = await testDb('workerproc');
    const sink = await new SmtpSink().start();
    h = {
      db: dbh.db,
      sink,
      taskQueue: `tq-workerproc-${Date.now()}`,
      close: async () => {
        await sink.stop();
        await dbh.close();
      },
    };
    await upsertSites(h.db, SITES);
  });
  afterAll(async () => {
    for (const p of procs) {
      try {
        process.kill(-p.child.pid!, 'SIGKILL'); // the whole group, the worker's node process included
      } catch {
        // already gone
      }
    }
    await h.close();
    await env.teardown();
  });

  it('serves health and readiness, logs JSON, and shares a task queue between two processes', async () => {
    const [a, b] = [await startWorker(), await startWorker()];
    expect(await (await fetch(`http://127.0.0.1:${a.port}/healthz`)).text()).toBe('ok');
    for (const slug of ['wp-one', 'wp-two', 'wp-three'])
      await ops.launch(env.client, h.db, h.taskQueue, compressedConfig(slug, Date.now()));
    await waitFor('30 announcements', async () =>
      h.sink.received.filter((m) => /^Announcing/.test(m.parsed.subject!)).length === 30 ? true : undefined,
    );
    // Each announcement counted once across the two processes, as the SMTP server saw it.
    await waitFor('the counters', async () =>
      (await metric(a, 'announcement')) + (await metric(b, 'announcement')) === 30 ? true : undefined,
    );
    const keys = h.sink.received.map((m) => m.parsed.headers.get('x-lc-key'));
    expect(new Set(keys).size).toBe(keys.length);
    const json = a.out.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(json.some((l) => l.msg === 'worker polling' && l.taskQueue === h.taskQueue)).toBe(true);
  });

  it('stops gracefully on SIGTERM and the other process carries on', async () => {
    const [a, b] = procs;
    const exited = new Promise<number | null>((r) => a!.child.once('exit', (code) => r(code)));
    a!.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(a!.out.some((l) => l.includes('"msg":"worker stopped"'))).toBe(true);
    await ops.launch(env.client, h.db, h.taskQueue, compressedConfig('wp-four', Date.now()));
    await waitFor('the fourth announcement', async () =>
      h.sink.received.filter((m) => /^Announcing the Test collaborative wp-four/.test(m.parsed.subject!))
        .length === 10
        ? true
        : undefined,
    );
    expect(b!.child.exitCode).toBeNull();
  });
});
