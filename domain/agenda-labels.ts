/**
 * An agenda item's key (domain/agenda.ts) in words, for people reading a status: the workflows
 * report their next item by key ("consultation-invite:0:3"), which means nothing to a coordinator.
 */
const WORDS: Record<string, (n: number[], parts: string[]) => string> = {
  announce: () => 'the announcement',
  'info-call-reminder': ([i]) => `the reminder of informational call ${i + 1}`,
  'applications-open': () => 'applications open',
  'applications-closing': () => 'the reminder that applications close soon',
  'applications-close': () => 'applications close',
  'review-reminder': () => 'the reminder to faculty to review the applications',
  'decisions-due': () => 'decisions due',
  notify: () => 'the decision notices to the sites',
  'sessions-begin': () => 'learning session 1 begins',
  'consultation-invite': ([s, c]) => `the invitation to call ${c + 1} of consultation series ${s + 1}`,
  'consultation-series-invite': ([s]) => `the invitation to consultation series ${s + 1}`,
  'consultation-moved': ([s, m]) => `the update of moved call ${m + 1} of consultation series ${s + 1}`,
  'consultation-reminder': ([s, c]) => `the reminder of call ${c + 1} of consultation series ${s + 1}`,
  'metrics-digest': ([n]) => `missing-metrics digest ${n + 1}`,
  'metrics-complete': () => 'the last metrics due',
  'storyboard-request': ([i]) => `the request for storyboards of learning session ${i + 1}`,
  'storyboard-reminder': ([i]) => `the reminder of storyboards for learning session ${i + 1}`,
  'shared-digest': ([n]) => `digest ${n + 1} of what teams shared`,
  'metrics-rung': (_, [period, rung]) => `metrics reminder ${Number(rung) + 1} for ${period}`,
  start: () => 'the start',
  'meeting-invite': ([i]) => `the invitation to meeting ${i + 1}`,
  'meeting-reminder': ([i]) => `the reminder of meeting ${i + 1}`,
  digest: ([i]) => `digest ${i + 1}`,
  prework: () => 'the pre-work',
  'prework-reminder': ([n]) => `pre-work reminder ${n + 1}`,
  'session-invite': ([i]) => `the invitation to learning session ${i + 1}`,
  'session-reminder': ([i]) => `a reminder of learning session ${i + 1}`,
  'session-check': ([i]) => `the attendance check of learning session ${i + 1}`,
  end: () => 'the end',
};

export function agendaItemLabel(key: string): string {
  const [kind, ...rest] = key.split(':');
  const words = WORDS[kind];
  if (!words) return key;
  if (kind === 'metrics-rung') return rest.length === 2 && /^\d+$/.test(rest[1]) ? words([], rest) : key;
  const numbers = rest.map(Number);
  return numbers.some((n) => !Number.isInteger(n)) ? key : words(numbers, rest);
}
