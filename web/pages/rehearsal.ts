/**
 * The rehearsal's pages (views only; app/rehearsal.ts computes): the emails as a timeline, one
 * entry per moment and template with its recipients beneath, each in their own zone, and the
 * rendered email a click away; the scenario stated first. A draft's rehearsal keeps the config in
 * its form (rehearse again, or launch); a running collaborative's has the what-if form.
 */
import type { Rehearsal, RehearsedEmail, WhatIf } from '../../app';
import { milestoneLabel } from '../../domain/schedule';
import { formatInZone } from '../../domain/time';
import { csrfField, errorSummary, html, scroll, selectField, textField, type Html } from '../html';
import { formErrors, type FormErrors } from '../problems';
import { launchForm } from './home';

/** The emails of one moment, template and subject, to the people they go to. */
interface Moment {
  at: string;
  template: string;
  subject: string;
  emails: RehearsedEmail[];
}

function moments(emails: RehearsedEmail[]): Moment[] {
  const out: Moment[] = [];
  for (const e of emails) {
    const last = out.at(-1);
    // One entry per email as written: the same template at the same moment for another site reads differently.
    if (last && last.at === e.at && last.template === e.template && last.subject === e.subject)
      last.emails.push(e);
    else out.push({ at: e.at, template: e.template, subject: e.subject, emails: [e] });
  }
  return out;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function roleCounts(emails: RehearsedEmail[]): string {
  const count = new Map<string, number>();
  for (const e of emails) for (const r of e.role.split(', ')) count.set(r, (count.get(r) ?? 0) + 1);
  return [...count].map(([r, n]) => `${n} ${r}`).join(', ');
}

function recipientsTable(emails: RehearsedEmail[], label: string): Html {
  return scroll(
    label,
    html`<table>
      <thead>
        <tr>
          <th scope="col">Who</th>
          <th scope="col">Role</th>
          <th scope="col">Site</th>
          <th scope="col">Their time</th>
        </tr>
      </thead>
      <tbody>
        ${emails.map(
          (e) =>
            html`<tr>
              <td>${e.name}<br /><small>${e.assumed ? 'named in the application' : e.email}</small></td>
              <td>${e.role}</td>
              <td>${e.siteName ?? ''}</td>
              <td>${e.localTime}<br /><small>${e.timeZone}</small></td>
            </tr>`,
        )}
      </tbody>
    </table>`,
  );
}

/** The timeline: a list of moments, each opening onto its recipients. */
export function timeline(r: Pick<Rehearsal, 'emails'>, zone: string): Html {
  if (!r.emails.length) return html`<p>No email is still to come.</p>`;
  return html`<ol class="timeline">
    ${moments(r.emails).map(
      (m, i) =>
        html`<li>
          <p>
            <strong>${formatInZone(m.at, zone)}</strong><br />
            ${m.subject}
            <a href="/templates/${m.template}" target="_blank" rel="noopener">see the ${m.template} email</a>
          </p>
          <details>
            <summary>To ${plural(m.emails.length, 'person', 'people')}: ${roleCounts(m.emails)}</summary>
            ${recipientsTable(m.emails, `Recipients of email ${i + 1}`)}
          </details>
        </li>`,
    )}
  </ol>`;
}

function scenario(r: Rehearsal): Html {
  return html`<section aria-labelledby="scenario">
    <h2 id="scenario">The scenario rehearsed</h2>
    <ul>
      ${r.scenario.map((s) => html`<li>${s}</li>`)}
    </ul>
    ${
      r.unknownSites.length
        ? html`<p class="errors">
            Not in the network directory, so not announced: ${r.unknownSites.join(', ')}
          </p>`
        : ''
    }
  </section>`;
}

function summary(r: Rehearsal): Html {
  const people = new Set(r.emails.map((e) => e.email)).size;
  return html`<p>
    ${plural(r.emails.length, 'email')} to ${plural(people, 'person', 'people')}, from
    ${r.emails[0] ? formatInZone(r.emails[0].at, 'UTC') : '—'} to
    ${r.emails.at(-1) ? formatInZone(r.emails.at(-1)!.at, 'UTC') : '—'}. Each recipient's time is in their own
    zone.
  </p>`;
}

/** A draft config's rehearsal: the scenario, the timeline, a CSV download, and the config's form. */
export function draftRehearsalPage(o: {
  csrf: string;
  text: string;
  rehearsal: Rehearsal;
  zone: string;
}): Html {
  const r = o.rehearsal;
  return html`<p><a href="/launch">Back to the launch page</a></p>
    <h2>${r.title} (${r.slug})</h2>
    ${summary(r)}
    <form method="post" action="/launch/rehearsal.csv">
      ${csrfField(o.csrf)}
      <input type="hidden" name="config" value="${o.text}" />
      <button>Download the rehearsal (CSV)</button>
    </form>
    ${scenario(r)}
    <section aria-labelledby="emails">
      <h2 id="emails">Every email, in time order</h2>
      ${timeline(r, o.zone)}
    </section>
    <section aria-labelledby="config">
      <h2 id="config">The config</h2>
      ${launchForm({ csrf: o.csrf, text: o.text })}
    </section>`;
}

/** No draft to show (the page was opened directly, or reloaded after its one showing). */
export function noDraftPage(): Html {
  return html`<p>
    There is no rehearsal to show. Paste a config on the <a href="/launch">launch page</a> and choose
    Rehearse.
  </p>`;
}

const WHAT_IF_FIELDS = [
  { name: 'milestone', label: 'Milestone' },
  { name: 'date', label: 'New date and time' },
];

/** A running collaborative's rehearsal, with the what-if form and (when asked) its answer. */
export function runningRehearsalPage(o: {
  slug: string;
  zone: string;
  rehearsal: Rehearsal;
  now: number;
  choices: { name: string; label: string; at: string }[];
  asked: { milestone?: string; date?: string };
  whatIf?: WhatIf;
  problems?: string[];
}): Html {
  const r = o.rehearsal;
  const ahead = { emails: r.emails.filter((e) => Date.parse(e.at) > o.now) };
  const e: FormErrors = formErrors('what-if', o.problems, WHAT_IF_FIELDS);
  return html`<p><a href="/c/${o.slug}">Back to the collaborative</a></p>
    ${errorSummary(e)}
    <section aria-labelledby="what-if-heading">
      <h2 id="what-if-heading">What if a milestone moves?</h2>
      <p>
        Nothing is changed: this shows who would be told what. To move it, use Reschedule on the
        collaborative's page.
      </p>
      <form method="get" action="/c/${o.slug}/rehearsal" id="what-if" novalidate>
        ${selectField({
          name: 'milestone',
          label: 'Milestone',
          value: o.asked.milestone,
          errors: e,
          options: o.choices.map((c) => ({
            value: c.name,
            label: `${c.label} (now ${formatInZone(c.at, o.zone)})`,
          })),
        })}
        ${textField({
          name: 'date',
          label: `New date and time (${o.zone})`,
          type: 'datetime-local',
          value: o.asked.date,
          errors: e,
          autocomplete: 'off',
        })}
        <button>Show what changes</button>
      </form>
      ${o.whatIf ? whatIfAnswer(o.whatIf, o.zone) : ''}
    </section>
    <h2>Every email still to come</h2>
    ${summary({ ...r, ...ahead })}
    <p><a href="/c/${o.slug}/rehearsal.csv">Download the rehearsal (CSV)</a></p>
    ${scenario(r)}
    <section aria-labelledby="emails">
      <h2 id="emails">In time order</h2>
      ${timeline(ahead, o.zone)}
    </section>`;
}

function whatIfAnswer(w: WhatIf, zone: string): Html {
  const changed = w.changes;
  const rows = changed.map(
    (c) =>
      html`<tr>
        <td>${{ added: 'new', removed: 'no longer sent', moved: 'moves' }[c.change]}</td>
        <td>${(c.after ?? c.before)!.subject}</td>
        <td>${(c.after ?? c.before)!.name}<br /><small>${(c.after ?? c.before)!.role}</small></td>
        <td>${c.before ? c.before.localTime : '—'}</td>
        <td>${c.after ? c.after.localTime : '—'}</td>
      </tr>`,
  );
  return html`<div class="ok" role="status">
    <h3>If ${milestoneLabel(w.milestone)} moves to ${formatInZone(w.at, zone)}</h3>
    <p>
      Told now, by the schedule-change email: ${plural(w.toldNow.length, 'person', 'people')}
      (${roleCounts(w.toldNow)}).
    </p>
    <details>
      <summary>Who is told now</summary>
      ${recipientsTable(w.toldNow, 'Told of the change now')}
    </details>
    <p>Emails still to come that change: ${changed.length}.</p>
    ${
      changed.length
        ? scroll(
            'Emails that change',
            html`<table>
              <thead>
                <tr>
                  <th scope="col">Change</th>
                  <th scope="col">Email</th>
                  <th scope="col">To</th>
                  <th scope="col">Was (their time)</th>
                  <th scope="col">Becomes</th>
                </tr>
              </thead>
              <tbody>
                ${rows}
              </tbody>
            </table>`,
          )
        : ''
    }
  </div>`;
}
