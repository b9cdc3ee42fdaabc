/**
 * The launch wizard's rules, pure: a form's fields → the launch config the CLI and the YAML route
 * take (the same `launchConfigSchema`), every problem at once under the form's field names, the
 * schedule's typical spacing from an announcement date, a copy of an earlier collaborative with its
 * dates shifted, and a pasted config's syntax slips in plain words.
 *
 * Field names are the config's paths (`schedule.applicationsClose`, `coordinators[1].email`), so a
 * schema problem lands beside its field; rows left blank are skipped and `renamed` maps the config's
 * index back to the row's.
 */
import { DateTime } from 'luxon';
import YAML from 'yaml';
import { launchConfigProblems, parseLaunchConfig, type LaunchConfig, type Person } from '../domain/config';
import type { Recurrence } from '../domain/schedule';
import { ValidationError } from '../domain/errors';
import { previewCalls } from '../domain/consultation';
import {
  choicesFromRrule,
  instantToLocal,
  ruleFromChoices,
  RULE_PATTERNS,
  type ChoiceField,
  type RulePattern,
} from '../domain/recurrence';
import { monthlyPeriods, toInstant } from '../domain/time';
import { requiredReadably } from './validate';

/** What a form sends: each field's text, or a list for checkboxes. */
export type DraftFields = Record<string, string | string[] | undefined>;

export const LOCAL_FORMAT = "yyyy-MM-dd'T'HH:mm";

/** The rows each list offers at least (blank ones are ignored). */
export const MIN_ROWS = {
  coordinators: 2,
  faculty: 3,
  'schedule.informationalCalls': 2,
  'schedule.learningSessions': 3,
  'schedule.consultation': 2,
  'metrics.measures': 4,
} as const;
export type ListName = keyof typeof MIN_ROWS;
/** Blank rows offered past the last filled one: none where the count is set (three sessions). */
const EXTRA_ROWS: Record<ListName, number> = {
  coordinators: 1,
  faculty: 1,
  'schedule.informationalCalls': 1,
  'schedule.learningSessions': 0,
  'schedule.consultation': 0,
  'metrics.measures': 1,
};

export const SESSION_FIELDS = ['start', 'end', 'venue'] as const;
export const CALL_FIELDS = ['start', 'durationMinutes', 'link'] as const;
export const CONSULTATION_FIELDS = [
  'kind',
  'repeat',
  'first',
  'everyDays',
  'weeks',
  'weekday',
  'monthDay',
  'weekdays',
  'rrule',
  'time',
  'from',
  'until',
  'count',
  'skip',
  'move',
  'durationMinutes',
  'link',
] as const;
/** A series' "how the calls repeat": every n days from a first call (the original form), or a rule. */
export const REPEATS = ['days', ...RULE_PATTERNS] as const;
export type Repeat = (typeof REPEATS)[number];
/** The fields of a rule series a coordinator types or ticks (selects always hold a value). */
const NOT_TYPED: readonly string[] = [
  'kind',
  'repeat',
  'first',
  'everyDays',
  'weekday',
  'durationMinutes',
  'link',
];
const RULE_TYPED = CONSULTATION_FIELDS.filter((x) => !NOT_TYPED.includes(x));
export const MEASURE_FIELDS = [
  'key',
  'name',
  'type',
  'min',
  'max',
  'target',
  'required',
  'coreDataSet',
] as const;
export const SIMPLE_DATES = [
  'announcement',
  'applicationsOpen',
  'applicationsClose',
  'decisionsDue',
  'notification',
  'prework',
  'preworkEnd',
  'end',
] as const;
/** The months of metrics reporting, when they are not the defaults (LS1's month to the last due by the end). */
export const REPORTING_MONTHS = ['firstMonth', 'lastMonth'] as const;

