/**
 * A 17-month collaborative whose consultation series are written as coordinators write them —
 * "2nd Tuesday 14:00" with a holiday skipped and "1st and 3rd Thursday 12:00" with one call
 * moved — under the time-skipping test server against the real MongoDB-wire and SMTP servers.
 * Each team member gets one invitation per series (patched('consultation-series-invites')): its
 * .ics, expanded by ical.js in its own VTIMEZONE, gives every call on the right local date and
 * time across both DST changes; the moved call is sent again a week before it (RECURRENCE-ID,
 * SEQUENCE 1); each call's reminder comes the day before (the series' cancellation on withdrawal:
 * test/activities/series-notify.test.ts). The expected calls come from an independent expansion (ical.js, read back with
 * Intl), not from the product's.
 *
 * `LC_RECORD_HISTORIES=<tag> npx jest test/workflows/consultation-series` also writes the
 * collaborative's history for test/replay.
 */
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import ICAL from 'ical.js';
import fs from 'node:fs';
import path from 'node:path';
import { parseLaunchConfig } from '../../domain/config';
import { DAY, ms } from '../../domain/schedule';
import { upsertSites } from '../../store/sites';
import { collaborativeWorkflow } from '../../workflows';
import { exampleStory as story, storyConfig } from '../helpers/configs';
import { harness, timeSkippingEnv, type Harness } from '../helpers/env';
import { applicationFor, piOf as pi, exampleSites as sites } from '../helpers/people';
import type { ReceivedMail } from '../helpers/smtp-sink';

const NY = 'America/New_York';
const FACULTY = 'jcohen@faculty.example.org';
const CLINICIAN = 'clinician@bayview.example.org';

