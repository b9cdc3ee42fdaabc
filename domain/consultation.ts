/**
 * A consultation series as the launch config gives it, in one of three forms:
 * - `first` + `everyDays` (the original form: one call every n days from the first);
 * - `rrule: "FREQ=MONTHLY;BYDAY=2TU"` (RFC 5545);
 * - `every: "2nd Tuesday"` (a readable form, see recurrence.ts),
 * the last two with `time` ("14:00", or at the end of `every`), `from` (default: the first learning
 * session's date), an end (`until`, `count`, and always the collaborative's end) and exceptions:
 * `skip` and `cancel` (dates left out) and `move` (one call to another date or time).
 */
import { z } from 'zod';
import type { ConsultationSeries, Recurrence } from './schedule';
import { dateInputSchema as when, instantReader, type DateInput, repeatEvery, repeatEveryDays } from './time';
import {
  endOfLocalDate,
  expandRule,
  instantToLocal,
  localToInstant,
  readableRule,
  ruleOptions,
  rruleLine,
} from './recurrence';

/** At most this many calls in one consultation series (18 months of daily calls is 550). */
export const MAX_CALLS = 1000;

const TIME = /^([01]?\d|2[0-3]):[0-5]\d$/;

export const consultationSchema = z
  .object({
    kind: z.enum(['all-collaborative', 'clinical']),
    link: z.string().url('expected a URL for the call').optional(),
    durationMinutes: z.number().int().min(15).max(240).default(60),
    first: when.optional(),
    everyDays: z.number().int().min(1).max(92).optional(),
    rrule: z.string().trim().min(1, 'write a rule such as FREQ=MONTHLY;BYDAY=2TU').optional(),
    every: z.string().trim().min(1, 'write a repeat such as "2nd Tuesday"').optional(),
    // Checked with the rule (not here), so its problem is listed with the series' others.
    time: z.string().trim().optional(),
    from: when.optional(),
    until: when.optional(),
    count: z.number().int().min(1).max(MAX_CALLS).optional(),
    skip: z.array(when).optional(),
    cancel: z.array(when).optional(),
    move: z.array(z.object({ from: when, to: when }).strict()).optional(),
  })
  .strict();
export type ConsultationInput = z.infer<typeof consultationSchema>;

const RULE_ONLY = ['time', 'from', 'until', 'count', 'skip', 'cancel', 'move'] as const;

interface Context {
  timeZone: string;
  /** The first learning session's start (the default `from`) and the collaborative's end, as instants. */
  ls1?: string;
  end: string;
  /** Set in a rehearsal in compressed time. */
  dayMs?: number;
  ctx: z.RefinementCtx;
  path: (string | number)[];
}

/** A config's date as people wrote it: a bare local date, or a date-time read in the zone. */
function dateText(v: DateInput): string {
  if (v instanceof Date)
    return v.getUTCHours() === 0 && v.getUTCMinutes() === 0 ? v.toISOString().slice(0, 10) : v.toISOString();
  return v.trim();
}
const isBareDate = (t: string) => /^\d{4}-\d\d-\d\d$/.test(t);

