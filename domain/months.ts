/**
 * Whole months in a time zone, on Intl alone (no luxon: the workflow bundle uses this). "A month
 * after 31 January, 09:00 New York" is 28 (or 29) February, 09:00 New York, whatever the UTC
 * offset is then: the same wall-clock time, the day clamped to the month's last.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock of instant `t` in `timeZone`, as the UTC instant with those fields. */
function wallClockAsUtc(t: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(t)))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
}

/** The instant whose wall clock in `timeZone` is `wall` (fields of a UTC instant); in a DST gap, an hour on. */
function fromWallClock(wall: number, timeZone: string): number {
  const offset = (t: number) => wallClockAsUtc(t, timeZone) - t;
  const first = wall - offset(wall);
  const second = wall - offset(first);
  return wallClockAsUtc(second, timeZone) === wall ? second : Math.max(first, second);
}

/** `months` whole months after `iso` in `timeZone` (same local time to the second; the 31st becomes a shorter month's last day). */
export function plusMonths(iso: string, months: number, timeZone: string): string {
  const t = Date.parse(iso);
  const w = new Date(wallClockAsUtc(t, timeZone));
  const y = w.getUTCFullYear();
  const m = w.getUTCMonth() + months;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const wall = Date.UTC(
    y,
    m,
    Math.min(w.getUTCDate(), last),
    w.getUTCHours(),
    w.getUTCMinutes(),
    w.getUTCSeconds(),
  );
  return new Date(fromWallClock(wall, timeZone)).toISOString();
}
