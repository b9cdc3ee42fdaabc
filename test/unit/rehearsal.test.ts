/** The rehearsal's CSV and its what-if diff, over the example directory (no services needed). */
import { parse } from 'csv-parse/sync';
import {
  diffRehearsals,
  rehearsalCsv,
  rehearseWith,
  REHEARSAL_CSV_HEADER,
  SCENARIO,
} from '../../app/rehearsal';
import { parseLaunchConfig } from '../../domain/config';
import { moveMilestone, ms } from '../../domain/schedule';
import { storyConfig } from '../helpers/configs';
import { exampleSites } from '../helpers/people';

const SITES = ['bayview', 'cedar-hill', 'delta-youth'];

function config() {
  const c = storyConfig();
  c.slug = 'rh';
  c.sites = SITES;
  return parseLaunchConfig(c);
}
const sites = exampleSites.filter((s) => SITES.includes(s.siteId));

describe('the rehearsal as CSV', () => {
  it('states the scenario, then one row per email, with a formula-like name neutralised', async () => {
    const cfg = config();
    const evil = sites.map((s) => (s.siteId === 'bayview' ? { ...s, piName: '=HYPERLINK("x")' } : s));
    const r = await rehearseWith(cfg, evil, []);
    const csv = rehearsalCsv(r);
    expect(csv.startsWith('\uFEFF# scenario: ')).toBe(true);
    expect(csv.split('\r\n')[0]).toContain(SCENARIO[0]);
    const rows: Record<string, string>[] = parse(csv, { bom: true, comment: '#', columns: true });
    expect(Object.keys(rows[0]!)).toEqual(REHEARSAL_CSV_HEADER);
    expect(rows).toHaveLength(r.emails.length);
    const announcement = rows.find((x) => x.template === 'announcement' && x.site === 'bayview')!;
    expect(announcement).toMatchObject({
      recipient: 'ana.ruiz@bayview.example.org',
      name: `'=HYPERLINK("x")`,
      role: 'PI',
      'time zone': 'America/Los_Angeles',
    });
    expect(announcement['local time']).toBe('2027-01-11 06:00'); // 09:00 in New York
    expect(announcement['at (UTC)']).toBe('2027-01-11T14:00:00Z');
    expect(rows.map((x) => x['at (UTC)'])).toEqual([...rows.map((x) => x['at (UTC)'])].sort());
  });

  it('names people not yet known by their role, marked as assumed', async () => {
    const r = await rehearseWith(config(), sites, []);
    const dm = r.emails.find((e) => e.template === 'prework' && e.role === 'data manager')!;
    expect(dm).toMatchObject({ email: 'data-manager@bayview.example.invalid', assumed: true });
    expect(r.emails.find((e) => e.role === 'PI')!.assumed).toBeUndefined();
  });
});

describe('what if a milestone moves (the difference between two rehearsals)', () => {
  it("moving LS2 moves its reminders, its storyboard request and reminder, and LS3's invitation (sent as LS2 ends), and only those", async () => {
    const cfg = config();
    const before = await rehearseWith(cfg, sites, []);
    const moved = moveMilestone(cfg.schedule, 'learningSessions[1]', '2027-09-27T13:00:00Z');
    const after = await rehearseWith(cfg, sites, [], { schedule: moved });
    const changes = diffRehearsals(before, after, ms('2027-06-01T00:00:00Z'));
    expect(changes.length).toBeGreaterThan(0);
    expect(new Set(changes.map((c) => c.change))).toEqual(new Set(['moved']));
    expect(new Set(changes.map((c) => c.after!.event.replace(/:[^:]+(:\d+:\d+)$/, '$1')))).toEqual(
      new Set([
        'session-reminder:1:14',
        'session-reminder:1:2',
        'session-invite:2:0',
        'storyboard-request:1',
        'storyboard-reminder:1',
      ]),
    );
    // Each team's five assumed people (three members, a data manager, a contact), five emails.
    expect(changes).toHaveLength(SITES.length * 5 * 5);
    const one = changes.find((c) => c.after!.event.endsWith(':1:14'))!;
    expect(ms(one.after!.at) - ms(one.before!.at)).toBe(14 * 86_400_000);
  });

  it('a move that drops consultation calls after a new end lists them as removed', async () => {
    const cfg = config();
    const before = await rehearseWith(cfg, sites, []);
    const moved = moveMilestone(cfg.schedule, 'end', '2028-02-15T17:00:00Z');
    const after = await rehearseWith(cfg, sites, [], { schedule: moved });
    const changes = diffRehearsals(before, after, ms('2027-06-01T00:00:00Z'));
    const removed = changes.filter((c) => c.change === 'removed');
    expect(removed.length).toBeGreaterThan(0);
    expect(removed.every((c) => ms(c.before!.at) >= ms('2028-02-01T00:00:00Z'))).toBe(true);
    // Nothing before `from` is listed, however the rehearsals differ there.
    expect(diffRehearsals(before, after, ms('2029-01-01T00:00:00Z'))).toEqual([]);
  });
});