/** The series with its calls; problems are reported on `ctx` (and the series then has no calls). */
export function consultationSeries(c: ConsultationInput, x: Context): ConsultationSeries {
  const problem = (path: (string | number)[], message: string) =>
    x.ctx.addIssue({ code: 'custom', path: [...x.path, ...path], message });
  const at = instantReader(x.timeZone, x.ctx, x.path);
  const forms = (['first', 'rrule', 'every'] as const).filter((k) => c[k] !== undefined);
  const base = { kind: c.kind, durationMinutes: c.durationMinutes, ...(c.link ? { link: c.link } : {}) };
  if (forms.length !== 1) {
    problem(
      [forms[1] ?? 'every'],
      forms.length
        ? `give one of first + everyDays, rrule or every, not ${forms.join(' and ')}`
        : 'say when the calls are: every (e.g. "2nd Tuesday"), rrule, or first + everyDays',
    );
    return { ...base, first: '', calls: [] };
  }

  if (c.first !== undefined) {
    for (const k of RULE_ONLY)
      if (c[k] !== undefined) problem([k], `${k} goes with rrule or every, not with first + everyDays`);
    if (c.everyDays === undefined) {
      problem(['everyDays'], 'say how many days apart the calls are (everyDays), or use every or rrule');
      return { ...base, first: '', calls: [] };
    }
    const first = at(c.first, ['first']);
    const calls =
      first && x.end
        ? x.dayMs
          ? repeatEvery(first, c.everyDays * x.dayMs, x.end, MAX_CALLS + 1)
          : repeatEveryDays(first, c.everyDays, x.end, x.timeZone, MAX_CALLS + 1)
        : [];
    // The original form's fields, as they always were.
    return { ...c, first, calls } as ConsultationSeries;
  }

  if (c.everyDays !== undefined) problem(['everyDays'], 'everyDays goes with first, not with rrule or every');
  if (x.dayMs) {
    problem(
      [forms[0]!],
      'a rehearsal in compressed time (timeScale) repeats calls with first + everyDays, not by the calendar',
    );
    return { ...base, first: '', calls: [] };
  }
  const readable = c.every !== undefined ? readableRule(c.every) : undefined;
  if (readable && 'problem' in readable) {
    problem(['every'], readable.problem);
    return { ...base, first: '', calls: [] };
  }
  const parsed = ruleOptions(readable ? readable.rrule : c.rrule!);
  if ('problem' in parsed) {
    problem([forms[0]!], parsed.problem);
    return { ...base, first: '', calls: [] };
  }
  const time = c.time ?? readable?.time;
  if (!time) {
    problem(['time'], 'say at what time of day the calls start, e.g. time: "14:00"');
    return { ...base, first: '', calls: [] };
  }
  if (!TIME.test(time)) {
    problem([c.time ? 'time' : 'every'], `"${time}" is not a time of day (e.g. 14:00)`);
    return { ...base, first: '', calls: [] };
  }
  const fromText = c.from === undefined ? undefined : dateText(c.from);
  if (fromText !== undefined && !isBareDate(fromText))
    problem(['from'], `"${fromText}" is not a date (e.g. 2027-06-01)`);
  const from = fromText ?? (x.ls1 ? instantToLocal(x.ls1, x.timeZone).slice(0, 10) : undefined);
  const untilText = c.until === undefined ? undefined : dateText(c.until);
  // An end date includes its day: calls stop at midnight after it.
  const until =
    untilText === undefined
      ? x.end
      : isBareDate(untilText)
        ? endOfLocalDate(untilText, x.timeZone)
        : at(untilText, ['until']);
  if (!from || !isBareDate(from) || !until || !x.end) return { ...base, first: '', calls: [] };
  const stop = Date.parse(until) < Date.parse(x.end) ? until : x.end;
  const expansion = { from, time, timeZone: x.timeZone, until: stop, count: c.count };
  const occurrences = expandRule(parsed.options, { ...expansion, limit: MAX_CALLS + 1 });

  // Exceptions name an occurrence by its local date (or date and time).
  const localOf = occurrences.map((t) => instantToLocal(t, x.timeZone));
  const find = (v: DateInput, path: (string | number)[]): number => {
    const text = dateText(v);
    const i = localOf.findIndex((l) =>
      isBareDate(text) ? l.slice(0, 10) === text : l === text.slice(0, 16),
    );
    if (i < 0) problem(path, `"${text}" is not a date of this series`);
    return i;
  };
  const left = new Set<number>();
  const skipped: string[] = [];
  const cancelled: string[] = [];
  const leaveOut = (list: DateInput[] | undefined, field: string, into: string[]) =>
    (list ?? []).forEach((v, j) => {
      const i = find(v, [field, j]);
      if (i < 0) return;
      left.add(i);
      into.push(occurrences[i]!);
    });
  leaveOut(c.skip, 'skip', skipped);
  leaveOut(c.cancel, 'cancel', cancelled);
  const moved: Recurrence['moved'] = [];
  (c.move ?? []).forEach((m, j) => {
    const i = find(m.from, ['move', j, 'from']);
    if (i < 0) return;
    const to = dateText(m.to);
    const target = isBareDate(to)
      ? localToInstant(`${to}T${localOf[i]!.slice(11)}`, x.timeZone)
      : at(to, ['move', j, 'to']);
    if (!target) return;
    if (Date.parse(target) >= Date.parse(x.end))
      return problem(['move', j, 'to'], 'a call moves to a date before the end of the collaborative');
    left.add(i);
    moved.push({ from: occurrences[i]!, to: target });
  });
  const calls = [...occurrences.filter((_, i) => !left.has(i)), ...moved.map((m) => m.to)].sort(
    (a, b) => Date.parse(a) - Date.parse(b),
  );
  if (calls.length === 0)
    problem([forms[0]!], `this rule gives no call from ${from} to the end of the series`);
  const recurrence: Recurrence = {
    rrule: rruleLine(parsed.options, c.count === undefined ? stop : undefined, c.count),
    start: occurrences[0] ?? '',
    time,
    skipped,
    cancelled,
    moved,
  };
  return { ...base, first: calls[0] ?? '', calls, recurrence };
}

/**
 * The first `n` calls of one series as a config gives it (the launch wizard's preview, beside the
 * series), or its problems in words; `end` is the collaborative's end, `ls1` the first session's start.
 */
export function previewCalls(
  input: unknown,
  x: { timeZone: string; ls1?: string; end: string },
  n: number,
): { calls: string[] } | { problems: string[] } {
  const parsed = consultationSchema.safeParse(input);
  if (!parsed.success) return { problems: parsed.error.issues.map((i) => i.message) };
  const problems: string[] = [];
  // Only addIssue is used by the reading; the problems are listed beside the fields by the check.
  const ctx: z.RefinementCtx = {
    addIssue: (i) => void problems.push(i.message ?? ''),
    path: [],
  };
  const series = consultationSeries(parsed.data, { ...x, ctx, path: [] });
  return problems.length ? { problems } : { calls: series.calls.slice(0, n) };
}
