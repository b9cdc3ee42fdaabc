/**
 * The metrics cycle under time skipping, against the real MongoDB-wire and SMTP servers: a team
 * that never submits climbs every rung of the ladder and appears in every weekly digest; a team
 * that submits after the first reminder hears nothing more for that period (and shows late); a
 * team three periods behind gets one merged reminder per rung, not one per period.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DateTime } from 'luxon';
import { parseLaunchConfig } from '../../domain/config';
import { DAY, ms } from '../../domain/schedule';
import { computeCompliance, submissions } from '../../store/metrics';
import { upsertSites } from '../../store/sites';
import { collaborativeWorkflow, teamWorkflowId } from '../../workflows';
import { storyConfig } from '../helpers/configs';
import { harness, timeSkippingEnv, type Harness } from '../helpers/env';
import { MEASURES } from '../helpers/measures';
import { applicationFor, piOf as pi, exampleSites as sites } from '../helpers/people';
import type { ReceivedMail } from '../helpers/smtp-sink';

const FACULTY = 'jcohen@faculty.example.org';
const COORDINATOR = 'sam.rivera@network.example.org';
const NEVER = 'bayview';
const AFTER_FIRST = 'cedar-hill';
const BEHIND = 'delta-youth';

function config() {
  const c = storyConfig();
  c.slug = 'mx';
  c.sites = [NEVER, AFTER_FIRST, BEHIND];
  c.schedule.consultation = [];
  c.schedule.informationalCalls = [];
  c.metrics = { dueDay: 10, measures: MEASURES };
  return parseLaunchConfig(c);
}

describe('metrics: submissions and the chase ladder (time skipping)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let handle: WorkflowHandle<typeof collaborativeWorkflow>;
  const cfg = config();
  const s = cfg.schedule;
  const periods = s.periods;
  const ladder = cfg.metrics!.ladder;
  let compliance: Awaited<ReturnType<typeof computeCompliance>>;

  async function until(at: number) {
    const delta = at - (await env.currentTimeMs());
    if (delta > 0) await env.sleep(delta);
  }
  const team = (siteId: string) => env.client.workflow.getHandle(teamWorkflowId('mx', siteId));
  const submit = (siteId: string, period: string, fidelity = 85) =>
    team(siteId).signal('submitMetrics', {
      period,
      values: { children_served: 12, fidelity, cds_used: true },
      by: `data@${siteId}.example.org`,
    });
  const eventTime = (m: ReceivedMail) =>
    Math.round(ms(m.parsed.headers.get('x-lc-event-time') as string) / 60_000) * 60_000;
  const reminders = (email: string) =>
    h.sink.to(email).filter((m) => /^(Metrics due|Overdue metrics)/.test(m.parsed.subject!));

  beforeAll(async () => {
    env = await timeSkippingEnv();
    h = await harness(env, 'metrics');
    await upsertSites(h.db, sites);
    h.sink.deferParsing = true;
    h.sink.refuse.add(pi(NEVER)); // one address that bounces: nothing may fail because of it
    const running = h.worker.run();
    try {
      handle = await env.client.workflow.start(collaborativeWorkflow, {
        workflowId: 'lc/mx',
        taskQueue: h.taskQueue,
        args: [cfg],
      });
      await until(ms(s.applicationsOpen) + DAY);
      for (const id of [NEVER, AFTER_FIRST, BEHIND])
        await handle.signal('submitApplication', applicationFor(id, pi(id)));
      await until(ms(s.applicationsClose) + DAY);
      for (const id of [NEVER, AFTER_FIRST, BEHIND])
        await handle.signal('recordDecision', { siteId: id, decision: 'accept', notes: '', by: FACULTY });

      for (const [i, p] of periods.entries()) {
        // cedar-hill: the first period one day after its first reminder, then every period on time
        if (i === 0) {
          await until(ms(p.due) + DAY);
          await submit(AFTER_FIRST, p.id);
        } else {
          await until(ms(p.due) - DAY);
          await submit(AFTER_FIRST, p.id);
        }
        // delta-youth: nothing for three periods, then catches up the day after the third is due
        if (i === 2) {
          await until(ms(p.due) + DAY);
          for (const q of periods.slice(0, 3)) await submit(BEHIND, q.id, 70);
        } else if (i > 2) await submit(BEHIND, p.id);
      }
      await handle.result();
      await h.sink.parseAll();
      compliance = await computeCompliance(h.db, 'mx', await env.currentTimeMs());
    } finally {
      h.worker.shutdown();
      await running;
    }
  }, 600_000); // a safety net, not a deadline: a busy machine only slows the run

  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  it('has monthly periods from the first learning session, each due on the 10th of the next month', () => {
    // From LS1's month (local) to the last month whose data is due by the end.
    const ls1 = DateTime.fromISO(s.learningSessions[0]!.start).setZone(cfg.timeZone);
    const dueOf = (month: DateTime) => month.plus({ months: 1 }).set({ day: 10, hour: 9 });
    expect(periods[0]).toMatchObject({
      id: ls1.toFormat('yyyy-MM'),
      due: dueOf(ls1.startOf('month')).toUTC().toISO({ suppressMilliseconds: true }),
    });
    const last = DateTime.fromISO(periods.at(-1)!.start).setZone(cfg.timeZone);
    expect(dueOf(last).toMillis()).toBeLessThanOrEqual(ms(s.end));
    expect(dueOf(last.plus({ months: 1 })).toMillis()).toBeGreaterThan(ms(s.end));
    expect(periods.length).toBeGreaterThanOrEqual(9);
  });

  it('walks a team that never submits up every rung of the ladder, at the configured times', () => {
    const dm = reminders(`data@${NEVER}.example.org`);
    const contact = reminders(`supervisor@${NEVER}.example.org`);
    const senior = reminders(`leader@${NEVER}.example.org`);
    expect(dm.map(eventTime)).toEqual(
      periods.flatMap((p) => [ms(p.due), ms(p.due) + ladder.secondAfterDays * DAY]),
    );
    expect(contact.map(eventTime)).toEqual(periods.map((p) => ms(p.due) + ladder.secondAfterDays * DAY));
    expect(senior.map(eventTime)).toEqual(periods.map((p) => ms(p.due) + ladder.seniorAfterDays * DAY));
    // each email names the missing periods, the measures and the period it chases
    const last = senior.at(-1)!.parsed;
    expect(last.subject).toBe(
      `Overdue metrics: ${periods.map((p) => p.id).join(', ')} — TF-CBT Learning Collaborative 2027`,
    );
    expect(last.text).toContain('Measures to report: Children served; Fidelity (%); Core Data Set used.');
  });

  it('lists the silent team in every weekly digest from the digest rung until the end', () => {
    const digests = h.sink.to(FACULTY).filter((m) => /^Weekly digest/.test(m.parsed.subject!));
    const first = ms(periods[0]!.due) + ladder.digestAfterDays * DAY;
    const expected = [];
    for (let at = first; at < ms(s.end); at += 7 * DAY) expected.push(at);
    expect(digests.map(eventTime)).toEqual(expected);
    for (const d of digests) expect(d.parsed.text).toContain('Bayview Child Trauma Center');
    expect(h.sink.to(COORDINATOR).filter((m) => /^Weekly digest/.test(m.parsed.subject!))).toHaveLength(
      expected.length,
    );
  });

  it('stops chasing a period the moment its data arrives', () => {
    const dm = reminders(`data@${AFTER_FIRST}.example.org`);
    // only the first rung of the first period; every later period was in before its due date
    expect(dm.map((m) => m.parsed.subject)).toEqual([
      `Metrics due: ${periods[0]!.id} — TF-CBT Learning Collaborative 2027`,
    ]);
    expect(reminders(`leader@${AFTER_FIRST}.example.org`)).toEqual([]);
  });

  it('merges the reminders of a team three periods behind into one per rung', () => {
    const dm = reminders(`data@${BEHIND}.example.org`);
    const atThirdDue = dm.filter((m) => eventTime(m) === ms(periods[2]!.due));
    expect(atThirdDue).toHaveLength(1);
    expect(atThirdDue[0]!.parsed.subject).toBe(
      `Metrics due: ${periods
        .slice(0, 3)
        .map((p) => p.id)
        .join(', ')} — TF-CBT Learning Collaborative 2027`,
    );
    // one email per rung event, never one per missing period
    const times = dm.map(eventTime);
    expect(new Set(times).size).toBe(times.length);
    expect(dm).toHaveLength(5); // P1: due, +7d; P2: due, +7d; P3: due (data arrived a day later)
  });

  it('records submissions with late flags, and the compliance matrix shows them', async () => {
    const docs = await submissions(h.db).find({ collaborative: 'mx' }).toArray();
    expect(docs).toHaveLength(2 * periods.length);
    const row = (id: string) => compliance.teams.find((t) => t.siteId === id)!.cells;
    expect(row(NEVER)).toEqual(periods.map(() => 'missing'));
    expect(row(AFTER_FIRST)).toEqual(periods.map((_, i) => (i === 0 ? 'late' : 'on-time')));
    expect(row(BEHIND)).toEqual(periods.map((_, i) => (i < 3 ? 'late' : 'on-time')));
    expect(compliance.totals).toEqual({
      'on-time': 2 * periods.length - 4,
      late: 4,
      missing: periods.length,
      'not-yet-due': 0,
    });
  });

  it('emails the final report with its run charts inline and the CSV attached; each chart matches the stored data', async () => {
    const [mail] = h.sink.to(FACULTY).filter((m) => /^Final report/.test(m.parsed.subject!));
    expect(mail).toBeDefined();
    const html = mail!.parsed.html as string;
    expect(html.match(/<svg/g)).toHaveLength(4); // 2 numeric measures × (each team, all teams)
    const csv = mail!.parsed.attachments.find((a) => a.filename === 'mx-metrics.csv')!;
    const lines = csv.content.toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe(
      'site_id,site,period,submitted_at,late,amendments,children_served,fidelity,cds_used,notes',
    );
    expect(lines).toHaveLength(1 + 2 * periods.length);

    const report = await h.db.collection('reports').findOne({ collaborative: 'mx', kind: 'final' });
    const chart = (report!.charts as { measure: string; scope: string; svg: string; median: number }[]).find(
      (c) => c.measure === 'fidelity' && c.scope === 'Each team',
    )!;
    // Each data point is a tag with aria-roledescription="point" and aria-label="period: P; value: V; series: S".
    const points = [...chart.svg.matchAll(/<[^>]*aria-roledescription="point"[^>]*>/g)].map((tag) => {
      const m = /aria-label="period: (\d{4}-\d\d); value: ([^;]+); series: ([^"]+)"/.exec(tag[0])!;
      return { period: m[1], value: Number(m[2]), series: m[3] };
    });
    const docs = await submissions(h.db).find({ collaborative: 'mx' }).toArray();
    const names: Record<string, string> = {
      'cedar-hill': 'Cedar Hill Family Services',
      'delta-youth': 'Delta Youth Clinic',
    };
    const expected = docs.map((d) => ({
      period: d.period,
      value: d.values.fidelity as number,
      series: names[d.siteId],
    }));
    const key = (x: { period: string; series: string }) => `${x.series}|${x.period}`;
    expect(points.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      expected.sort((a, b) => key(a).localeCompare(key(b))),
    );
    const values = expected.map((e) => e.value).sort((a, b) => a - b);
    const mid =
      values.length % 2
        ? values[(values.length - 1) / 2]!
        : (values[values.length / 2 - 1]! + values[values.length / 2]!) / 2;
    expect(chart.median).toBe(mid);
    expect(chart.svg).toContain(`aria-label="median: ${mid}"`);
    expect(chart.svg).toContain('aria-label="target: 80"');
  });

  it('records an address the server refuses, keeps going, and tells the coordinator in the digest', async () => {
    expect(h.sink.to(pi(NEVER))).toEqual([]);
    const bounce = await h.db.collection('bounces').findOne({ email: pi(NEVER) });
    expect(bounce!.count).toBeGreaterThan(0);
    expect(bounce!.lastError).toMatch(/550/);
    const failed = await h.db
      .collection('outbox')
      .countDocuments({ collaborative: 'mx', to: pi(NEVER), status: 'failed' });
    expect(failed).toBe(bounce!.count);
    const digest = h.sink.to(COORDINATOR).find((m) => /^Weekly digest/.test(m.parsed.subject!))!;
    expect(digest.parsed.subject).toMatch(/undelivered email/);
    expect(digest.parsed.text).toContain(`${pi(NEVER)} (`);
  });
});
