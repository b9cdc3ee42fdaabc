/**
 * The launch wizard: one form in sections (programme, people, sites, schedule, metrics, review)
 * with a jump list, so it works without JavaScript and every problem shows at once beside its
 * field. Views only: the rules are app/launch-draft.ts's.
 */
import { rowCount, type DraftFields, type SiteDoc } from '../../app';
import type { LaunchConfig, Person } from '../../domain/config';
import { MEASURE_TYPES } from '../../domain/metrics';
import { formatInZone } from '../../domain/dates';
import { ruleInWords, WEEKDAY_CODES, WEEKDAY_NAMES, WEEKS_OF_MONTH } from '../../domain/recurrence';
import {
  choiceGroup,
  csrfField,
  errorSummary,
  html,
  selectField,
  textareaField,
  textField,
  type Html,
} from '../html';
import { fieldId, formErrors, type FieldSpec, type FormErrors } from '../problems';

export interface WizardView {
  csrf: string;
  fields: DraftFields;
  problems?: string[];
  /** Problems of the "start from" form (a copy without its new announcement date). */
  startProblems?: string[];
  /** The config the fields build, when the last check found no problem. */
  review?: LaunchConfig;
  sites: SiteDoc[];
  known: { coordinators: Person[]; faculty: Person[] };
  /** Where the form started from, when not blank ("A copy of …"). */
  notice?: string;
  /** Earlier collaboratives one may copy: slug and title. */
  earlier: { slug: string; title: string }[];
  /** The first calls of each consultation series the form describes (UTC instants), by its row's path. */
  previews?: Record<string, string[]>;
}

const ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
  'America/Puerto_Rico',
  'Europe/London',
  'UTC',
];

const SECTIONS = [
  ['programme', 'Programme'],
  ['people', 'People'],
  ['sites', 'Sites'],
  ['schedule', 'Schedule'],
  ['metrics', 'Metrics'],
  ['review', 'Review and launch'],
] as const;

