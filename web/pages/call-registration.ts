/**
 * Informational calls and who registered: on a PI's apply page, a small form per upcoming call to
 * register themself or a colleague of their site; on the collaborative page, the faculty's list.
 */
import { currentSchedule, type CallRegistrationDoc, type CollaborativeDoc } from '../../app';
import { formatInZone } from '../../domain/time';
import type { Flash } from '../flash';
import { csrfField, errorSummary, html, scroll, textField, type Html } from '../html';
import { formErrors, NO_ERRORS, type FieldSpec } from '../problems';

export const CALL_FIELDS: FieldSpec[] = [
  { name: 'name', label: 'Name' },
  { name: 'email', label: 'Email' },
];

/** The id of call `call`'s registration form (its flash's `form`). */
export const callFormId = (call: number) => `call-${call}`;

/** The apply page's section: each call still to come, who of the site registered, and the form. */
export function callsSection(o: {
  doc: CollaborativeDoc;
  now: number;
  siteName: string;
  /** Prefilled: the PI the link was sent to. */
  pi: { name: string; email: string };
  /** The form's action for call `call`. */
  action: (call: number) => string;
  csrf: string;
  flash: Flash;
  /** This site's registrations. */
  registered: CallRegistrationDoc[];
}): Html {
  const tz = o.doc.config.timeZone;
  const calls = currentSchedule(o.doc)
    .informationalCalls.map((c, i) => ({ ...c, i }))
    .filter((c) => Date.parse(c.start) > o.now);
  if (!calls.length) return html``;
  return html`<section id="calls">
    <h2>Informational calls</h2>
    <p>
      Faculty present the collaborative and answer questions about fit. Register yourself or colleagues of
      ${o.siteName}: each person registered receives the call's calendar invitation and a reminder the day
      before.
    </p>
    ${calls.map((c) => {
      const id = callFormId(c.i);
      const mine = o.flash.form === id;
      const e = mine ? formErrors(id, o.flash.problems, CALL_FIELDS, String(c.i)) : NO_ERRORS;
      const values = mine ? (o.flash.values ?? {}) : { name: o.pi.name, email: o.pi.email };
      const who = o.registered.filter((r) => r.call === c.i);
      return html`<div class="call" id="info-call-${c.i}">
        <h3>Informational call ${c.i + 1}: ${formatInZone(c.start, tz)} (${c.durationMinutes} minutes)</h3>
        ${
          who.length
            ? html`<p>Registered from ${o.siteName}: ${who.map((r) => r.name).join(', ')}.</p>`
            : html`<p>No one from ${o.siteName} has registered yet.</p>`
        }
        ${errorSummary(mine && e.all.length ? e : undefined)}
        <form method="post" action="${o.action(c.i)}" id="${id}" novalidate>
          ${csrfField(o.csrf)}
          ${textField({ name: 'name', label: 'Name', value: values.name, errors: e, idSuffix: String(c.i), autocomplete: 'name' })}
          ${textField({ name: 'email', label: 'Email', type: 'email', value: values.email, errors: e, idSuffix: String(c.i), autocomplete: 'email' })}
          <button>Register for call ${c.i + 1}</button>
        </form>
      </div>`;
    })}
  </section>`;
}

/** The collaborative page's list: who registered for each call, from which site. */
export function registrationsTable(
  doc: CollaborativeDoc,
  registrations: CallRegistrationDoc[],
  name: (siteId: string) => string,
): Html {
  const calls = currentSchedule(doc).informationalCalls;
  if (!calls.length) return html``;
  return html`<h3 id="registrations">Registered for the informational calls</h3>
    ${
      registrations.length
        ? scroll(
            'Registered for the informational calls',
            html`<table>
              <tr>
                <th scope="col">Call</th>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Site</th>
              </tr>
              ${registrations.map(
                (r) =>
                  html`<tr>
                    <td>${r.call + 1}</td>
                    <td>${r.name}</td>
                    <td>${r.email}</td>
                    <td>${name(r.siteId)}</td>
                  </tr>`,
              )}
            </table>`,
          )
        : html`<p>No one has registered yet.</p>`
    }`;
}