/** The wall-clock time of an instant in New York, 'YYYY-MM-DDTHH:MM', by Intl. */
function wallClock(instant: string | number): string {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone: NY,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const p = Object.fromEntries(f.formatToParts(new Date(instant)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/**
 * ical.js's occurrences of `rrule` at `time` from the local date `from` to before `end`, local;
 * only those that `matches` (RFC 5545 counts DTSTART as an occurrence even when the rule does not
 * match it, and `from` is not meant as one).
 */
function icalCalls(rrule: string, from: string, time: string, end: string, matches: (d: Date) => boolean) {
  const it = ICAL.Recur.fromString(rrule).iterator(ICAL.Time.fromDateTimeString(`${from}T${time}:00`));
  const out: string[] = [];
  for (let t = it.next(); t && t.toString().slice(0, 16) < end; t = it.next())
    out.push(t.toString().slice(0, 16));
  return out.filter((l) => matches(new Date(`${l.slice(0, 10)}T12:00Z`)));
}
const secondTuesday = (d: Date) => d.getUTCDay() === 2 && d.getUTCDate() >= 8 && d.getUTCDate() <= 14;
const firstOrThirdThursday = (d: Date) =>
  d.getUTCDay() === 4 && (d.getUTCDate() <= 7 || (d.getUTCDate() >= 15 && d.getUTCDate() <= 21));
const plusDays = (local: string, days: number) =>
  new Date(Date.parse(`${local}Z`) + days * DAY).toISOString().slice(0, 16);

function rawConfig(): Record<string, any> {
  const c = storyConfig();
  c.slug = 'series';
  c.sites = ['bayview'];
  c.schedule.informationalCalls = [];
  c.schedule.end = story.date('2028-06-09'); // 2027-01-11 → 2028-06-09: 17 months
  c.schedule.consultation = [
    { kind: 'all-collaborative', every: '2nd Tuesday', time: '14:00' },
    { kind: 'clinical', every: '1st and 3rd Thursday 12:00' },
  ];
  delete c.metrics;
  return c;
}

describe('consultation series by rule, 17 months (time skipping)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  const raw = rawConfig();
  const ls1Local = wallClock(parseLaunchConfig(raw).schedule.learningSessions[0]!.start).slice(0, 10);
  const endLocal = wallClock(parseLaunchConfig(raw).schedule.end);
  const monthly = icalCalls('FREQ=MONTHLY;BYDAY=2TU', ls1Local, '14:00', endLocal, secondTuesday);
  const thursdays = icalCalls(
    'FREQ=MONTHLY;BYDAY=1TH,3TH',
    ls1Local,
    '12:00',
    endLocal,
    firstOrThirdThursday,
  );
  // A December holiday skipped; the 5th Thursday call moved a week later.
  const holiday = monthly.find((l) => l.slice(5, 7) === '12')!;
  const movedFrom = thursdays[4]!;
  const movedTo = plusDays(movedFrom, 7);
  raw.schedule.consultation[0].skip = [holiday.slice(0, 10)];
  raw.schedule.consultation[1].move = [{ from: movedFrom.slice(0, 10), to: movedTo.slice(0, 10) }];
  const cfg = parseLaunchConfig(raw);
  const expected = {
    'All-collaborative': monthly.filter((l) => l !== holiday),
    'Clinical consultation': thursdays.map((l) => (l === movedFrom ? movedTo : l)).sort(),
  };
  let mails: ReceivedMail[] = [];

  beforeAll(async () => {
    env = await timeSkippingEnv();
    h = await harness(env, 'series');
    await upsertSites(h.db, sites);
    h.sink.deferParsing = true;
    const running = h.worker.run();
    try {
      const handle = await env.client.workflow.start(collaborativeWorkflow, {
        workflowId: 'lc/series',
        taskQueue: h.taskQueue,
        args: [cfg],
      });
      const until = async (at: number) => {
        const delta = at - (await env.currentTimeMs());
        if (delta > 0) await env.sleep(delta);
      };
      await until(ms(cfg.schedule.applicationsOpen) + DAY);
      await handle.signal('submitApplication', applicationFor('bayview', pi('bayview')));
      await until(ms(cfg.schedule.applicationsClose) + DAY);
      await handle.signal('recordDecision', { siteId: 'bayview', decision: 'accept', by: FACULTY });
      await handle.result();
      await h.sink.parseAll();
      mails = h.sink.to(CLINICIAN);
      if (process.env.LC_RECORD_HISTORIES) {
        const tag = process.env.LC_RECORD_HISTORIES === '1' ? '' : `-${process.env.LC_RECORD_HISTORIES}`;
        const file = path.join(__dirname, '../histories', `collaborative-series${tag}.json`);
        fs.writeFileSync(file, historyToJSON(await handle.fetchHistory()) + '\n');
      }
    } finally {
      h.worker.shutdown();
      await running;
    }
  }, 300_000);

  afterAll(async () => {
    await h?.close();
    await env?.teardown();
  });

  const eventTime = (m: ReceivedMail) =>
    Math.round(ms(m.parsed.headers.get('x-lc-event-time') as string) / 60_000) * 60_000;
  const subjects = (list: ReceivedMail[], prefix: string) =>
    list.filter((m) => m.parsed.subject!.startsWith(prefix));
  /** Every calendar part of an email, parsed, with its VTIMEZONEs registered for ical.js. */
  const calendars = (m: ReceivedMail) =>
    m.parsed.attachments
      .filter((a) => a.contentType.startsWith('text/calendar'))
      .map((a) => {
        const root = new ICAL.Component(ICAL.parse(a.content.toString('utf8')));
        for (const vtz of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(vtz);
        return root;
      });
  const local = (t: ICAL.Time) => wallClock(t.toJSDate().getTime());
  /** ical.js's occurrences of a series: the master's rule less its EXDATEs, the moved ones applied. */
  function occurrences(root: ICAL.Component): string[] {
    const events = root.getAllSubcomponents('vevent');
    const master = new ICAL.Event(events.find((e) => !e.hasProperty('recurrence-id'))!);
    for (const ex of events.filter((e) => e.hasProperty('recurrence-id'))) master.relateException(ex);
    const it = master.iterator();
    const out: string[] = [];
    for (let t = it.next(); t; t = it.next()) out.push(local(master.getOccurrenceDetails(t).startDate));
    return out;
  }
  const series = Object.keys(expected).map((kind, i) => ({
    kind,
    i,
    calls: expected[kind as keyof typeof expected],
  }));
  const ls1 = ms(cfg.schedule.learningSessions[0]!.start);

  afterEach(() => ICAL.TimezoneService.reset());

  it.each(series)(
    'invites each member once to the whole $kind series, whose RRULE ical.js expands to the schedule',
    ({ kind, i, calls }) => {
      const invitations = subjects(mails, `Invitation: ${kind} call`);
      expect(invitations.map((m) => m.parsed.subject)).toHaveLength(1);
      const [m] = invitations;
      const first = cfg.schedule.consultation[i]!.calls[0]!;
      expect(eventTime(m!)).toBe(Math.max(ms(first) - 7 * DAY, ls1));
      const [root, ...more] = calendars(m!);
      expect(more).toHaveLength(0);
      expect(root!.getFirstPropertyValue('method')).toBe('REQUEST');
      const master = root!.getAllSubcomponents('vevent').find((e) => !e.hasProperty('recurrence-id'))!;
      expect(master.getFirstProperty('dtstart')!.getParameter('tzid')).toBe(NY);
      expect(master.getFirstPropertyValue('uid')).toBe(`series-consult-${i}@lc-orchestrator`);
      expect(occurrences(root!)).toEqual(calls);
      // The workflow's own schedule says the same.
      expect(cfg.schedule.consultation[i]!.calls.map(wallClock)).toEqual(calls);
    },
  );

  it('sends the moved call again a week before it: that occurrence alone, SEQUENCE raised', () => {
    const updates = subjects(mails, 'Moved: Clinical consultation call');
    expect(updates).toHaveLength(1);
    expect(subjects(mails, 'Moved:')).toHaveLength(1);
    const [root] = calendars(updates[0]!);
    const events = root!.getAllSubcomponents('vevent');
    expect(events).toHaveLength(1);
    const ev = events[0]!;
    expect(ev.getFirstPropertyValue('uid')).toBe('series-consult-1@lc-orchestrator');
    expect(ev.getFirstPropertyValue('sequence')).toBe(1);
    expect(local(ev.getFirstPropertyValue('recurrence-id') as ICAL.Time)).toBe(movedFrom);
    const start = ev.getFirstPropertyValue('dtstart') as ICAL.Time;
    expect(local(start)).toBe(movedTo);
    expect(eventTime(updates[0]!)).toBe(start.toJSDate().getTime() - 7 * DAY);
  });

  it.each(Object.entries(expected))('reminds the team of each %s call the day before', (kind, calls) => {
    const reminders = subjects(mails, `Reminder: ${kind} call`);
    expect(reminders.map((m) => wallClock(eventTime(m) + DAY)).sort()).toEqual(calls);
  });

  it('keeps 14:00 and 12:00 local on both sides of both DST changes, the holiday skipped and the call moved', () => {
    /** The calls' UTC hours in time order, with repeats collapsed: each change is a DST change. */
    const utcHours = (kind: string) =>
      subjects(mails, `Reminder: ${kind} call`)
        .map((m) => eventTime(m) + DAY)
        .sort((a, b) => a - b)
        .map((t) => new Date(t).getUTCHours())
        .filter((hour, i, all) => hour !== all[i - 1]);
    // Summer (EDT) → winter (EST) → summer: 14:00 is 18:00Z, then 19:00Z, then 18:00Z again.
    expect(utcHours('All-collaborative')).toEqual([18, 19, 18]);
    expect(utcHours('Clinical consultation')).toEqual([16, 17, 16]);
    expect(expected['All-collaborative']).not.toContain(holiday);
    expect(expected['Clinical consultation']).toContain(movedTo);
    expect(expected['Clinical consultation']).not.toContain(movedFrom);
  });
});
