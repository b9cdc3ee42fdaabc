/** The collaborative's timeline as rows for an email, in the reader's time zone. */
import type { Schedule } from '../domain/config';
import { formatInZone } from '../domain/time';

export function timelineRows(s: Schedule, timeZone: string): [string, string][] {
  const d = (iso: string) => formatInZone(iso, timeZone, false);
  const t = (iso: string) => formatInZone(iso, timeZone, true);
  return [
    ...s.informationalCalls.map((c, i): [string, string] => [`Informational call ${i + 1}`, t(c.start)]),
    ['Applications open', d(s.applicationsOpen)],
    ['Applications close', t(s.applicationsClose)],
    ['Decisions by', d(s.decisionsDue)],
    ...(s.notification ? [['Notification', d(s.notification)] as [string, string]] : []),
    ...(s.prework ? [['Pre-work begins', d(s.prework)] as [string, string]] : []),
    ...(s.preworkEnd ? [['Pre-work ends', d(s.preworkEnd)] as [string, string]] : []),
    ...s.learningSessions.map((ls, i): [string, string] => [
      `Learning session ${i + 1}`,
      `${d(ls.start)} — ${ls.venue}`,
    ]),
    ['Collaborative ends', d(s.end)],
  ];
}
