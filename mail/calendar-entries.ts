/** What a person's calendar holds of a collaborative, from the emails they were sent. */
import type { Schedule } from '../domain/schedule';
import { calendarEntryId, type CalendarEntry } from '../templates/notices';

/**
 * What a person's calendar holds of a collaborative's events still to come (starting after
 * `after`), from the keys of the emails they were sent: each informational call, learning
 * session, consultation call and consultation series they were invited to, with the highest
 * SEQUENCE sent.
 */
export function calendarEntriesSent(
  keys: string[],
  schedule: Schedule,
  after: number,
  /** The schedule's version now: no informational call's invitation was sent with a higher SEQUENCE. */
  scheduleVersion = 0,
): CalendarEntry[] {
  const entries = new Map<string, CalendarEntry>();
  const saw = (e: CalendarEntry) => {
    const id = calendarEntryId(e);
    const known = entries.get(id);
    if (!known || known.sequence < e.sequence) entries.set(id, e);
  };
  const moves: CalendarEntry[] = [];
  for (const key of keys) {
    const invite = /^session-invite:[^:]+:(\d+):(\d+)$/.exec(key);
    const moved = /^schedule-change:learningSessions\[(\d+)\]:(\d+)$/.exec(key);
    const infoCall = /^info-call-invite:(\d+)$/.exec(key);
    const infoCallMoved = /^schedule-change:informationalCalls\[(\d+)\]:(\d+)$/.exec(key);
    const call = /^consultation-invite:(\d+):(\d+)$/.exec(key);
    const series = /^consultation-series-invite:(\d+)$/.exec(key);
    const occurrence = /^consultation-moved:(\d+):\d+$/.exec(key);
    if (invite) saw({ kind: 'session', index: Number(invite[1]), sequence: Number(invite[2]) });
    else if (moved) moves.push({ kind: 'session', index: Number(moved[1]), sequence: Number(moved[2]) });
    else if (call) saw({ kind: 'call', series: Number(call[1]), index: Number(call[2]), sequence: 0 });
    else if (series) saw({ kind: 'series', series: Number(series[1]), sequence: 0 });
    else if (occurrence) moves.push({ kind: 'series', series: Number(occurrence[1]), sequence: 1 });
    // Its key is once per call (however often they register); its SEQUENCE was the schedule's version then.
    else if (infoCall) saw({ kind: 'info-call', call: Number(infoCall[1]), sequence: scheduleVersion });
    else if (infoCallMoved)
      moves.push({ kind: 'info-call', call: Number(infoCallMoved[1]), sequence: Number(infoCallMoved[2]) });
  }
  // A schedule change raises the SEQUENCE of an entry the person holds; it creates none.
  for (const m of moves) if (entries.has(calendarEntryId(m))) saw(m);
  // A series is still to come while its last call is.
  const start = (e: CalendarEntry) =>
    Date.parse(
      (e.kind === 'session'
        ? schedule.learningSessions[e.index]?.start
        : e.kind === 'info-call'
          ? schedule.informationalCalls[e.call]?.start
          : e.kind === 'series'
            ? schedule.consultation[e.series]?.calls.at(-1)
            : schedule.consultation[e.series]?.calls[e.index]) ?? '',
    );
  return [...entries.values()].filter((e) => start(e) > after).sort((a, b) => start(a) - start(b));
}
