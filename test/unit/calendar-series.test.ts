/**
 * A consultation series as one invitation (mail/calendar-series.ts): parsed with ical.js, its
 * RRULE expanded with its EXDATEs and its moved occurrence (RECURRENCE-ID) by ical.js in the
 * document's own VTIMEZONE gives exactly the calls of the schedule, across both DST changes.
 */
import ICAL from 'ical.js';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { parseLaunchConfig } from '../../domain/config';
import { renderSeriesIcs, type SeriesInvite } from '../../mail/calendar-series';

type Component = InstanceType<typeof ICAL.Component>;

const config = () => {
  const c = YAML.parse(fs.readFileSync(path.join(__dirname, '../../examples/collaborative.yaml'), 'utf8'));
  c.schedule.consultation = [
    {
      kind: 'all-collaborative',
      every: '2nd Tuesday 14:00',
      skip: ['2027-12-14'],
      cancel: ['2028-02-08'],
      move: [{ from: '2027-11-09', to: '2027-11-16' }],
    },
  ];
  return parseLaunchConfig(c);
};

function invite(over: Partial<SeriesInvite> = {}): SeriesInvite {
  return {
    uid: 'tf-cbt-2027-series-0@lc-orchestrator',
    sequence: 0,
    method: 'REQUEST',
    timeZone: 'America/New_York',
    stamp: '2027-05-10T13:00:00Z',
    summary: 'All-collaborative call: TF-CBT 2027',
    url: 'https://meet.example.org/tfcbt-all',
    organizer: { name: 'Coordinator', email: 'coordinator@lc-orchestrator.local' },
    attendees: [{ name: 'Ana Ruiz', email: 'ana.ruiz@bayview.example.org' }],
    series: config().schedule.consultation[0]!,
    ...over,
  };
}

function parse(ics: string) {
  const root = new ICAL.Component(ICAL.parse(ics));
  ICAL.TimezoneService.reset();
  for (const vtz of root.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(vtz);
  return { root, events: root.getAllSubcomponents('vevent') };
}

const iso = (t: InstanceType<typeof ICAL.Time>) =>
  new Date(t.toUnixTime() * 1000).toISOString().replace('.000Z', 'Z');

/** Every occurrence ical.js finds: the master's rule less its EXDATEs, with the exceptions applied. */
function occurrences(events: Component[]): string[] {
  const master = new ICAL.Event(events.find((e) => !e.hasProperty('recurrence-id'))!);
  for (const ex of events.filter((e) => e.hasProperty('recurrence-id'))) master.relateException(ex);
  const it = master.iterator();
  const out: string[] = [];
  for (let t = it.next(); t; t = it.next()) out.push(iso(master.getOccurrenceDetails(t).startDate));
  return out;
}

afterAll(() => ICAL.TimezoneService.reset());

describe('a consultation series as one invitation', () => {
  const s = config().schedule.consultation[0]!;

  it("expands (by ical.js, in its VTIMEZONE) to exactly the schedule's calls", () => {
    const { root, events } = parse(renderSeriesIcs(invite()));
    expect(root.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(events).toHaveLength(2); // the series and its moved occurrence
    expect(occurrences(events)).toEqual(s.calls);
    expect(s.calls).toContain('2027-11-16T19:00:00Z'); // moved, in EST
    expect(s.calls).not.toContain('2027-12-14T19:00:00Z'); // skipped
    const master = events.find((e) => !e.hasProperty('recurrence-id'))!;
    expect(master.getFirstProperty('dtstart')!.getParameter('tzid')).toBe('America/New_York');
    expect(String(master.getFirstPropertyValue('rrule'))).toBe(
      'FREQ=MONTHLY;BYDAY=+2TU;UNTIL=20280331T130000Z',
    );
    expect(master.getAllProperties('exdate').flatMap((p) => p.getValues().map((v) => iso(v)))).toEqual([
      '2027-12-14T19:00:00Z',
      '2028-02-08T19:00:00Z',
    ]);
  });

  it('updates one moved occurrence alone: its RECURRENCE-ID and a raised SEQUENCE', () => {
    const { events } = parse(renderSeriesIcs(invite({ sequence: 1, only: '2027-11-09T19:00:00Z' })));
    expect(events).toHaveLength(1);
    const ev = events[0]!;
    expect(ev.getFirstPropertyValue('sequence')).toBe(1);
    expect(ev.getFirstPropertyValue('uid')).toBe('tf-cbt-2027-series-0@lc-orchestrator');
    expect(iso(ev.getFirstPropertyValue('recurrence-id') as InstanceType<typeof ICAL.Time>)).toBe(
      '2027-11-09T19:00:00Z',
    );
    expect(iso(ev.getFirstPropertyValue('dtstart') as InstanceType<typeof ICAL.Time>)).toBe(
      '2027-11-16T19:00:00Z',
    );
    expect(() => renderSeriesIcs(invite({ only: '2027-10-12T18:00:00Z' }))).toThrow(/not a moved occurrence/);
  });

  it('cancels the whole series', () => {
    const { root, events } = parse(renderSeriesIcs(invite({ method: 'CANCEL', sequence: 2 })));
    expect(root.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(events).toHaveLength(1);
    expect(events[0]!.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(events[0]!.hasProperty('rrule')).toBe(true);
  });
});