const value = (f: DraftFields, name: string): string => {
  const v = f[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
};
const values = (f: DraftFields, name: string): string[] => {
  const v = f[name];
  return Array.isArray(v) ? v : v ? [v] : [];
};

/** Every field of the form with the label its problem is listed under in the summary. */
function fieldSpecs(f: DraftFields): FieldSpec[] {
  const specs: FieldSpec[] = [
    { name: 'title', label: 'Title' },
    { name: 'slug', label: 'Short name for links' },
    { name: 'practice', label: 'Practice' },
    { name: 'description', label: 'Description' },
    { name: 'timeZone', label: 'Time zone' },
    { name: 'coordinators', label: 'Coordinators' },
    { name: 'faculty', label: 'Faculty' },
    { name: 'sites', label: 'Sites' },
    { name: 'schedule.announcement', label: 'Announcement' },
    { name: 'schedule.applicationsOpen', label: 'Applications open' },
    { name: 'schedule.applicationsClose', label: 'Applications close' },
    { name: 'schedule.decisionsDue', label: 'Decisions due' },
    { name: 'schedule.notification', label: 'Decisions sent' },
    { name: 'schedule.prework', label: 'Pre-work begins' },
    { name: 'schedule.preworkEnd', label: 'Pre-work done by' },
    { name: 'schedule.reporting.firstMonth', label: 'First month reported' },
    { name: 'schedule.reporting.lastMonth', label: 'Last month reported' },
    { name: 'schedule.learningSessions', label: 'Learning sessions' },
    { name: 'schedule.end', label: 'End' },
    { name: 'metrics', label: 'Metrics' },
    { name: 'metrics.dueDay', label: 'Due day of the month' },
    { name: 'metrics.graceDays', label: 'Grace days' },
    { name: 'metrics.ladder', label: 'Reminder ladder' },
    { name: 'metrics.ladder.secondAfterDays', label: 'Second reminder after' },
    { name: 'metrics.ladder.seniorAfterDays', label: 'Senior leader after' },
    { name: 'metrics.ladder.digestAfterDays', label: 'Faculty digest after' },
  ];
  for (const who of ['coordinators', 'faculty'] as const)
    for (let i = 0; i < rowCount(f, who); i++)
      for (const x of ['name', 'email'])
        specs.push({
          name: `${who}[${i}].${x}`,
          label: `${who === 'faculty' ? 'Faculty' : 'Coordinator'} ${i + 1}: ${x}`,
        });
  const rowsOf = (list: Parameters<typeof rowCount>[1], label: string, parts: Record<string, string>) => {
    for (let i = 0; i < rowCount(f, list); i++)
      for (const [x, words] of Object.entries(parts))
        specs.push({ name: `${list}[${i}].${x}`, label: `${label} ${i + 1}: ${words}` });
  };
  rowsOf('schedule.informationalCalls', 'Informational call', {
    start: 'start',
    durationMinutes: 'minutes',
    link: 'link',
  });
  rowsOf('schedule.learningSessions', 'Learning session', { start: 'start', end: 'end', venue: 'venue' });
  rowsOf('schedule.consultation', 'Consultation series', {
    kind: 'kind',
    repeat: 'how the calls repeat',
    first: 'first call',
    everyDays: 'every (days)',
    weeks: 'weeks of the month',
    weekday: 'day of the week',
    monthDay: 'day of the month',
    weekdays: 'days of the week',
    rrule: 'rule (RRULE)',
    time: 'time',
    from: 'first month',
    until: 'last date',
    count: 'number of calls',
    skip: 'holidays to skip',
    move: 'calls moved',
    durationMinutes: 'minutes',
    link: 'link',
  });
  rowsOf('metrics.measures', 'Measure', {
    key: 'key',
    name: 'name',
    type: 'type',
    min: 'lowest',
    max: 'highest',
    target: 'target',
    required: 'required',
    coreDataSet: 'Core Data Set',
  });
  return specs;
}

/** The messages beside a group of fields (a list as a whole: "name at least one coordinator"). */
function groupMessages(e: FormErrors, name: string): Html {
  const mine = e.of(name);
  return mine.length
    ? html`<p class="field-error" id="${fieldId(name)}-error">
        ${mine.map((m, i) => html`${i ? html`<br />` : ''}<span class="visually-hidden">Error: </span>${m}`)}
      </p>`
    : html``;
}

function section(id: string, title: string, body: Html): Html {
  return html`<section id="${id}" aria-labelledby="${id}-title">
    <h2 id="${id}-title">${title}</h2>
    ${body}
  </section>`;
}

const dateField = (f: DraftFields, e: FormErrors, name: string, label: string, hint?: string) =>
  textField({ name, label, type: 'datetime-local', value: value(f, name), errors: e, hint });
const numberField = (f: DraftFields, e: FormErrors, name: string, label: string, hint?: string) =>
  textField({ name, label, value: value(f, name), errors: e, inputmode: 'numeric', hint });

function people(f: DraftFields, e: FormErrors, who: 'coordinators' | 'faculty', known: Person[]): Html {
  const label = who === 'faculty' ? 'Faculty' : 'Coordinator';
  const picked = values(f, `${who}.picked`);
  return html`<fieldset
    class="field${e.of(who).length ? ' has-error' : ''}"
    id="${fieldId(who)}"
    ${e.of(who).length ? html`aria-describedby="${fieldId(who)}-error"` : ''}
  >
    <legend>${who === 'faculty' ? 'Faculty' : 'Coordinators'}</legend>
    ${groupMessages(e, who)}
    ${
      known.length
        ? choiceGroup({
            name: `${who}.picked`,
            legend: `From earlier programmes`,
            type: 'checkbox',
            errors: e,
            options: known.map((p) => ({
              value: p.email,
              label: `${p.name} (${p.email})`,
              checked: picked.includes(p.email),
            })),
          })
        : ''
    }
    ${Array.from({ length: rowCount(f, who) }, (_, i) => {
      const p = `${who}[${i}]`;
      return html`<fieldset class="cols">
        <legend>${label} ${i + 1}${i ? ' (optional)' : ''}</legend>
        ${textField({ name: `${p}.name`, label: 'Name', value: value(f, `${p}.name`), errors: e, autocomplete: 'off' })}
        ${textField({
          name: `${p}.email`,
          label: 'Email',
          type: 'email',
          value: value(f, `${p}.email`),
          errors: e,
          autocomplete: 'off',
        })}
      </fieldset>`;
    })}
  </fieldset>`;
}

function sitesSection(f: DraftFields, e: FormErrors, sites: SiteDoc[]): Html {
  const mode = value(f, 'sitesMode') || 'all';
  const chosen = values(f, 'sites');
  return html`${choiceGroup({
      name: 'sitesMode',
      legend: 'Which sites hear of it',
      errors: e,
      options: [
        {
          value: 'all',
          label: `Every active site of the network directory (${sites.length})`,
          checked: mode === 'all',
        },
        { value: 'picked', label: 'Only the sites picked below', checked: mode === 'picked' },
      ],
    })}
    <div class="field" id="site-filter-field" hidden>
      <label for="site-filter">Find a site (name, id or PI)</label>
      <input type="search" id="site-filter" autocomplete="off" aria-controls="f-sites" />
    </div>
    ${choiceGroup({
      name: 'sites',
      legend: 'Sites to announce to',
      type: 'checkbox',
      errors: e,
      options: sites.map((s) => ({
        value: s.siteId,
        label: html`<span data-site="${`${s.siteId} ${s.name} ${s.piName}`.toLowerCase()}"
          >${s.name} — PI ${s.piName}</span
        >`,
        checked: chosen.includes(s.siteId),
      })),
    })}`;
}

const REPEAT_CHOICES: [string, string][] = [
  ['days', 'Every few days from a first call'],
  ['weekday-of-month', 'On weekdays of the month (2nd Tuesday; 1st and 3rd Thursday)'],
  ['month-day', 'On a day of the month (the 10th)'],
  ['weekly', 'Every week, on chosen days'],
  ['rrule', 'By a recurrence rule (RRULE, for experts)'],
];
const WEEK_WORDS: Record<string, string> = {
  '1': '1st',
  '2': '2nd',
  '3': '3rd',
  '4': '4th',
  '5': '5th',
  '-1': 'Last',
};

/** One consultation series: its kind, how it repeats (every n days, or a rule's parts), and its first calls. */
function consultationRow(
  f: DraftFields,
  e: FormErrors,
  p: string,
  i: number,
  zone: string,
  previews: Record<string, string[]>,
): Html {
  const repeat = value(f, `${p}.repeat`) || 'days';
  const ticks = (name: string, options: [string, string][]) =>
    html`<div class="inline-choices">
      ${choiceGroup({
        name,
        legend:
          { weeks: 'Which weeks of the month', weekdays: 'Days of the week' }[name.split('.').pop()!] ?? '',
        type: 'checkbox',
        errors: e,
        options: options.map(([v, label]) => ({ value: v, label, checked: values(f, name).includes(v) })),
      })}
    </div>`;
  const dayOptions = WEEKDAY_CODES.map((c, j) => ({ value: c, label: WEEKDAY_NAMES[j]! }));
  const rruleOpen = repeat === 'rrule' || e.of(`${p}.rrule`).length > 0;
  const calls = previews[p] ?? [];
  return html`<fieldset class="series" id="${fieldId(p)}">
    <legend>Consultation series ${i + 1}</legend>
    <div class="cols">
      ${selectField({
        name: `${p}.kind`,
        label: 'Kind',
        value: value(f, `${p}.kind`),
        errors: e,
        options: [
          { value: 'all-collaborative', label: 'All-collaborative call' },
          { value: 'clinical', label: 'Clinical consultation' },
        ],
      })}
      ${numberField(f, e, `${p}.durationMinutes`, 'Minutes (60 if left empty)')}
      ${textField({ name: `${p}.link`, label: 'Join link', type: 'url', value: value(f, `${p}.link`), errors: e })}
    </div>
    ${choiceGroup({
      name: `${p}.repeat`,
      legend: 'How the calls repeat',
      errors: e,
      options: REPEAT_CHOICES.map(([v, label]) => ({ value: v, label, checked: repeat === v })),
    })}
    <fieldset class="cols part">
      <legend>For “every few days from a first call”</legend>
      ${dateField(f, e, `${p}.first`, 'First call')} ${numberField(f, e, `${p}.everyDays`, 'Every (days)')}
    </fieldset>
    <fieldset class="part">
      <legend>For a rule (the other choices)</legend>
      <div class="cols">
        ${ticks(
          `${p}.weeks`,
          WEEKS_OF_MONTH.map((w) => [w, WEEK_WORDS[w]!]),
        )}
        ${selectField({
          name: `${p}.weekday`,
          label: 'Day of the week',
          value: value(f, `${p}.weekday`) || 'TU',
          errors: e,
          options: dayOptions,
        })}
      </div>
      ${numberField(f, e, `${p}.monthDay`, 'Day of the month (for “on a day of the month”)', '1 to 28, so that every month has it.')}
      ${ticks(
        `${p}.weekdays`,
        WEEKDAY_CODES.map((c, j) => [c, WEEKDAY_NAMES[j]!]),
      )}
      <details ${rruleOpen ? 'open' : ''}>
        <summary>A recurrence rule instead (for experts)</summary>
        ${textField({
          name: `${p}.rrule`,
          label: 'Rule (RRULE)',
          hint: 'RFC 5545 without DTSTART or times, e.g. FREQ=MONTHLY;BYDAY=2TU. Choose “by a recurrence rule” above.',
          value: value(f, `${p}.rrule`),
          errors: e,
          autocomplete: 'off',
        })}
      </details>
      <div class="cols">
        ${textField({ name: `${p}.time`, label: 'Time', type: 'time', value: value(f, `${p}.time`), errors: e, hint: `In ${zone}.` })}
        ${textField({
          name: `${p}.from`,
          label: 'First month (optional)',
          type: 'month',
          value: value(f, `${p}.from`),
          errors: e,
          hint: 'From the first learning session if left empty.',
        })}
        ${textField({
          name: `${p}.until`,
          label: 'Last date (optional)',
          type: 'date',
          value: value(f, `${p}.until`),
          errors: e,
          hint: 'The end of the collaborative if left empty.',
        })}
        ${numberField(f, e, `${p}.count`, 'Number of calls (optional)', 'Or stop after this many.')}
      </div>
      ${textareaField({
        name: `${p}.skip`,
        label: 'Holidays to skip (optional)',
        hint: 'Dates of calls that do not happen, one a line, e.g. 2027-11-25.',
        value: value(f, `${p}.skip`),
        errors: e,
        rows: 2,
      })}
      ${textareaField({
        name: `${p}.move`,
        label: 'Calls moved (optional)',
        hint: 'A call held on another day or at another time: its date, then the new one, one a line, e.g. 2027-09-16 to 2027-09-23, or 2027-09-16 to 2027-09-23T15:00.',
        value: value(f, `${p}.move`),
        errors: e,
        rows: 2,
      })}
    </fieldset>
    ${
      calls.length
        ? html`<div class="preview" id="${fieldId(p)}-calls">
            <p>The first calls of this series (in ${zone}):</p>
            <ul>
              ${calls.map((c) => html`<li>${formatInZone(c, zone)}</li>`)}
            </ul>
          </div>`
        : ''
    }
  </fieldset>`;
}

function scheduleSection(f: DraftFields, e: FormErrors, previews: Record<string, string[]>): Html {
  const zone = value(f, 'timeZone') || 'the collaborative’s time zone';
  const inZone = `In ${zone}.`;
  const rows = (name: Parameters<typeof rowCount>[1], body: (p: string, i: number) => Html) =>
    Array.from({ length: rowCount(f, name) }, (_, i) => body(`${name}[${i}]`, i));
  return html`<p class="hint">Every date and time is in the collaborative’s time zone (${zone}).</p>
    ${dateField(f, e, 'schedule.announcement', 'Announcement', `${inZone} The PIs hear of it then.`)}
    <p>
      <button name="_action" value="defaults" formnovalidate>
        Fill in the empty dates from the announcement
      </button>
    </p>
    <p class="hint">
      Uses typical spacing: applications close 7 weeks on, the first learning session 18 weeks on, the end
      about 14½ months on. Dates already filled in are kept.
    </p>
    ${dateField(f, e, 'schedule.applicationsOpen', 'Applications open', inZone)}
    ${dateField(f, e, 'schedule.applicationsClose', 'Applications close', inZone)}
    ${dateField(f, e, 'schedule.decisionsDue', 'Decisions due', inZone)}
    ${dateField(f, e, 'schedule.notification', 'Decisions sent to the sites (optional)', `${inZone} When decisions are due if left empty.`)}
    ${dateField(f, e, 'schedule.prework', 'Pre-work begins (optional)', inZone)}
    ${dateField(f, e, 'schedule.preworkEnd', 'Pre-work done by (optional)', `${inZone} Reminders stop then; the first learning session if left empty.`)}
    <h3>Informational calls (optional)</h3>
    ${rows(
      'schedule.informationalCalls',
      (p, i) =>
        html`<fieldset class="cols">
          <legend>Informational call ${i + 1}</legend>
          ${dateField(f, e, `${p}.start`, 'Starts')}
          ${numberField(f, e, `${p}.durationMinutes`, 'Minutes (60 if left empty)')}
          ${textField({ name: `${p}.link`, label: 'Join link', type: 'url', value: value(f, `${p}.link`), errors: e })}
        </fieldset>`,
    )}
    <h3>Learning sessions</h3>
    ${groupMessages(e, 'schedule.learningSessions')}
    ${rows(
      'schedule.learningSessions',
      (p, i) =>
        html`<fieldset class="cols" id="${fieldId(`${p}`)}">
          <legend>Learning session ${i + 1}</legend>
          ${dateField(f, e, `${p}.start`, 'Starts')}
          ${dateField(f, e, `${p}.end`, 'Ends', 'Eight hours after the start if left empty.')}
          ${textField({ name: `${p}.venue`, label: 'Venue', value: value(f, `${p}.venue`), errors: e })}
        </fieldset>`,
    )}
    <h3>Consultation calls</h3>
    <p class="hint">
      Each series repeats every few days from a first call, or by a rule as you would publish it: “2nd Tuesday
      14:00”, “1st and 3rd Thursday 12:00”, “on the 10th”, “every Monday”.
    </p>
    ${rows('schedule.consultation', (p, i) => consultationRow(f, e, p, i, zone, previews))}
    ${dateField(f, e, 'schedule.end', 'End of the collaborative', `${inZone} 9 to 18 months after the announcement.`)}`;
}

function metricsSection(f: DraftFields, e: FormErrors): Html {
  const yesNo = (first: 'yes' | 'no') =>
    (first === 'yes' ? ['yes', 'no'] : ['no', 'yes']).map((v) => ({
      value: v,
      label: v === 'yes' ? 'Yes' : 'No',
    }));
  return html`<p class="hint">
      What each team reports every month. Leave every measure empty to collect no metrics.
    </p>
    ${numberField(f, e, 'metrics.dueDay', 'Due day of the next month (10 if left empty)')}
    ${numberField(f, e, 'metrics.graceDays', 'Grace days still counted on time (0 if left empty)')}
    <div class="cols">
      ${textField({
        name: 'schedule.reporting.firstMonth',
        label: 'First month reported (optional)',
        type: 'month',
        value: value(f, 'schedule.reporting.firstMonth'),
        errors: e,
        hint: 'The month of the first learning session if left empty.',
      })}
      ${textField({
        name: 'schedule.reporting.lastMonth',
        label: 'Last month reported (optional)',
        type: 'month',
        value: value(f, 'schedule.reporting.lastMonth'),
        errors: e,
        hint: 'The last month whose data is due by the end if left empty.',
      })}
    </div>
    ${Array.from({ length: rowCount(f, 'metrics.measures') }, (_, i) => {
      const p = `metrics.measures[${i}]`;
      return html`<fieldset class="cols">
        <legend>Measure ${i + 1}</legend>
        ${textField({ name: `${p}.name`, label: 'Name', value: value(f, `${p}.name`), errors: e })}
        ${textField({
          name: `${p}.key`,
          label: 'Key',
          hint: 'lower-case letters, digits and _ (e.g. children_served)',
          value: value(f, `${p}.key`),
          errors: e,
        })}
        ${selectField({
          name: `${p}.type`,
          label: 'Type',
          value: value(f, `${p}.type`),
          errors: e,
          options: MEASURE_TYPES.map((t) => ({
            value: t,
            label: { count: 'Count', percentage: 'Percentage', yesno: 'Yes or no', text: 'Text' }[t],
          })),
        })}
        ${numberField(f, e, `${p}.min`, 'Lowest value (optional)')}
        ${numberField(f, e, `${p}.max`, 'Highest value (optional)')}
        ${numberField(f, e, `${p}.target`, 'Target (optional)')}
        ${selectField({ name: `${p}.required`, label: 'Required', value: value(f, `${p}.required`), errors: e, options: yesNo('yes') })}
        ${selectField({
          name: `${p}.coreDataSet`,
          label: 'Part of the Core Data Set',
          value: value(f, `${p}.coreDataSet`),
          errors: e,
          options: yesNo('no'),
        })}
      </fieldset>`;
    })}
    <fieldset id="${fieldId('metrics.ladder')}">
      <legend>Reminder ladder for missing data (days after the due date)</legend>
      ${groupMessages(e, 'metrics.ladder')}
      ${numberField(f, e, 'metrics.ladder.secondAfterDays', 'Second reminder to the data manager and contact (7 if empty)')}
      ${numberField(f, e, 'metrics.ladder.seniorAfterDays', 'To the senior leader (14 if empty)')}
      ${numberField(f, e, 'metrics.ladder.digestAfterDays', 'In the faculty’s weekly digest (21 if empty)')}
    </fieldset>`;
}

function reviewSection(c: LaunchConfig | undefined, sites: SiteDoc[]): Html {
  const buttons = html`<p>
    <button name="_action" value="check">Check</button>
    <button name="_action" value="download">Download config (YAML)</button>
    <button name="_action" value="launch">Launch</button>
  </p>`;
  if (!c)
    return html`<p>
        Check shows every problem at once, beside its field; when there is none, a summary shows here.
      </p>
      ${buttons}`;
  const z = c.timeZone;
  const s = c.schedule;
  const at = (t: string | undefined) => (t ? formatInZone(t, z) : '—');
  return html`<div class="ok" role="status" id="review-summary">
      <p>No problems found. This is what will launch:</p>
      <dl class="explain">
        <dt>Programme</dt>
        <dd>${c.title} (${c.slug}) — ${c.practice}</dd>
        <dt>Coordinators</dt>
        <dd>${c.coordinators.map((p) => p.name).join(', ')}</dd>
        <dt>Faculty</dt>
        <dd>${c.faculty.map((p) => p.name).join(', ')}</dd>
        <dt>Sites</dt>
        <dd>${c.sites === 'all' ? `every active site (${sites.length})` : `${c.sites.length} picked`}</dd>
        <dt>Announcement</dt>
        <dd>${at(s.announcement)}</dd>
        <dt>Applications</dt>
        <dd>${at(s.applicationsOpen)} to ${at(s.applicationsClose)}</dd>
        <dt>Decisions</dt>
        <dd>due ${at(s.decisionsDue)}; sent ${at(s.notification ?? s.decisionsDue)}</dd>
        <dt>Pre-work</dt>
        <dd>
          ${s.prework ? html`${at(s.prework)} to ${at(s.preworkEnd ?? s.learningSessions[0]?.start)}` : 'none'}
        </dd>
        <dt>Learning sessions</dt>
        <dd>
          ${s.learningSessions.map((ls, i) => html`${i ? html`<br />` : ''}${at(ls.start)}, ${ls.venue}`)}
        </dd>
        <dt>Consultation</dt>
        <dd>
          ${
            s.consultation.length
              ? s.consultation.map(
                  (cs, i) =>
                    html`${i ? html`<br />` : ''}${cs.kind === 'clinical' ? 'Clinical consultation' : 'All-collaborative call'},
                    ${cs.recurrence ? ruleInWords(cs.recurrence.rrule) : `every ${cs.everyDays} days`},
                    ${cs.durationMinutes} min: ${cs.calls.length} calls, the first
                    ${cs.calls
                      .slice(0, 3)
                      .map((t) => at(t))
                      .join('; ')}${
                      cs.recurrence?.skipped.length
                        ? `; none on ${cs.recurrence.skipped.map((t) => formatInZone(t, z, false)).join(', ')}`
                        : ''
                    }${
                      cs.recurrence?.moved.length
                        ? `; moved: ${cs.recurrence.moved.map((m) => `${formatInZone(m.from, z, false)} to ${at(m.to)}`).join(', ')}`
                        : ''
                    }`,
                )
              : 'none'
          }
        </dd>
        <dt>End</dt>
        <dd>${at(s.end)}</dd>
        <dt>Measures</dt>
        <dd>${c.metrics?.measures.map((m) => m.name).join(', ') ?? 'none'}</dd>
        ${
          s.periods.length
            ? html`<dt>Reporting</dt>
                <dd>monthly from ${s.periods[0]!.id} to ${s.periods[s.periods.length - 1]!.id}</dd>`
            : ''
        }
      </dl>
    </div>
    ${buttons}`;
}

function startForm(v: WizardView): Html {
  const e = formErrors('start', v.startProblems, [{ name: 'announcement', label: 'New announcement date' }]);
  return html`<details ${v.startProblems?.length ? 'open' : ''}>
    <summary>Start again from the example or a copy of an earlier collaborative</summary>
    ${errorSummary(e)}
    <form method="get" action="/launch/wizard" id="start">
      ${choiceGroup({
        name: 'from',
        legend: 'Start from',
        errors: e,
        options: [
          { value: 'blank', label: 'A blank form', checked: false },
          { value: 'example', label: 'The example collaborative (TF-CBT)', checked: false },
          ...v.earlier.map((c) => ({
            value: `copy:${c.slug}`,
            label: `A copy of ${c.title}`,
            checked: false,
          })),
        ],
      })}
      ${textField({
        name: 'announcement',
        label: 'New announcement date (for a copy)',
        hint: 'Every date of the copy moves by as many days as its announcement does.',
        type: 'datetime-local',
        value: '',
        errors: e,
      })}
      <button>Start</button>
    </form>
  </details>`;
}

export function wizardPage(v: WizardView): Html {
  const f = v.fields;
  // The summary lists problems in the order of the form's sections, not the order they were found.
  const order = SECTIONS.map(([id]) => id as string);
  const problems = [...(v.problems ?? [])].sort(
    (a, b) => order.indexOf(sectionOf(a.split(':')[0])!) - order.indexOf(sectionOf(b.split(':')[0])!),
  );
  const e = formErrors('wizard', problems, fieldSpecs(f));
  const zones =
    ZONES.includes(value(f, 'timeZone')) || !value(f, 'timeZone') ? ZONES : [value(f, 'timeZone'), ...ZONES];
  return html`<p>
      Fill in the sections below, in any order. <strong>Check</strong> shows every problem at once, beside its
      field; nothing you typed is lost. Engineers can also
      <a href="/launch">paste a config (YAML or JSON)</a>.
    </p>
    <link rel="stylesheet" href="/static/wizard.css" />
    ${startForm(v)} ${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
    ${errorSummary(e)}
    <nav aria-label="Sections of the form">
      <ul class="jump">
        ${SECTIONS.map(
          ([id, label]) =>
            html`<li>
              <a href="#${id}">${label}</a
              >${e.all.some((p) => sectionOf(p.field?.name) === id) ? ' (has problems)' : ''}
            </li>`,
        )}
      </ul>
    </nav>
    <form method="post" action="/launch/wizard" id="wizard" novalidate>
      ${csrfField(v.csrf)}
      ${section(
        'programme',
        'Programme',
        html`${textField({ name: 'title', label: 'Title', value: value(f, 'title'), errors: e })}
        ${textField({
          name: 'slug',
          label: 'Short name for links',
          hint: 'Lower-case letters, digits and dashes; made from the title if left empty.',
          value: value(f, 'slug'),
          errors: e,
          autocomplete: 'off',
        })}
        ${textField({ name: 'practice', label: 'Practice', hint: 'The practice or intervention taught.', value: value(f, 'practice'), errors: e })}
        ${textareaField({ name: 'description', label: 'Description (optional)', value: value(f, 'description'), errors: e })}
        ${selectField({
          name: 'timeZone',
          label: 'Time zone',
          hint: 'The dates below are read in this zone.',
          value: value(f, 'timeZone') || 'America/New_York',
          errors: e,
          options: zones.map((z) => ({ value: z, label: z.replace(/_/g, ' ') })),
        })}`,
      )}
      ${section(
        'people',
        'People',
        html`${people(f, e, 'coordinators', v.known.coordinators)} ${people(f, e, 'faculty', v.known.faculty)}`,
      )}
      ${section('sites', 'Sites', sitesSection(f, e, v.sites))}
      ${section('schedule', 'Schedule', scheduleSection(f, e, v.previews ?? {}))}
      ${section('metrics', 'Metrics', metricsSection(f, e))}
      ${section('review', 'Review and launch', reviewSection(v.review, v.sites))}
    </form>
    <script src="/static/wizard.js"></script>`;
}

/** The form's rows lay their fields side by side where there is room. */
export const WIZARD_CSS = `.cols{display:flex;flex-wrap:wrap;gap:0 16px;align-items:flex-start}
.cols>legend{width:100%}.cols>.field{flex:1 1 14em;min-width:0}
.cols input,.cols select{width:100%}.cols input[type=checkbox]{width:auto}
ul.jump{display:flex;flex-wrap:wrap;gap:4px 18px;padding-left:0;list-style:none}
fieldset.series{margin-bottom:18px}fieldset.part{margin:8px 0}
.inline-choices .choice{display:inline-block;margin:4px 14px 4px 0}
.series details{margin:8px 0}
input[type=time],input[type=month],input[type=date]{font:inherit;padding:4px;max-width:100%}.preview ul{margin:4px 0 0}`;

function sectionOf(name: string | undefined): string | undefined {
  if (!name) return undefined;
  if (/^(coordinators|faculty)/.test(name)) return 'people';
  if (/^sites/.test(name)) return 'sites';
  if (/^schedule\.reporting/.test(name)) return 'metrics';
  if (/^schedule/.test(name)) return 'schedule';
  if (/^metrics/.test(name)) return 'metrics';
  return 'programme';
}

/** Shows the site filter and hides the sites it does not match; without it every site is listed. */
export const WIZARD_JS = `(function () {
  var box = document.getElementById('site-filter');
  if (!box) return;
  document.getElementById('site-filter-field').hidden = false;
  box.addEventListener('input', function () {
    var q = box.value.trim().toLowerCase();
    document.querySelectorAll('#f-sites [data-site]').forEach(function (s) {
      // .choice sets display, which outweighs the hidden attribute
      s.closest('label').style.display = q !== '' && s.getAttribute('data-site').indexOf(q) < 0 ? 'none' : '';
    });
  });
})();`;
