/**
 * The `npm start` demo at its own scale (examples/demo.yaml, `timeScale: 2880`: a programme day in
 * 30 seconds, the whole collaborative in 65 minutes), under the time-skipping test server against
 * the real MongoDB-wire and SMTP servers, with the demo's players (tools/demo-players.ts) giving
 * their inputs as signals at their moments. What a person watching the demo for its hour sees:
 * reminders before sessions and calls, two reporting periods, the silent team climbing every rung
 * of the ladder and appearing in a digest, its missed session flagged, and a final report with run
 * charts and the CSV.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import path from 'node:path';
import { parseLaunchConfig } from '../../domain/config';
import { listSites, upsertSites } from '../../store/sites';
import { loadDemoConfig } from '../../tools/demo';
import { DEMO_SILENT_TEAM, demoSteps, playDemo } from '../../tools/demo-players';
import { collaborativeWorkflow, teamWorkflowId } from '../../workflows';
import { harness, timeSkippingEnv, type Harness } from '../helpers/env';
import { exampleSites } from '../helpers/people';
import type { ReceivedMail } from '../helpers/smtp-sink';

const person = (siteId: string, role: string) => `${role}@${siteId}.example.org`;

describe('the npm start demo, played for its hour (time skipping)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let cfg: ReturnType<typeof parseLaunchConfig>;
  let played: { done: number; failed: number };
  const log: string[] = [];
  const subjects = (email: string) => h.sink.to(email).map((m) => m.parsed.subject!.replace(/ — .*/, ''));
  const staff = 'sam.rivera@network.example.org';

  beforeAll(async () => {
    env = await timeSkippingEnv();
    h = await harness(env, 'demo');
    await upsertSites(h.db, exampleSites);
    const launchedAt = await env.currentTimeMs();
    cfg = parseLaunchConfig(loadDemoConfig(path.join(__dirname, '../../examples/demo.yaml'), launchedAt));
    const sites = new Map(
      (await listSites(h.db)).map((s) => [s.siteId, { name: s.name, piEmail: s.piEmail }]),
    );
    await h.whileRunning(async () => {
      const handle = await env.client.workflow.start(collaborativeWorkflow, {
        workflowId: 'lc/demo',
        taskQueue: h.taskQueue,
        args: [cfg],
      });
      const team = (siteId: string) => env.client.workflow.getHandle(teamWorkflowId('demo', siteId));
      played = await playDemo(
        demoSteps(cfg, sites),
        {
          apply: (app) => handle.signal('submitApplication', app),
          decide: (d) => handle.signal('recordDecision', d),
          prework: (siteId, p) => team(siteId).signal('completePrework', p),
          attend: (siteId, a) => team(siteId).signal('recordAttendance', a),
          metrics: (siteId, s) => team(siteId).signal('submitMetrics', s),
        },
        {
          now: () => env.currentTimeMs(),
          until: async (at) => {
            const delta = at - (await env.currentTimeMs());
            if (delta > 0) await env.sleep(delta);
          },
        },
        { log: (line) => log.push(line) },
      );
      await handle.result();
    });
  }, 240_000);

  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  it('fits the hour: two reporting periods and every step of the players given', () => {
    expect(cfg.schedule.dayMs).toBe(30_000);
    expect(cfg.schedule.periods).toHaveLength(2);
    expect(Date.parse(cfg.schedule.end) - Date.parse(cfg.schedule.announcement!)).toBe(65 * 60_000);
    expect(played.failed).toBe(0);
    expect(played.done).toBe(log.length);
  });

  it('reminds the teams before each session and each consultation call', () => {
    const got = subjects(person('bayview', 'clinician'));
    for (const n of [2, 3]) {
      expect(got).toContain(`Reminder: Learning Session ${n} in 14 days`);
      expect(got).toContain(`Reminder: Learning Session ${n} in 2 days`);
    }
    expect(got.filter((x) => x.startsWith('Reminder: All-collaborative call')).length).toBeGreaterThanOrEqual(
      3,
    );
  });

  it('walks the silent team up every rung, in both periods, and lists it in a digest', () => {
    const rung = (email: string) => subjects(email).filter((x) => /^(Metrics due|Overdue metrics)/.test(x));
    const [p1, p2] = cfg.schedule.periods.map((p) => p.id);
    // data manager: every rung from the first; contact person: from the second; senior leader: the third
    expect(rung(person(DEMO_SILENT_TEAM, 'data'))).toEqual([
      `Metrics due: ${p1}`,
      `Overdue metrics: ${p1}`,
      `Metrics due: ${p1}, ${p2}`,
      `Overdue metrics: ${p1}, ${p2}`,
    ]);
    expect(rung(person(DEMO_SILENT_TEAM, 'supervisor'))).toEqual([
      `Overdue metrics: ${p1}`,
      `Overdue metrics: ${p1}, ${p2}`,
    ]);
    expect(rung(person(DEMO_SILENT_TEAM, 'leader'))).toEqual([
      `Overdue metrics: ${p1}`,
      `Overdue metrics: ${p1}, ${p2}`,
    ]);
    const digests = h.sink.to(staff).filter((m) => m.parsed.subject!.startsWith('Weekly digest'));
    expect(digests.length).toBeGreaterThan(0);
    expect(digests[0]!.parsed.text).toContain('Delta Youth Clinic');
    expect(digests[0]!.parsed.text).not.toContain('Bayview');
  });

  it('flags the team that missed LS1 to the faculty and the coordinator', () => {
    expect(subjects(staff)).toContain('Delta Youth Clinic missed Learning Session 1');
    expect(subjects('jcohen@faculty.example.org')).toContain('Delta Youth Clinic missed Learning Session 1');
  });

  it('ends with the final report: run charts drawn from the data, and the CSV', () => {
    const [report] = h.sink.to(staff).filter((m: ReceivedMail) => /^Final report/.test(m.parsed.subject!));
    expect(report).toBeDefined();
    // Two numeric measures, each charted per team and for all teams, with points on them.
    const html = String(report!.parsed.html);
    expect(html.match(/<svg/g)!.length).toBeGreaterThanOrEqual(2);
    expect(html).toMatch(/aria-roledescription="point"/);
    const csv = report!.parsed.attachments.find((a) => a.filename === 'demo-metrics.csv');
    const rows = csv!.content.toString('utf8').trim().split('\r\n');
    expect(rows.length).toBe(1 + 2 * 2); // two teams reported both periods
    expect(rows.some((r) => r.startsWith('bayview,'))).toBe(true);
  });
});
