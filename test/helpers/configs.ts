/** Launch configs for tests: the example collaborative with its dates moved to start near "now". */
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import YAML from 'yaml';
import { Story } from './clock';

export function exampleConfig(): Record<string, any> {
  return YAML.parse(fs.readFileSync(path.join(__dirname, '../../examples/collaborative.yaml'), 'utf8'));
}

/** The example Learning Community, as written (dates not yet read). */
export function exampleCommunity(): Record<string, any> {
  return YAML.parse(fs.readFileSync(path.join(__dirname, '../../examples/community.yaml'), 'utf8'));
}

/**
 * A compressed config whose milestones are `offsets` (in seconds) from `now`: the same shape a
 * coordinator writes, with the dates compressed — never a special code path in the workflow.
 */
export function compressedConfig(
  slug: string,
  now: number,
  minutes: Record<string, number> = {},
): Record<string, any> {
  const at = (m: number) => new Date(now + m * 60_000).toISOString();
  const m = {
    announcement: 0,
    open: 0,
    info: 2,
    close: 5,
    decisions: 8,
    prework: 9,
    ls: 10,
    end: 60,
    ...minutes,
  };
  const c = exampleConfig();
  c.slug = slug;
  c.title = `Test collaborative ${slug}`;
  c.scheduleChecks = 'compressed';
  c.schedule = {
    announcement: at(m.announcement),
    informationalCalls: [{ start: at(m.info), durationMinutes: 30 }],
    applicationsOpen: at(m.open),
    applicationsClose: at(m.close),
    decisionsDue: at(m.decisions),
    prework: at(m.prework),
    learningSessions: [0, 1, 2].map((i) => ({
      start: at(m.ls + i * 10),
      end: at(m.ls + i * 10 + 2),
      venue: `Venue ${i + 1}`,
    })),
    consultation: [],
    end: at(m.end),
  };
  return c;
}

/** The examples' timeline (from 11 January 2027) as the time-skipping suites run it (see Story). */
export const exampleStory = new Story('2027-01-11');

/** The example collaborative on the story's dates. */
export function storyConfig(): Record<string, any> {
  return exampleStory.shift(exampleConfig());
}

/** The example Learning Community on the story's dates. */
export function storyCommunity(): Record<string, any> {
  return exampleStory.shift(exampleCommunity());
}

/**
 * A zone for a real-time test that needs the current month's reporting period open and the next
 * one not yet: of two zones 13–14 hours apart, the one whose local month boundary is furthest
 * from `now` (at least 6 hours), so neither the launch nor the test run crosses a month boundary.
 */
export function zoneAwayFromMonthBoundary(now: number): string {
  const hoursToBoundary = (zone: string) => {
    const local = DateTime.fromMillis(now, { zone });
    const sinceStart = local.diff(local.startOf('month'), 'hours').hours;
    const untilEnd = local.endOf('month').diff(local, 'hours').hours;
    return Math.min(sinceStart, untilEnd);
  };
  return ['America/New_York', 'Asia/Tokyo'].sort((a, b) => hoursToBoundary(b) - hoursToBoundary(a))[0]!;
}

/**
 * A compressed collaborative whose first learning session is 10 minutes from `now` and which has
 * exactly two reporting periods: the current month's (started) and the next one (not started). The
 * end is a day after the second period's data is due, whatever the day of the month.
 */
export function twoPeriodConfig(slug: string, now: number, dueDay: number): Record<string, any> {
  const timeZone = zoneAwayFromMonthBoundary(now);
  const secondDue = DateTime.fromMillis(now + 10 * 60_000, { zone: timeZone })
    .startOf('month')
    .plus({ months: 2 })
    .set({ day: dueDay, hour: 9 });
  const end = Math.ceil((secondDue.toMillis() - now) / 60_000) + 24 * 60;
  const c = compressedConfig(slug, now, { end });
  c.timeZone = timeZone;
  return c;
}
