/**
 * The pages PIs and team members reach from their signed links: the application form (apply or
 * amend, while applications are open) and the team's home (what it has submitted, its run charts,
 * attendance, pre-work, and the forms for each). Each form is read into the same shape the CLI
 * sends, and validated by the same zod schemas.
 */
import {
  currentSchedule,
  type ApplicationDoc,
  type CollaborativeDoc,
  type PageChart,
  type SubmissionDoc,
  type TeamStatus,
  type Windows,
} from '../../app';
import { PREWORK_ITEMS, ROLES } from '../../domain/inputs';
import type { Measure } from '../../domain/metrics';
import { PREWORK_GUIDE } from '../../domain/prework';
import { formatInZone } from '../../domain/time';
import { chartFigure } from '../charts';
import type { Flash } from '../flash';
import {
  checkboxField,
  choiceGroup,
  csrfField,
  errorList,
  errorSummary,
  html,
  scroll,
  selectField,
  textareaField,
  textField,
  type Html,
} from '../html';
import { formErrors, NO_ERRORS, type FieldSpec, type FormErrors } from '../problems';

type Form = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');
export const MAX_MEMBERS = 8;
const ROLE_LABEL: Record<(typeof ROLES)[number], string> = {
  'senior-leader': 'Senior leader',
  supervisor: 'Clinical supervisor',
  clinician: 'Clinician',
  other: 'Other',
};

const member = (i: number) => `coreTeam.members[${i}]`;
const filled = (f: Form, i: number) => !!(str(f[`${member(i)}.name`]) || str(f[`${member(i)}.email`]));

/**
 * The form's member rows with the blank ones left out and the rest moved up, so that a problem's
 * `coreTeam.members[1]` is the second row shown again.
 */
export function compactMembers(f: Form): Form {
  const out: Form = { ...f };
  const rows = [...Array(MAX_MEMBERS).keys()].filter((i) => filled(f, i));
  for (let i = 0; i < MAX_MEMBERS; i++)
    for (const k of ['name', 'email', 'role']) delete out[`${member(i)}.${k}`];
  rows.forEach((from, to) => {
    for (const k of ['name', 'email', 'role']) out[`${member(to)}.${k}`] = f[`${member(from)}.${k}`];
  });
  return out;
}

/** The application form's fields → an application (blank member rows are left out). */
export function applicationFromForm(f: Form, siteId: string, submittedBy: string): unknown {
  const c = compactMembers(f);
  const person = (p: string) => ({ name: str(c[`${p}.name`]), email: str(c[`${p}.email`]) });
  const members = [...Array(MAX_MEMBERS).keys()]
    .filter((i) => filled(c, i))
    .map((i) => ({ ...person(member(i)), role: str(c[`${member(i)}.role`]) }));
  return {
    siteId,
    submittedBy,
    readiness: str(c.readiness),
    commitCoreDataSet: c.commitCoreDataSet === 'yes',
    commitAllSessions: c.commitAllSessions === 'yes',
    coreTeam: {
      members,
      dataManager: person('coreTeam.dataManager'),
      contactPerson: person('coreTeam.contactPerson'),
    },
  };
}

/** A previous application as the form's values, so an amendment starts from it. */
export function formFromApplication(a: ApplicationDoc | null): Form {
  if (!a) return {};
  const f: Form = {
    readiness: a.readiness,
    commitCoreDataSet: a.commitCoreDataSet ? 'yes' : '',
    commitAllSessions: a.commitAllSessions ? 'yes' : '',
  };
  a.coreTeam.members.forEach((m, i) => {
    f[`${member(i)}.name`] = m.name;
    f[`${member(i)}.email`] = m.email;
    f[`${member(i)}.role`] = m.role;
  });
  for (const p of ['dataManager', 'contactPerson'] as const) {
    f[`coreTeam.${p}.name`] = a.coreTeam[p].name;
    f[`coreTeam.${p}.email`] = a.coreTeam[p].email;
  }
  return f;
}