const text = (f: DraftFields, name: string): string => {
  const v = f[name];
  return (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();
};
const list = (f: DraftFields, name: string): string[] => {
  const v = f[name];
  return (Array.isArray(v) ? v : v ? [v] : []).map((s) => s.trim()).filter(Boolean);
};

/** The fields that make a row filled in (a select always holds a value, so it does not count). */
const TYPED: Record<ListName, string> = {
  coordinators: 'name|email',
  faculty: 'name|email',
  'schedule.informationalCalls': 'start|durationMinutes|link',
  'schedule.learningSessions': 'start|end|venue',
  'schedule.consultation': `first|everyDays|durationMinutes|link|${RULE_TYPED.join('|')}`,
  'metrics.measures': 'key|name|min|max|target',
};

/** How many rows of a list the form holds: `extra` past the last row typed in, at least MIN_ROWS. */
export function rowCount(f: DraftFields, name: ListName, extra = EXTRA_ROWS[name]): number {
  const re = new RegExp(`^${name.replace(/\./g, '\\.')}\\[(\\d+)\\]\\.(${TYPED[name]})$`);
  let last = -1;
  for (const [k, v] of Object.entries(f)) {
    const m = re.exec(k);
    if (m && text({ v }, 'v')) last = Math.max(last, Number(m[1]));
  }
  return Math.max(MIN_ROWS[name], last + 1 + extra);
}

/** A lower-case slug from a title ("TF-CBT 2027" → "tf-cbt-2027"). */
export function slugFrom(title: string): string {
  return title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}

export interface Draft {
  /** The launch config as a YAML file would hold it (dates local to its zone). */
  input: Record<string, unknown>;
  /** Problems found while reading the form (a number that is not one), under field names. */
  problems: string[];
  /** A config problem (`path: message`) → the same problem under the form's field name. */
  renamed(problem: string): string;
}

/** The form's fields → the launch config; `known` are the earlier programmes' people one may pick. */
export function draftFromFields(f: DraftFields, known: Person[] = []): Draft {
  const problems: string[] = [];
  const renames: [string, string][] = [];
  /** A form row's own names for config fields (`every` is the weeks ticked), by the row's form path. */
  const fieldRenames: [string, Record<string, string>][] = [];
  const number = (name: string): number | undefined => {
    const v = text(f, name);
    if (!v) return undefined;
    if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
    problems.push(`${name}: enter a number, such as 10`);
    return undefined;
  };
  /** The filled rows of a list, each built by `row`, remembering where each came from. */
  function rows<T>(
    name: ListName,
    fields: readonly string[],
    blank: (p: string) => boolean,
    row: (p: string) => T,
  ) {
    const out: T[] = [];
    for (let i = 0; i < rowCount(f, name, 0); i++) {
      const p = `${name}[${i}]`;
      if (fields.every((x) => !text(f, `${p}.${x}`)) || blank(p)) continue;
      const configPath = `${name}[${out.length}]`;
      if (configPath !== p) renames.push([configPath, p]);
      out.push(row(p));
    }
    return out;
  }
  const people = (name: 'coordinators' | 'faculty') => {
    const added = rows(
      name,
      ['name', 'email'],
      () => false,
      (p) => ({
        name: text(f, `${p}.name`),
        email: text(f, `${p}.email`),
      }),
    );
    const picked = list(f, `${name}.picked`).flatMap((email) => {
      const person = known.find((k) => k.email === email);
      return person && !added.some((a) => a.email.toLowerCase() === email) ? [person] : [];
    });
    return [...added, ...picked];
  };
  const optional = (name: string) => text(f, name) || undefined;
  const ruleTyped = (p: string) =>
    RULE_TYPED.some((x) => text(f, `${p}.${x}`) || list(f, `${p}.${x}`).length);
  /** A rule series' fields → the config's `every` or `rrule` with time, from, end and skipped dates. */
  const ruleRow = (p: string, pattern: RulePattern) => {
    const rule = ruleFromChoices({
      pattern,
      weeks: list(f, `${p}.weeks`),
      weekday: text(f, `${p}.weekday`),
      monthDay: text(f, `${p}.monthDay`),
      weekdays: list(f, `${p}.weekdays`),
      rrule: text(f, `${p}.rrule`),
    });
    for (const x of rule.problems) problems.push(`${p}.${x.field}: ${x.message}`);
    const from = text(f, `${p}.from`);
    if (from && !MONTH.test(from)) problems.push(`${p}.from: choose a month, such as 2027-06`);
    const until = text(f, `${p}.until`);
    if (until && !DATE.test(until)) problems.push(`${p}.until: choose a date, such as 2028-03-31`);
    const skip = text(f, `${p}.skip`)
      .split(/[\s,;]+/)
      .filter(Boolean);
    const bad = skip.find((d) => !DATE.test(d) || !DateTime.fromISO(d).isValid);
    if (bad) problems.push(`${p}.skip: "${bad}" is not a date; write each as 2027-11-25, one a line`);
    const moves = movedCalls(text(f, `${p}.move`));
    if (moves.problem) problems.push(`${p}.move: ${moves.problem}`);
    fieldRenames.push([p, { every: RULE_FIELD[pattern], rrule: RULE_FIELD[pattern] }]);
    return {
      ...(rule.every ? { every: rule.every } : {}),
      ...(rule.rrule ? { rrule: rule.rrule } : {}),
      ...defined({
        time: optional(`${p}.time`),
        from: from && MONTH.test(from) ? `${from}-01` : undefined,
        until: until && DATE.test(until) ? until : undefined,
        count: number(`${p}.count`),
        skip: skip.length && !bad ? skip : undefined,
        move: moves.move.length && !moves.problem ? moves.move : undefined,
      }),
    };
  };

  const title = text(f, 'title');
  const schedule: Record<string, unknown> = {};
  for (const d of SIMPLE_DATES) if (optional(`schedule.${d}`)) schedule[d] = text(f, `schedule.${d}`);
  const reporting = defined(
    Object.fromEntries(REPORTING_MONTHS.map((m) => [m, optional(`schedule.reporting.${m}`)])),
  );
  if (Object.keys(reporting).length) schedule.reporting = reporting;
  schedule.informationalCalls = rows(
    'schedule.informationalCalls',
    CALL_FIELDS,
    (p) => !text(f, `${p}.start`) && !text(f, `${p}.link`),
    (p) => ({
      start: text(f, `${p}.start`),
      ...defined({ durationMinutes: number(`${p}.durationMinutes`), link: optional(`${p}.link`) }),
    }),
  );
  schedule.learningSessions = rows(
    'schedule.learningSessions',
    SESSION_FIELDS,
    () => false,
    (p) => ({
      start: text(f, `${p}.start`),
      ...defined({ end: optional(`${p}.end`) }),
      venue: text(f, `${p}.venue`),
    }),
  );
  schedule.consultation = rows(
    'schedule.consultation',
    CONSULTATION_FIELDS,
    // A row is blank when nothing is typed and no kind of rule was chosen: a chosen rule with
    // its parts missing is asked for, not dropped.
    (p) => !text(f, `${p}.first`) && !ruleTyped(p) && repeatOf(f, p) === 'days',
    (p) => {
      const base = {
        kind: text(f, `${p}.kind`) || 'all-collaborative',
        ...defined({ durationMinutes: number(`${p}.durationMinutes`), link: optional(`${p}.link`) }),
      };
      const repeat = repeatOf(f, p);
      if (repeat === 'days' && !text(f, `${p}.first`)) {
        // A rule's parts filled in under "every few days": say so, rather than drop the series.
        problems.push(
          `${p}.repeat: the parts of a rule are filled in: choose which kind of rule (such as “on weekdays of the month”), or give a first call`,
        );
        fieldRenames.push([p, { every: 'repeat' }]);
        return base;
      }
      if (repeat === 'days')
        return { ...base, first: text(f, `${p}.first`), everyDays: number(`${p}.everyDays`) };
      return { ...base, ...ruleRow(p, repeat) };
    },
  );
  // Dates the form never filled are still required: say so at their own fields.
  for (const d of ['applicationsOpen', 'applicationsClose', 'decisionsDue', 'end'] as const)
    if (!schedule[d]) problems.push(`schedule.${d}: choose a date`);

  const measures = rows(
    'metrics.measures',
    MEASURE_FIELDS,
    (p) => !text(f, `${p}.key`) && !text(f, `${p}.name`),
    (p) => ({
      key: text(f, `${p}.key`),
      name: text(f, `${p}.name`),
      type: text(f, `${p}.type`) || 'count',
      ...defined({ min: number(`${p}.min`), max: number(`${p}.max`), target: number(`${p}.target`) }),
      required: text(f, `${p}.required`) !== 'no',
      coreDataSet: text(f, `${p}.coreDataSet`) === 'yes',
    }),
  );
  const ladder = defined({
    secondAfterDays: number('metrics.ladder.secondAfterDays'),
    seniorAfterDays: number('metrics.ladder.seniorAfterDays'),
    digestAfterDays: number('metrics.ladder.digestAfterDays'),
  });
  const metrics = measures.length
    ? {
        ...defined({ dueDay: number('metrics.dueDay'), graceDays: number('metrics.graceDays') }),
        measures,
        ladder,
      }
    : undefined;

  const picked = list(f, 'sites');
  const input: Record<string, unknown> = {
    slug: text(f, 'slug') || slugFrom(title),
    title,
    practice: text(f, 'practice'),
    ...defined({ description: optional('description') }),
    timeZone: text(f, 'timeZone'),
    coordinators: people('coordinators'),
    faculty: people('faculty'),
    sites: text(f, 'sitesMode') === 'picked' ? picked : 'all',
    schedule,
    ...defined({ metrics }),
  };
  const toRow = new Map(renames);
  const renamed = (problem: string) => {
    // A rule series' problem goes beside the field the person filled: `skip[2]` to the skip list.
    for (const [row, names] of fieldRenames) {
      const configRow = [...toRow].find(([, to]) => to === row)?.[0] ?? row;
      const m = new RegExp(`^${escape(configRow)}\\.(\\w+)[^:]*:`).exec(problem);
      if (m) return `${row}.${names[m[1]!] ?? m[1]}${problem.slice(m[0].length - 1)}`;
    }
    for (const [from, to] of renames)
      if (problem.startsWith(from) && /^[.[:]/.test(problem.slice(from.length)))
        return to + problem.slice(from.length);
    return problem;
  };
  return { input, problems: [...new Set(problems)], renamed };
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const DATE = /^\d{4}-\d\d-\d\d$/;
const DATE_OR_TIME = /^\d{4}-\d\d-\d\d(T([01]\d|2[0-3]):[0-5]\d)?$/;

/**
 * The calls a coordinator moves, one a line: "2027-09-16 to 2027-09-23" (the same time) or with a
 * time of its own ("2027-09-16 to 2027-09-23T15:00"); "→", "->" or a space also separate them.
 */
export function movedCalls(value: string): { move: { from: string; to: string }[]; problem?: string } {
  const move: { from: string; to: string }[] = [];
  for (const line of value
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)) {
    const parts = line.split(/\s*(?:\bto\b|→|->|\s)\s*/i).filter(Boolean);
    const ok = (d: string | undefined) => !!d && DATE_OR_TIME.test(d) && DateTime.fromISO(d).isValid;
    if (parts.length !== 2 || !ok(parts[0]) || !ok(parts[1]))
      return {
        move,
        problem: `"${line}" is not a move; write each as 2027-09-16 to 2027-09-23 (or 2027-09-23T15:00), one a line`,
      };
    move.push({ from: parts[0]!, to: parts[1]! });
  }
  return { move };
}
const escape = (s: string) => s.replace(/[.[\]]/g, '\\$&');
/** The field a rule's problem is shown beside, by pattern. */
const RULE_FIELD: Record<RulePattern, ChoiceField> = {
  'weekday-of-month': 'weeks',
  'month-day': 'monthDay',
  weekly: 'weekdays',
  rrule: 'rrule',
};

/** How a series' calls repeat, as the form says ("every n days" unless a rule is chosen). */
export function repeatOf(f: DraftFields, p: string): Repeat {
  const r = text(f, `${p}.repeat`);
  return (REPEATS as readonly string[]).includes(r) ? (r as Repeat) : 'days';
}

function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Every problem of the form at once, under its field names: its own and the config's, schedule rules included. */
export function draftProblems(f: DraftFields, known: Person[] = []): string[] {
  const d = draftFromFields(f, known);
  const fromConfig = launchConfigProblems(d.input).map(requiredReadably).map(d.renamed);
  // A date the form says is missing needs no second "expected a date" beside it.
  const missing = new Set(d.problems.map((p) => p.split(':')[0]));
  // The slug is made from the title when left empty: a missing title is the one problem to fix.
  if (!text(f, 'slug') && !text(f, 'title')) missing.add('slug');
  return [...d.problems, ...fromConfig.filter((p) => !missing.has(p.split(':')[0]!))];
}

/** The form's config, parsed (dates as UTC instants), or a ValidationError with every problem under field names. */
export function configFromFields(f: DraftFields, known: Person[] = []): LaunchConfig {
  const problems = draftProblems(f, known);
  if (problems.length) throw new ValidationError('the launch wizard', problems);
  return parseLaunchConfig(draftFromFields(f, known).input);
}

/**
 * The first `n` calls of each consultation series the form describes, as UTC instants, by the
 * row's form path (`schedule.consultation[1]`): shown beside the series. A series that cannot be
 * read yet (or a schedule without an end) has none; its problems show on Check.
 */
export function seriesPreviews(f: DraftFields, n = 6): Record<string, string[]> {
  const d = draftFromFields(f);
  const s = d.input.schedule as {
    consultation: unknown[];
    learningSessions: { start: string }[];
    end?: string;
  };
  const zone = String(d.input.timeZone || 'UTC');
  if (!DateTime.now().setZone(zone).isValid) return {};
  const end = s.end ? toInstant(s.end, zone) : undefined;
  if (!end) return {};
  const ls1 = s.learningSessions[0]?.start ? toInstant(s.learningSessions[0].start, zone) : undefined;
  const out: Record<string, string[]> = {};
  s.consultation.forEach((row, i) => {
    const r = previewCalls(row, { timeZone: zone, ...(ls1 ? { ls1 } : {}), end }, n);
    if ('calls' in r && r.calls.length)
      out[d.renamed(`schedule.consultation[${i}]: `).split(':')[0]!] = r.calls;
  });
  return out;
}

/** The YAML file the form builds (what `npm run lc -- launch` and the text route take). */
export function draftYaml(f: DraftFields, known: Person[] = []): string {
  return YAML.stringify(draftFromFields(f, known).input, { lineWidth: 0 });
}

// ---- starting points ------------------------------------------------------------------------

const local = (instant: string, zone: string) =>
  DateTime.fromISO(instant, { zone: 'utc' }).setZone(zone).toFormat(LOCAL_FORMAT);

/** A launched (parsed) config → the form's fields, its dates as local date-times in its zone. */
export function fieldsFromConfig(c: LaunchConfig): DraftFields {
  const z = c.timeZone;
  const f: DraftFields = {
    slug: c.slug,
    title: c.title,
    practice: c.practice,
    description: c.description ?? '',
    timeZone: z,
    sitesMode: c.sites === 'all' ? 'all' : 'picked',
    sites: c.sites === 'all' ? [] : c.sites,
  };
  c.coordinators.forEach((p, i) =>
    Object.assign(f, { [`coordinators[${i}].name`]: p.name, [`coordinators[${i}].email`]: p.email }),
  );
  c.faculty.forEach((p, i) =>
    Object.assign(f, { [`faculty[${i}].name`]: p.name, [`faculty[${i}].email`]: p.email }),
  );
  const s = c.schedule;
  for (const d of SIMPLE_DATES) if (s[d]) f[`schedule.${d}`] = local(s[d], z);
  s.informationalCalls.forEach((call, i) => {
    const p = `schedule.informationalCalls[${i}]`;
    Object.assign(f, {
      [`${p}.start`]: local(call.start, z),
      [`${p}.durationMinutes`]: String(call.durationMinutes),
      [`${p}.link`]: call.link ?? '',
    });
  });
  s.learningSessions.forEach((ls, i) => {
    const p = `schedule.learningSessions[${i}]`;
    Object.assign(f, {
      [`${p}.start`]: local(ls.start, z),
      [`${p}.end`]: local(ls.end, z),
      [`${p}.venue`]: ls.venue,
    });
  });
  s.consultation.forEach((cs, i) => {
    const p = `schedule.consultation[${i}]`;
    Object.assign(f, {
      [`${p}.kind`]: cs.kind,
      [`${p}.durationMinutes`]: String(cs.durationMinutes),
      [`${p}.link`]: cs.link ?? '',
    });
    if (!cs.recurrence)
      Object.assign(f, {
        [`${p}.repeat`]: 'days',
        [`${p}.first`]: local(cs.first, z),
        [`${p}.everyDays`]: String(cs.everyDays ?? ''),
      });
    else Object.assign(f, ruleFields(p, cs.recurrence, s.end, z));
  });
  // Reporting months are kept only where they are not the defaults (from the first session to the end).
  const ls1 = s.learningSessions[0]?.start;
  if (c.metrics && ls1 && s.periods.length) {
    const usual = monthlyPeriods(ls1, s.end, c.metrics.dueDay, z).map((x) => x.id);
    const own = s.periods.map((x) => x.id);
    if (usual.join() !== own.join())
      Object.assign(f, {
        'schedule.reporting.firstMonth': own[0]!,
        'schedule.reporting.lastMonth': own[own.length - 1]!,
      });
  }
  const m = c.metrics;
  if (m) {
    Object.assign(f, {
      'metrics.dueDay': String(m.dueDay),
      'metrics.graceDays': String(m.graceDays),
      'metrics.ladder.secondAfterDays': String(m.ladder.secondAfterDays),
      'metrics.ladder.seniorAfterDays': String(m.ladder.seniorAfterDays),
      'metrics.ladder.digestAfterDays': String(m.ladder.digestAfterDays),
    });
    m.measures.forEach((x, i) => {
      const p = `metrics.measures[${i}]`;
      Object.assign(f, {
        [`${p}.key`]: x.key,
        [`${p}.name`]: x.name,
        [`${p}.type`]: x.type,
        [`${p}.min`]: x.min === undefined ? '' : String(x.min),
        [`${p}.max`]: x.max === undefined ? '' : String(x.max),
        [`${p}.target`]: x.target === undefined ? '' : String(x.target),
        [`${p}.required`]: x.required ? 'yes' : 'no',
        [`${p}.coreDataSet`]: x.coreDataSet ? 'yes' : 'no',
      });
    });
  }
  return f;
}

/**
 * A launched rule series → the wizard's fields: its pattern, time, first month, end and skipped
 * dates. Cancelled and moved calls were that run's own events: a copy starts without them.
 */
function ruleFields(p: string, r: Recurrence, end: string, z: string): DraftFields {
  const { choices, until, count } = choicesFromRrule(r.rrule);
  // UNTIL is the midnight after the end date (or the collaborative's end, which needs no field).
  const untilDate =
    until && until.getTime() < Date.parse(end)
      ? instantToLocal(new Date(until.getTime() - 60_000).toISOString(), z).slice(0, 10)
      : '';
  return {
    [`${p}.repeat`]: choices.pattern,
    [`${p}.weeks`]: choices.weeks ?? [],
    [`${p}.weekday`]: choices.weekday ?? 'MO',
    [`${p}.monthDay`]: choices.monthDay ?? '',
    [`${p}.weekdays`]: choices.weekdays ?? [],
    [`${p}.rrule`]: choices.rrule ?? '',
    [`${p}.time`]: r.time,
    [`${p}.from`]: r.start ? instantToLocal(r.start, z).slice(0, 7) : '',
    [`${p}.until`]: untilDate,
    [`${p}.count`]: count === undefined ? '' : String(count),
    [`${p}.skip`]: r.skipped.map((t) => instantToLocal(t, z).slice(0, 10)).join('\n'),
  };
}

/** The names of every date-time field the form holds. */
function dateFieldNames(f: DraftFields): string[] {
  return Object.keys(f).filter((k) =>
    /^schedule\.(announcement|applicationsOpen|applicationsClose|decisionsDue|notification|prework|preworkEnd|end|informationalCalls\[\d+\]\.start|learningSessions\[\d+\]\.(start|end)|consultation\[\d+\]\.first)$/.test(
      k,
    ),
  );
}

/**
 * A copy with every date moved by the calendar days from its announcement to `announcement` (a
 * local date-time), each keeping its wall-clock time in the zone (so a shift across a DST change
 * keeps 09:00 at 09:00). The copy needs a slug of its own.
 */
export function shiftedCopy(f: DraftFields, announcement: string): DraftFields {
  const from = DateTime.fromISO(text(f, 'schedule.announcement') || text(f, 'schedule.applicationsOpen'));
  const to = DateTime.fromISO(announcement);
  if (!from.isValid || !to.isValid)
    throw new ValidationError('the copy', ['announcement: choose the new announcement date']);
  const days = Math.round(to.startOf('day').diff(from.startOf('day'), 'days').days);
  const out: DraftFields = { ...f, slug: '' };
  for (const k of dateFieldNames(f)) {
    const d = DateTime.fromISO(text(f, k));
    if (d.isValid) out[k] = d.plus({ days }).toFormat(LOCAL_FORMAT);
  }
  // A rule keeps its pattern; its dates move by the same days, its months by as many whole months.
  const months = Math.round(days / 30.4375);
  const shiftDate = (t: string) => {
    const d = DateTime.fromISO(t);
    return DATE.test(t) && d.isValid ? d.plus({ days }).toISODate()! : t;
  };
  const shiftMonth = (t: string) => {
    const d = DateTime.fromISO(`${t}-01`);
    return MONTH.test(t) && d.isValid ? d.plus({ months }).toFormat('yyyy-MM') : t;
  };
  for (const k of Object.keys(f)) {
    if (/^schedule\.consultation\[\d+\]\.until$/.test(k)) out[k] = shiftDate(text(f, k));
    if (/^schedule\.consultation\[\d+\]\.skip$/.test(k))
      out[k] = text(f, k)
        .split(/[\s,;]+/)
        .filter(Boolean)
        .map(shiftDate)
        .join('\n');
    // A moved call was that run's own event (as a launched one's are, see ruleFields).
    if (/^schedule\.consultation\[\d+\]\.move$/.test(k)) out[k] = '';
    if (/^schedule\.(consultation\[\d+\]\.from|reporting\.(firstMonth|lastMonth))$/.test(k))
      out[k] = shiftMonth(text(f, k));
  }
  out['schedule.announcement'] = to.toFormat(LOCAL_FORMAT);
  return out;
}

/**
 * Typical spacing from the announcement (as in examples/collaborative.yaml): days after it and the
 * local time. Applications close seven weeks on, the first learning session eighteen weeks on, the
 * end about fourteen and a half months on (inside the 9–18-month span).
 */
const SPACING: [string, number, string | undefined][] = [
  ['schedule.applicationsOpen', 0, undefined],
  ['schedule.informationalCalls[0].start', 14, '12:00'],
  ['schedule.informationalCalls[1].start', 28, '15:00'],
  ['schedule.applicationsClose', 49, '17:00'],
  ['schedule.decisionsDue', 70, '09:00'],
  ['schedule.prework', 84, '09:00'],
  ['schedule.learningSessions[0].start', 126, '09:00'],
  ['schedule.learningSessions[0].end', 127, '17:00'],
  ['schedule.learningSessions[1].start', 245, '09:00'],
  ['schedule.learningSessions[1].end', 246, '17:00'],
  ['schedule.learningSessions[2].start', 378, '09:00'],
  ['schedule.learningSessions[2].end', 379, '17:00'],
  ['schedule.consultation[0].first', 142, '13:00'],
  ['schedule.consultation[1].first', 149, '13:00'],
  ['schedule.end', 445, '09:00'],
];

/** The schedule's empty fields filled from the announcement date by typical spacing; filled ones kept. */
export function withScheduleDefaults(f: DraftFields): DraftFields {
  const a = DateTime.fromISO(text(f, 'schedule.announcement'));
  if (!a.isValid)
    throw new ValidationError('the schedule', ['schedule.announcement: choose the announcement date first']);
  const out: DraftFields = { ...f };
  for (const [name, days, time] of SPACING) {
    if (text(f, name)) continue;
    const row = /^(schedule\.consultation\[\d+\])\.first$/.exec(name);
    if (row && repeatOf(f, row[1]!) !== 'days') continue; // a rule series has no first call to fill
    let d = a.plus({ days });
    if (time) d = d.set({ hour: Number(time.slice(0, 2)), minute: Number(time.slice(3)) });
    out[name] = d.toFormat(LOCAL_FORMAT);
  }
  const consultation = [
    ['all-collaborative', '28'],
    ['clinical', '14'],
  ] as const;
  consultation.forEach(([kind, every], i) => {
    const p = `schedule.consultation[${i}]`;
    if (!text(f, `${p}.first`) && repeatOf(f, p) === 'days')
      Object.assign(out, { [`${p}.kind`]: kind, [`${p}.everyDays`]: every });
  });
  return out;
}

// ---- the text route -------------------------------------------------------------------------

/** What a YAML slip means, in words (the parser's own message is for engineers). */
const YAML_WORDS: Partial<Record<string, string>> = {
  BAD_INDENT: 'the indentation is off: line the entries of a list or section up under each other',
  TAB_AS_INDENT: 'a tab indents this line: use spaces',
  DUPLICATE_KEY: 'this field is given twice',
  MISSING_CHAR: 'a bracket, brace or quote is not closed',
  MULTILINE_IMPLICIT_KEY: 'a bracket, brace or quote is not closed, or a name is missing its colon',
  BLOCK_AS_IMPLICIT_KEY: 'a name is missing its colon, or the indentation is off',
  UNEXPECTED_TOKEN: 'this line cannot be read: check its colons, dashes, brackets and quotes',
  BAD_SCALAR_START: 'a value starts with a character that needs quotes (wrap the value in quotes)',
  BAD_DQ_ESCAPE: 'a backslash in double quotes: use single quotes instead',
  BLOCK_IN_FLOW: 'a bracket, brace or quote is not closed',
  MULTIPLE_DOCS: 'the text holds more than one document (a line of ---): keep one',
};

function yamlWords(e: { code: string; message: string }): string {
  // The parser names the construct it was inside: an open bracket or quote is the usual slip.
  if (/flow (map|sequence|collection)/i.test(e.message))
    return 'a [ or { opened earlier is not closed (or a line inside it is not indented)';
  if (/quote/i.test(e.message)) return 'a quote opened earlier is not closed';
  return YAML_WORDS[e.code] ?? 'this line cannot be read';
}

/** Pasted YAML or JSON → a value, or a ValidationError whose problems say, in words, at which line. */
export function readLaunchText(source: string): unknown {
  const doc = YAML.parseDocument(source, { prettyErrors: false });
  if (doc.errors.length) {
    const lineOf = (pos: number) => source.slice(0, pos).split('\n').length;
    const problems = doc.errors.map(
      (e) => `line ${e.linePos?.[0].line ?? lineOf(e.pos[0])}: ${yamlWords(e)}`,
    );
    throw new ValidationError('the launch config', [...new Set(problems)]);
  }
  try {
    return doc.toJSON();
  } catch (err) {
    // An alias bomb or an unresolved alias throws rather than listing.
    throw new ValidationError('the launch config', [(err as Error).message]);
  }
}

/** A config checked with every problem at once (schema and schedule rules), or a ValidationError. */
export function checkedLaunchConfig(input: unknown): LaunchConfig {
  const problems = launchConfigProblems(input).map(requiredReadably);
  if (problems.length) throw new ValidationError('the launch config', problems);
  return parseLaunchConfig(input);
}

/** The example config as the wizard's starting point. */
export function exampleFields(exampleYaml: string): DraftFields {
  return fieldsFromConfig(parseLaunchConfig(YAML.parse(exampleYaml)));
}
