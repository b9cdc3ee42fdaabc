/**
 * The rehearsal (app/rehearsal.ts) is what a run does: a 12-site collaborative with metrics is
 * rehearsed, then run under the time-skipping server with its scenario played (every PI registers
 * for every informational call an hour after the announcement, every site applies
 * an hour after applications open, all accepted an hour after they close, pre-work done, every
 * session attended, every period's metrics in an hour after it starts), and the emails the
 * outbox sent are compared with the rehearsal's list: the same recipients, the same template,
 * the same day in the recipient's zone.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { inviteRegistrant } from '../../app/call-registration';
import { rehearse, SCENARIO_DELAY, scenarioTimes, type Rehearsal } from '../../app/rehearsal';
import { parseLaunchConfig } from '../../domain/config';
import { PREWORK_ITEMS } from '../../domain/inputs';
import { ms, plus } from '../../domain/schedule';
import type { OutboxDoc } from '../../mail/outbox';
import { COLLECTIONS } from '../../store/db';
import { createLifecycleRecords } from '../../store/lifecycle';
import { upsertSites } from '../../store/sites';
import { collaborativeWorkflow, teamWorkflowId } from '../../workflows';
import { storyConfig } from '../helpers/configs';
import { harness, timeSkippingEnv, type Harness } from '../helpers/env';
import { MEASURES } from '../helpers/measures';
import { applicationFor, piOf as pi, exampleSites as sites } from '../helpers/people';

const SLUG = 'rehearsed';
const FACULTY = 'jcohen@faculty.example.org';
const SITES = [
  'bayview',
  'cedar-hill',
  'delta-youth',
  'elm-street',
  'fairview',
  'granite',
  'harbor',
  'inland',
  'juniper',
  'keystone',
  'lakeside',
  'meadow',
];

function config() {
  const c = storyConfig();
  c.slug = SLUG;
  c.sites = SITES;
  c.metrics = { dueDay: 10, measures: MEASURES };
  return parseLaunchConfig(c);
}

/** The recipient's day, as both lists are compared: "<email> <template> <local day>". */
const day = (at: string | Date, timeZone: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short' }).format(new Date(at));

describe('the rehearsal lists exactly the emails a run of its scenario sends (time skipping)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  const cfg = config();
  const s = cfg.schedule;
  let rehearsal: Rehearsal;
  let sent: OutboxDoc[];

  beforeAll(async () => {
    env = await timeSkippingEnv();
    h = await harness(env, 'rehearsal');
    await upsertSites(h.db, sites);
    h.sink.deferParsing = true;
    rehearsal = await rehearse(h.db, cfg, {
      coreTeams: Object.fromEntries(SITES.map((id) => [id, applicationFor(id, pi(id)).coreTeam])),
    });
    // The scenario's inputs, in time order.
    const steps: { at: string; run: () => Promise<unknown> }[] = [];
    const team = (siteId: string) => env.client.workflow.getHandle(teamWorkflowId(SLUG, siteId));
    const handle = () => env.client.workflow.getHandle(`lc/${SLUG}`);
    const step = (at: string, run: () => Promise<unknown>) => steps.push({ at, run });
    // Each PI registers for every call: the record the registerForCall Update writes, then the
    // invitation app/call-registration.ts sends (Updates are unreliable under time skipping).
    const records = createLifecycleRecords(h.db);
    scenarioTimes(s)
      .registerAt(s.announcement!)
      .forEach((at, call) => {
        if (at)
          step(at, async () => {
            const now = new Date(await env.currentTimeMs());
            for (const siteId of SITES) {
              const p = sites.find((x) => x.siteId === siteId)!;
              const r = { call, siteId, name: p.piName, email: p.piEmail };
              await records.recordCallRegistration(SLUG, r);
              expect(await inviteRegistrant(h.db, h.outbox, SLUG, r, now)).toBe('sent');
            }
          });
      });
    step(scenarioTimes(s).applyAt, () =>
      Promise.all(SITES.map((id) => handle().signal('submitApplication', applicationFor(id, pi(id))))),
    );
    step(scenarioTimes(s).decideAt, () =>
      Promise.all(
        SITES.map((siteId) => handle().signal('recordDecision', { siteId, decision: 'accept', by: FACULTY })),
      ),
    );
    const preworkEmail = rehearsal.emails.find((e) => e.template === 'prework')!.at;
    step(plus(preworkEmail, SCENARIO_DELAY), () =>
      Promise.all(
        SITES.flatMap((id) =>
          PREWORK_ITEMS.map((item) => team(id).signal('completePrework', { item, by: pi(id) })),
        ),
      ),
    );
    s.learningSessions.forEach((ls, session) =>
      step(plus(ls.start, SCENARIO_DELAY), () =>
        Promise.all(
          SITES.map((id) =>
            team(id).signal('recordAttendance', {
              session,
              attendees: applicationFor(id, pi(id)).coreTeam.members.map((m) => ({
                email: m.email,
                present: true,
              })),
              by: FACULTY,
            }),
          ),
        ),
      ),
    );
    for (const p of s.periods)
      step(plus(p.start, SCENARIO_DELAY), () =>
        Promise.all(
          SITES.map((id) =>
            team(id).signal('submitMetrics', {
              period: p.id,
              values: { children_served: 12, fidelity: 85, cds_used: true },
              by: `data@${id}.example.org`,
            }),
          ),
        ),
      );
    steps.sort((a, b) => ms(a.at) - ms(b.at));

    await h.whileRunning(async () => {
      const started = await env.client.workflow.start(collaborativeWorkflow, {
        workflowId: `lc/${SLUG}`,
        taskQueue: h.taskQueue,
        args: [cfg],
      });
      for (const x of steps) {
        const delta = ms(x.at) - (await env.currentTimeMs());
        if (delta > 0) await env.sleep(delta);
        await x.run();
      }
      await started.result();
    });
    sent = await h.db.collection<OutboxDoc>(COLLECTIONS.outbox).find({ collaborative: SLUG }).toArray();
  }, 480_000);

  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  it('rehearses every kind of email of the scenario, to people in several zones', () => {
    const kinds = new Set(rehearsal.emails.map((e) => e.template));
    for (const k of [
      'announcement',
      'info-call-invite',
      'info-call-reminder',
      'application-received',
      'decision',
      'prework',
      'session-invite',
      'session-reminder',
      'consultation-invite',
      'consultation-reminder',
      'final-report',
    ])
      expect(kinds).toContain(k);
    expect(new Set(rehearsal.emails.map((e) => e.timeZone)).size).toBeGreaterThan(2);
    expect(rehearsal.unknownSites).toEqual([]);
  });

  it('lists exactly the emails the run sent: recipient, template and day in their zone', () => {
    expect(sent.every((d) => d.status === 'sent')).toBe(true);
    const zone = new Map(rehearsal.emails.map((e) => [e.email, e.timeZone]));
    const ran = sent.map((d) => `${d.to} ${d.template} ${day(d.eventTime!, zone.get(d.to) ?? 'UTC')}`);
    const rehearsed = rehearsal.emails.map((e) => `${e.email} ${e.template} ${day(e.at, e.timeZone)}`);
    expect(ran.sort()).toEqual(rehearsed.sort());
    expect(sent.length).toBeGreaterThan(500);
  });

  it('sends each at the time rehearsed, under the outbox key of the same event (to the minute)', () => {
    const key = (e: Rehearsal['emails'][number]) =>
      e.template === 'announcement' ? `${SLUG}:${e.event}` : `${SLUG}:${e.event}:${e.email}`;
    const rehearsed = new Map(rehearsal.emails.map((e) => [key(e), e]));
    expect(rehearsed.size).toBe(rehearsal.emails.length);
    const late = sent.filter((d) => {
      const e = rehearsed.get(d.key);
      return !e || Math.abs(d.eventTime!.getTime() - ms(e.at)) > 60_000;
    });
    expect(late.map((d) => `${d.key} at ${d.eventTime!.toISOString()}`)).toEqual([]);
  });

  it("gives each person the zone of their site (staff the collaborative's)", () => {
    const siteZone = new Map(sites.map((x) => [x.siteId, x.timeZone ?? cfg.timeZone]));
    for (const e of rehearsal.emails)
      expect(e.timeZone).toBe(
        e.role === 'faculty' || e.role === 'coordinator' ? cfg.timeZone : siteZone.get(e.siteId!),
      );
  });
});