/** The application form's fields and their labels (for the error summary). */
export const APPLICATION_FIELDS: FieldSpec[] = [
  { name: 'readiness', label: 'Readiness' },
  { name: 'commitCoreDataSet', label: 'Core Data Set commitment' },
  { name: 'commitAllSessions', label: 'Learning sessions commitment' },
  { name: 'coreTeam.members', label: 'Core team' },
  ...[...Array(MAX_MEMBERS).keys()].flatMap((i) => [
    { name: `${member(i)}.name`, label: `Member ${i + 1}: name` },
    { name: `${member(i)}.email`, label: `Member ${i + 1}: email` },
    { name: `${member(i)}.role`, label: `Member ${i + 1}: role` },
  ]),
  ...(['dataManager', 'contactPerson'] as const).flatMap((p) => {
    const who = p === 'dataManager' ? 'Data manager' : 'Contact person';
    return [
      { name: `coreTeam.${p}.name`, label: `${who}: name` },
      { name: `coreTeam.${p}.email`, label: `${who}: email` },
    ];
  }),
];

export function applicationPage(o: {
  doc: CollaborativeDoc;
  siteName: string;
  email: string;
  action: string;
  csrf: string;
  form: Form;
  windows: Windows;
  version?: number;
  problems?: string[];
  done?: string;
}): Html {
  const { doc, form: f, windows: w } = o;
  const tz = doc.config.timeZone;
  const e = formErrors('application', o.problems, APPLICATION_FIELDS);
  // Without the form (its window closed meanwhile), a post's problems are listed, linked to nothing.
  const intro = html`<p>${o.siteName} · for ${o.email}</p>
    ${w.applications.state === 'open' && !w.over ? '' : errorSummary(formErrors('application', o.problems, []))}
    ${o.done ? html`<div class="ok" role="status">${o.done}</div>` : ''}`;
  if (w.over === 'cancelled')
    return html`${intro}
      <p class="notice">This collaborative was cancelled; it takes no applications.</p>`;
  if (w.applications.state === 'not-yet-open')
    return html`${intro}
      <p class="notice" data-state="not-yet-open">
        Applications open on <strong>${formatInZone(w.applications.opens, tz)}</strong> and close on
        ${formatInZone(w.applications.closes, tz)}. Come back to this link then: the form will be here.
      </p>`;
  if (w.applications.state === 'closed')
    return html`${intro}
      <p class="notice" data-state="closed">
        Applications closed on <strong>${formatInZone(w.applications.closes, tz)}</strong>.
        ${
          o.version
            ? `Your application (version ${o.version}) is with the faculty; the decision comes by email.`
            : 'No application was received from this site.'
        }
      </p>`;
  const members = compactMembers(f);
  const person = (p: 'dataManager' | 'contactPerson', legend: string, hint: string) =>
    html`<fieldset>
      <legend>${legend}</legend>
      <p class="hint">${hint}</p>
      ${textField({ name: `coreTeam.${p}.name`, label: 'Name', value: f[`coreTeam.${p}.name`], errors: e, autocomplete: 'off' })}
      ${textField({ name: `coreTeam.${p}.email`, label: 'Email', type: 'email', value: f[`coreTeam.${p}.email`], errors: e, autocomplete: 'off' })}
    </fieldset>`;
  return html`${intro}
    <p>Applications close <strong>${formatInZone(w.applications.closes, tz)}</strong>.</p>
    ${o.version ? html`<p>You applied already (version ${o.version}); sending this form amends the application.</p>` : ''}
    ${errorSummary(e)}
    <form method="post" action="${o.action}" id="application" novalidate>
      ${csrfField(o.csrf)}
      <section>
        <h2>Readiness</h2>
        ${textareaField({
          name: 'readiness',
          label: html`The organisation's readiness to adopt ${doc.config.practice}`,
          hint: 'What is in place already, and what the team will need (20 characters at least).',
          value: f.readiness,
          errors: e,
          rows: 5,
        })}
        ${checkboxField({
          name: 'commitCoreDataSet',
          label: 'We will use the Core Data Set and submit metrics every month',
          errors: e,
          checked: f.commitCoreDataSet === 'yes',
        })}
        ${checkboxField({
          name: 'commitAllSessions',
          label: 'Our core team will attend all the learning sessions',
          errors: e,
          checked: f.commitAllSessions === 'yes',
        })}
      </section>
      <section>
        <h2>Core team</h2>
        <p id="${'f-coreTeam-members'}" tabindex="-1">
          3 to 8 people: at least a senior leader, a clinical supervisor and a clinician. Leave the rows you
          do not need empty.
        </p>
        ${e.of('coreTeam.members').length ? html`<p class="field-error">${e.of('coreTeam.members').join('; ')}</p>` : ''}
        ${[...Array(MAX_MEMBERS).keys()].map(
          (i) =>
            html`<fieldset class="member">
              <legend>Member ${i + 1}</legend>
              <div class="row">
                ${textField({ name: `${member(i)}.name`, label: 'Name', value: members[`${member(i)}.name`], errors: e, autocomplete: 'off' })}
                ${textField({ name: `${member(i)}.email`, label: 'Email', type: 'email', value: members[`${member(i)}.email`], errors: e, autocomplete: 'off' })}
                ${selectField({
                  name: `${member(i)}.role`,
                  label: 'Role',
                  value: members[`${member(i)}.role`],
                  errors: e,
                  options: [
                    { value: '', label: 'Choose a role' },
                    ...ROLES.map((r) => ({ value: r, label: ROLE_LABEL[r] })),
                  ],
                })}
              </div>
            </fieldset>`,
        )}
        ${person('dataManager', 'Data manager', 'Submits the monthly metrics; receives the reminders.')}
        ${person('contactPerson', 'Contact person', 'Our contact for the coordinators.')}
      </section>
      <button>${o.version ? 'Amend the application' : 'Apply'}</button>
    </form>`;
}

// ---- the team page -----------------------------------------------------------------------------

/** The metrics form → a submission; numbers are read as numbers, yes/no as booleans, blanks as missing. */
export function submissionFromForm(f: Form, measures: Measure[], by: string): unknown {
  const values: Record<string, unknown> = {};
  for (const m of measures) {
    const raw = str(f[`values.${m.key}`]).trim();
    if (raw === '') continue;
    if (m.type === 'yesno') values[m.key] = raw === 'yes' ? true : raw === 'no' ? false : raw;
    else if (m.type === 'text') values[m.key] = raw;
    else values[m.key] = Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return { period: str(f.period), values, by };
}

/** A submission's values as the metrics form's values, so an amendment starts from them. */
function formFromSubmission(s: SubmissionDoc | undefined, measures: Measure[]): Form {
  if (!s) return {};
  const f: Form = { period: s.period };
  for (const m of measures) {
    const v = s.values[m.key];
    f[`values.${m.key}`] =
      v === true ? 'yes' : v === false ? 'no' : v === null || v === undefined ? '' : String(v);
  }
  return f;
}

export const metricsFields = (measures: Measure[]): FieldSpec[] => [
  { name: 'period', label: 'Month' },
  ...measures.map((m) => ({ name: `values.${m.key}`, label: m.name })),
];

const showValue = (v: unknown, m: Measure) =>
  v === true
    ? 'yes'
    : v === false
      ? 'no'
      : v === null || v === undefined
        ? '—'
        : `${String(v)}${m.type === 'percentage' ? '%' : ''}`;

export function teamPage(o: {
  doc: CollaborativeDoc;
  siteName: string;
  email: string;
  base: string;
  csrf: string;
  team?: TeamStatus;
  teamError?: string;
  roster: { name: string; email: string; role?: string }[];
  submissions: SubmissionDoc[];
  charts: PageChart[];
  windows: Windows;
  now: number;
  /** The period asked for (?period=, from a reminder's link or an "amend" link). */
  period?: string;
  flash: Flash;
}): Html {
  const { doc, flash } = o;
  const tz = doc.config.timeZone;
  const schedule = currentSchedule(doc);
  const measures = doc.config.metrics?.measures ?? [];
  const open = schedule.periods.filter((p) => Date.parse(p.start) <= o.now);
  const state = o.team?.state;
  const over = o.windows.over ?? (state && state !== 'active' ? 'ended' : undefined);
  const begun = o.windows.sessionsBegun;
  const done = new Set(o.team?.preworkDone ?? []);
  const todo = PREWORK_ITEMS.filter((i) => !done.has(i));
  // A form's problems go beside its fields when the page shows the form, else in the summary alone.
  const errorsOf = (form: string, fields: FieldSpec[], showsForm: boolean): FormErrors =>
    flash.form === form ? formErrors(form, flash.problems, showsForm ? fields : []) : NO_ERRORS;
  const me = errorsOf('metrics', metricsFields(measures), !over && !!measures.length && !!open.length);
  const ae = errorsOf(
    'attendance',
    [
      { name: 'session', label: 'Learning session' },
      { name: 'present', label: 'Who attended' },
    ],
    !over && !!begun.length,
  );
  const pe = errorsOf('prework', [{ name: 'item', label: 'Pre-work item' }], !over && !!todo.length);
  const summary = errorSummary([me, ae, pe].find((e) => e.all.length));
  const byPeriod = new Map(o.submissions.map((s) => [s.period, s]));
  // Which period the form shows: the one asked for, else the first open one not yet submitted.
  const chosen =
    str(flash.form === 'metrics' ? flash.values?.period : '') ||
    (open.some((p) => p.id === o.period) ? o.period! : undefined) ||
    open.find((p) => !byPeriod.has(p.id))?.id ||
    open[open.length - 1]?.id;
  const values: Form =
    flash.form === 'metrics' && flash.values
      ? flash.values
      : formFromSubmission(chosen ? byPeriod.get(chosen) : undefined, measures);
  const stateNote =
    state === 'withdrawn'
      ? 'Your team has withdrawn from the collaborative.'
      : state === 'cancelled' || o.windows.over === 'cancelled'
        ? 'The collaborative was cancelled; nothing more is taken here.'
        : state === 'completed' || o.windows.over === 'ended'
          ? 'The collaborative has ended. Thank you for taking part.'
          : undefined;

  const metricsForm = () => {
    if (!open.length)
      return html`<p class="notice" data-state="no-period-yet">
        The first reporting period starts with learning session 1
        (${formatInZone(schedule.learningSessions[0]!.start, tz)}).
      </p>`;
    const amending = !!(chosen && byPeriod.has(chosen));
    return html`<form method="post" action="${o.base}/metrics" id="metrics-form" novalidate>
      ${csrfField(o.csrf)}
      ${selectField({
        name: 'period',
        label: 'Month',
        value: chosen,
        errors: me,
        hint: amending
          ? `${chosen} is submitted already: the form holds what was sent; sending it again amends it.`
          : undefined,
        options: open.map((p) => ({
          value: p.id,
          label: `${p.id}${byPeriod.has(p.id) ? ' (submitted; sending amends)' : ''} — due ${formatInZone(p.due, tz, false)}`,
        })),
      })}
      ${measures.map((m) => {
        const name = `values.${m.key}`;
        const label = `${m.name}${m.required ? '' : ' (optional)'}`;
        const range =
          m.type === 'count' || m.type === 'percentage'
            ? `${m.type === 'count' ? 'A whole number' : 'A percentage'}${m.min !== undefined || m.max !== undefined || m.type === 'percentage' ? `, ${m.min ?? 0} to ${m.max ?? (m.type === 'percentage' ? 100 : '…')}` : ''}.`
            : undefined;
        return m.type === 'yesno'
          ? selectField({
              name,
              label,
              value: values[name],
              errors: me,
              options: [
                { value: '', label: 'Choose' },
                { value: 'yes', label: 'Yes' },
                { value: 'no', label: 'No' },
              ],
            })
          : m.type === 'text'
            ? textareaField({ name, label, value: values[name], errors: me, rows: 2 })
            : textField({ name, label, hint: range, value: values[name], errors: me, inputmode: 'decimal' });
      })}
      <button>${amending ? 'Amend the metrics' : 'Submit the metrics'}</button>
    </form>`;
  };

  const submitted = o.submissions.length
    ? scroll(
        'Submitted metrics',
        html`<table id="submissions">
          <caption>
            What your team has submitted
          </caption>
          <tr>
            <th scope="col">Month</th>
            <th scope="col">Sent</th>
            ${measures.map((m) => html`<th scope="col">${m.name}</th>`)}
            ${over ? '' : html`<th scope="col"><span class="visually-hidden">Change</span></th>`}
          </tr>
          ${o.submissions.map(
            (s) =>
              html`<tr data-period="${s.period}">
                <th scope="row">${s.period}</th>
                <td>
                  ${formatInZone(new Date(s.submittedAt).toISOString(), tz)}${s.late ? ' (late)' : ' (on time)'}${
                    s.amendments ? `, amended ${s.amendments}×` : ''
                  }
                  by ${s.by}
                </td>
                ${measures.map((m) => html`<td>${showValue(s.values[m.key], m)}</td>`)}
                ${
                  over
                    ? ''
                    : html`<td>
                        <a href="${o.base}?period=${encodeURIComponent(s.period)}#metrics"
                          >Amend ${s.period}</a
                        >
                      </td>`
                }
              </tr>`,
          )}
        </table>`,
      )
    : html`<p>Nothing submitted yet.</p>`;

  const attendance = o.team?.attendance ?? {};
  const attendanceTable = schedule.learningSessions.length
    ? scroll(
        'Attendance',
        html`<table id="attendance-record">
          <caption>
            Who attended each learning session
          </caption>
          <tr>
            <th scope="col">Member</th>
            ${schedule.learningSessions.map((ls, i) => html`<th scope="col">Session ${i + 1}<br /><small>${formatInZone(ls.start, tz, false)}</small></th>`)}
          </tr>
          ${o.roster.map(
            (m) =>
              html`<tr>
                <th scope="row">${m.name}</th>
                ${schedule.learningSessions.map((_ls, i) => {
                  const rec = attendance[i]?.[m.email];
                  return html`<td>
                    ${rec === undefined ? (begun.includes(i) ? 'not recorded' : '—') : rec ? 'attended' : 'absent'}
                  </td>`;
                })}
              </tr>`,
          )}
        </table>`,
      )
    : '';
  return html`<p>${o.siteName} · for ${o.email}</p>
    ${summary} ${flash.done ? html`<div class="ok" role="status">${flash.done}</div>` : ''}
    ${stateNote ? html`<p class="notice" data-state="${over ?? state}">${stateNote}</p>` : ''}
    ${o.teamError ? html`<div class="errors">${o.teamError}</div>` : ''}
    ${
      measures.length
        ? html`<section id="metrics">
            <h2>Metrics</h2>
            ${submitted} ${over ? '' : metricsForm()}
          </section>`
        : ''
    }
    ${
      o.charts.length
        ? html`<section id="charts">
            <h2>Your run charts</h2>
            <p>
              Each month's value, with the median of your months (dashed) and the target where there is one.
            </p>
            ${o.charts.map((c, i) => chartFigure(c, `team-chart-${i}`))}
          </section>`
        : ''
    }
    <section id="attendance">
      <h2>Attendance at the learning sessions</h2>
      ${attendanceTable}
      ${
        over
          ? ''
          : begun.length
            ? html`<form method="post" action="${o.base}/attendance" id="attendance-form" novalidate>
                ${csrfField(o.csrf)}
                ${selectField({
                  name: 'session',
                  label: 'Learning session',
                  value:
                    str(flash.form === 'attendance' ? flash.values?.session : '') ||
                    String(begun[begun.length - 1]),
                  errors: ae,
                  options: begun.map((i) => ({
                    value: String(i),
                    label: `${i + 1}: ${formatInZone(schedule.learningSessions[i]!.start, tz, false)}, ${schedule.learningSessions[i]!.venue}`,
                  })),
                })}
                ${choiceGroup({
                  name: 'present',
                  legend: 'Who attended',
                  type: 'checkbox',
                  errors: ae,
                  options: o.roster.map((m) => ({
                    value: m.email,
                    label: `${m.name} (${m.email})`,
                    checked:
                      flash.form === 'attendance' &&
                      ([] as unknown[]).concat(flash.values?.present ?? []).includes(m.email),
                  })),
                })}
                <button>Record who attended</button>
              </form>`
            : html`<p class="notice" data-state="no-session-yet">
                Attendance is recorded once learning session 1 has begun
                (${formatInZone(schedule.learningSessions[0]!.start, tz)}).
              </p>`
      }
    </section>
    <section id="prework">
      <h2>Pre-work</h2>
      <dl class="explain">
        ${PREWORK_ITEMS.map(
          (i) =>
            html`<dt>${PREWORK_GUIDE[i].title}: ${done.has(i) ? 'done' : 'not done yet'}</dt>
              <dd>${PREWORK_GUIDE[i].explained}</dd>`,
        )}
      </dl>
      ${
        over || !todo.length
          ? todo.length
            ? ''
            : html`<p>All the pre-work is done.</p>`
          : html`<form method="post" action="${o.base}/prework" id="prework-form" novalidate>
              ${csrfField(o.csrf)}
              ${choiceGroup({
                name: 'item',
                legend: 'Mark as done',
                errors: pe,
                options: todo.map((i, n) => ({ value: i, label: PREWORK_GUIDE[i].title, checked: n === 0 })),
              })}
              <button>Mark as done</button>
            </form>`
      }
    </section>`;
}

/** A refused or expired link: says what happened and what to do, and shows nothing else. */
export function linkProblemPage(reason: string): Html {
  const text: Record<string, string> = {
    expired:
      'This link has expired. Ask the collaborative’s coordinator for a new one (reply to the email you received).',
    tampered:
      'This link is not valid: it may have been changed or cut short when it was copied. Open it again from the email.',
    malformed:
      'This link is not valid: it may have been cut short when it was copied. Open it again from the email.',
    'wrong-purpose': 'This link is meant for another page. Open it again from the email.',
    used: 'This sign-in link was used already. Ask for a new one.',
    unknown: 'This link does not lead to anything we know. Open it again from the email.',
    unconfirmed:
      'This sign-in was not confirmed from the page your link opened. Open the link from your email again and press “Sign in” there.',
  };
  return html`<div class="errors" role="alert" data-reason="${reason}">${text[reason] ?? text.unknown}</div>`;
}

export const JOIN_FIELDS: FieldSpec[] = [
  { name: 'name', label: 'Your name' },
  { name: 'email', label: 'Your email' },
];

/** A Learning Community's join form, reached from the link its announcement gave the site's PI. */
export function joinPage(o: {
  title: string;
  topic: string;
  siteName: string;
  action: string;
  csrf: string;
  form: Form;
  problems?: string[];
  done?: string;
}): Html {
  if (o.done) return html`<div class="ok" role="status">${o.done}</div>`;
  const e = formErrors('join', o.problems, JOIN_FIELDS);
  return html`<p>
      A Learning Community on ${o.topic}, open to the people of ${o.siteName}. Anyone interested joins, and
      may leave at any time.
    </p>
    ${errorSummary(e)}
    <form method="post" action="${o.action}" id="join" novalidate>
      ${csrfField(o.csrf)}
      ${textField({ name: 'name', label: 'Your name', value: o.form.name, errors: e, autocomplete: 'name' })}
      ${textField({ name: 'email', label: 'Your email', type: 'email', value: o.form.email, errors: e, autocomplete: 'email' })}
      <button>Join the community</button>
    </form>`;
}

export { errorList };
