/**
 * The team's home, reached from a member's signed link: what it has submitted, its run charts,
 * attendance, pre-work, and the forms for each (amend with the old values filled in).
 */
import {
  currentSchedule,
  type CollaborativeDoc,
  type PageChart,
  type SubmissionDoc,
  type TeamStatus,
  type Windows,
} from '../../app';
import { PREWORK_ITEMS } from '../../domain/inputs';
import type { Measure } from '../../domain/metrics';
import { PREWORK_GUIDE } from '../../domain/prework';
import { formatInZone } from '../../domain/time';
import { chartFigure } from '../charts';
import type { Flash } from '../flash';
import {
  choiceGroup,
  csrfField,
  errorSummary,
  html,
  scroll,
  selectField,
  textareaField,
  textField,
  type Html,
} from '../html';
import { formErrors, NO_ERRORS, type FieldSpec, type FormErrors } from '../problems';
import { str } from './apply';

type Form = Record<string, unknown>;
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
