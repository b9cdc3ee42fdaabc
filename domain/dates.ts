/**
 * The one way people read a date in this product, in emails, pages, refusals and the CLI:
 * "Tue 4 Mar 2027, 09:00 EST" in the reader's zone. Built on Intl alone (no luxon), so the
 * workflows' refusals use it too.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** "Tue 4 Mar 2027, 09:00 EST" (or "Tue 4 Mar 2027" without the time) in `timeZone`. */
export function formatInZone(instant: string, timeZone: string, withTime = true): string {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(instant))) parts[p.type] = p.value;
  const day = `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}`;
  return withTime ? `${day}, ${parts.hour}:${parts.minute} ${parts.timeZoneName}` : day;
}
