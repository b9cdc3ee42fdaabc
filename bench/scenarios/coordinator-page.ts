/**
 * Scenario 9, the coordinator's collaborative page at size: `--page-teams` teams (30) ×
 * `--page-periods` periods (18) and `--page-emails` emails (10,000) in the outbox, served by the
 * real web app (Fastify, over HTTP, with a signed-in coordinator's session) on a Temporal dev
 * server. The figure is the time to the first byte of `/c/page`; its baseline is the same page of
 * a collaborative with one team, one period and 46 emails, in the same database, measured
 * alternately. The absolute target (≤ 300 ms, issue 18) is printed beside the ratio.
 */
import { Client, Connection } from '@temporalio/client';
import type { Db } from 'mongodb';
import http from 'node:http';
import { COLLECTIONS } from '../../store/db';
import nodemailer from 'nodemailer';
import { Outbox } from '../../mail/outbox';
import { buildApp } from '../../web/app';
import { newSession, SESSION_COOKIE } from '../../web/auth';
import {
  figure,
  MAIL_FROM,
  median,
  profiledDb,
  progress,
  timed,
  type ScenarioResult,
  type Services,
} from '../lib';
import type { BenchOptions } from '../options';
import { seedPage } from './page-charts';

const SAMPLES = 9;
const KEY = 'bench-coordinator-page-signing-key'.padEnd(48, 'k');
const TEMPLATES = [
  'announcement',
  'session-invite',
  'session-reminder',
  'metrics-reminder',
  'consultation-invite',
];

async function seedEmails(db: Db, slug: string, n: number): Promise<void> {
  const at = Date.parse('2027-02-01T12:00:00Z');
  for (let start = 0; start < n; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, n - start) }, (_, j) => {
      const i = start + j;
      const key = `${slug}/email-${i}`;
      return {
        _id: key,
        key,
        collaborative: slug,
        purpose: TEMPLATES[i % TEMPLATES.length],
        template: TEMPLATES[i % TEMPLATES.length],
        to: `person-${i % 300}@site-${i % 30}.example.org`,
        subject: `Email ${i} of ${slug}`,
        status: i % 97 === 0 ? 'failed' : 'sent',
        messageId: `<${i}.${slug}@bench.example.org>`,
        attempts: 1,
        claimedAt: new Date(at + i * 60_000),
        sentAt: new Date(at + i * 60_000 + 500),
      };
    });
    await db.collection(COLLECTIONS.outbox).insertMany(batch as never[]);
  }
}

/** Milliseconds to the first byte of a GET, with a session cookie. */
function firstByte(origin: string, path: string, cookie: string): Promise<{ ms: number; status: number }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.get(`${origin}${path}`, { headers: { cookie } }, (res) => {
      res.once('data', () => {
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        res.resume();
        res.on('end', () => resolve({ ms, status: res.statusCode ?? 0 }));
      });
      res.once('error', reject);
    });
    req.once('error', reject);
  });
}

export async function coordinatorPage(services: Services, o: BenchOptions): Promise<ScenarioResult> {
  const t0 = Date.now();
  const { db } = await services.db('coordinator_page');
  const seeded = await timed(async () => {
    await seedPage(db, o.pageTeams, o.pagePeriods, 'page');
    await seedEmails(db, 'page', o.pageEmails);
    await seedPage(db, 1, 1, 'small');
    await seedEmails(db, 'small', 46);
  });
  progress(
    `coordinator-page: seeded ${o.pageTeams} teams × ${o.pagePeriods} periods, ${o.pageEmails} emails (+ a 1-team baseline) in ${(seeded.ms / 1000).toFixed(1)} s`,
  );
  const temporal = await services.temporalDev();
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  // The app gets a profiled handle: the notes say where a visit's database time goes.
  const profiled = profiledDb(db);
  const app = await buildApp({
    db: profiled.db,
    client,
    taskQueue: 'bench-page',
    key: KEY,
    baseUrl: 'http://127.0.0.1',
    admins: [],
    // The page sends nothing: a transport that would fail at once if it tried.
    outbox: new Outbox(db, nodemailer.createTransport({ host: '127.0.0.1', port: 9 }), MAIL_FROM),
  });
  try {
    const origin = await app.listen({ port: 0, host: '127.0.0.1' });
    const doc = await db.collection(COLLECTIONS.collaboratives).findOne({ slug: 'page' });
    const coordinator = (doc?.config as { coordinators: { email: string }[] }).coordinators[0]!.email;
    const cookie = `${SESSION_COOKIE}=${newSession(KEY, coordinator, Date.now())}`;
    // One visit each first: the charts are drawn and stored on a collaborative's first visit.
    for (const slug of ['page', 'small']) {
      const r = await firstByte(origin, `/c/${slug}`, cookie);
      if (r.status !== 200) throw new Error(`/c/${slug} answered ${r.status}`);
    }
    profiled.profile.ops.clear();
    const large: number[] = [];
    const small: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      large.push((await firstByte(origin, '/c/page', cookie)).ms);
      small.push((await firstByte(origin, '/c/small', cookie)).ms);
    }
    const size = `${o.pageTeams} teams × ${o.pagePeriods} periods × ${o.pageEmails} emails`;
    return {
      name: 'coordinator-page',
      title: `The coordinator's collaborative page at ${size}: time to first byte`,
      wallMs: Date.now() - t0,
      figures: [
        figure(`/c/page, ${size}`, median(large), 'ms', {
          baseline: {
            name: '/c/small, 1 team × 1 period × 46 emails',
            value: median(small),
            unit: 'ms',
            kind: 'measured',
          },
        }),
        figure('/c/page against the 300 ms target', median(large), 'ms', {
          target: { op: '<=', value: 300 },
        }),
      ],
      notes: [
        `${SAMPLES} visits of each page, alternately (median), after one visit each that stores the charts.`,
        'No workflow runs for either collaborative: the page shows the status as unavailable, so the figure leaves out one status query (a few ms on the dev server).',
        `Database calls per visit (both pages, ${2 * SAMPLES} visits): ${profiled.profile
          .top(6)
          .map((t) => `${t.op} ${t.calls / (2 * SAMPLES)} × ${t.meanMs.toFixed(0)} ms`)
          .join(', ')}.`,
      ],
      details: { large, small },
    };
  } finally {
    await app.close();
    await connection.close();
    await temporal.stop();
  }
}
