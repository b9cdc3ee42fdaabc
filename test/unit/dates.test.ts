/**
 * The one date format people read, and milestone names as words. The formatter is Intl-only (the
 * workflows use it); it must read exactly as luxon's `ccc d LLL yyyy, HH:mm ZZZZ` on both sides of
 * DST changes, on leap days and at month ends, in zones with half-hour offsets too.
 */
import { DateTime } from 'luxon';
import { formatInZone } from '../../domain/dates';
import { milestoneLabel } from '../../domain/schedule';

describe('formatInZone', () => {
  it.each([
    ['2027-03-04T14:00:00Z', 'America/New_York', 'Thu 4 Mar 2027, 09:00 EST'],
    ['2027-03-14T07:30:00Z', 'America/New_York', 'Sun 14 Mar 2027, 03:30 EDT'], // just after the spring change
    ['2027-11-07T05:30:00Z', 'America/New_York', 'Sun 7 Nov 2027, 01:30 EDT'], // the first 01:30 of the autumn
    ['2027-11-07T06:30:00Z', 'America/New_York', 'Sun 7 Nov 2027, 01:30 EST'], // the second
    ['2028-02-29T23:59:00Z', 'Asia/Tokyo', 'Wed 1 Mar 2028, 08:59 GMT+9'],
    ['2028-02-29T12:00:00Z', 'UTC', 'Tue 29 Feb 2028, 12:00 UTC'],
    ['2026-12-31T23:30:00Z', 'Asia/Kolkata', 'Fri 1 Jan 2027, 05:00 GMT+5:30'],
    ['2027-01-01T00:00:00Z', 'America/Los_Angeles', 'Thu 31 Dec 2026, 16:00 PST'],
  ])('%s in %s reads "%s"', (instant, zone, expected) => {
    expect(formatInZone(instant, zone)).toBe(expected);
    expect(formatInZone(instant, zone, false)).toBe(expected.split(',')[0]);
  });

  it('reads as luxon does, every 7 h 13 min over three years in eight zones', () => {
    const zones = ['America/New_York', 'Asia/Tokyo', 'Europe/London', 'Australia/Lord_Howe'];
    zones.push('America/Los_Angeles', 'UTC', 'Asia/Kolkata', 'America/St_Johns');
    const mismatches: string[] = [];
    for (const zone of zones)
      for (
        let t = Date.parse('2026-01-01T00:00:00Z');
        t < Date.parse('2029-01-01T00:00:00Z');
        t += 26_000_000
      ) {
        const iso = new Date(t).toISOString();
        const luxon = DateTime.fromISO(iso, { zone: 'utc' })
          .setZone(zone)
          .toFormat('ccc d LLL yyyy, HH:mm ZZZZ');
        if (formatInZone(iso, zone) !== luxon)
          mismatches.push(`${zone} ${iso}: ${formatInZone(iso, zone)} ≠ ${luxon}`);
      }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});

describe('milestoneLabel', () => {
  it.each([
    ['learningSessions[0]', 'Learning Session 1'],
    ['learningSessions[2]', 'Learning Session 3'],
    ['informationalCalls[1]', 'Informational call 2'],
    ['applicationsClose', 'Applications close'],
    ['decisionsDue', 'Decisions due'],
    ['prework', 'Pre-work begins'],
    ['somethingElse', 'somethingElse'],
  ])('%s → %s', (name, label) => expect(milestoneLabel(name)).toBe(label));
});
