/**
 * The email centre of a collaborative: every email it sent, filtered by kind, status and person,
 * a page at a time; one email as sent; a form to resend a person's lost link.
 */
import {
  EMAIL_PURPOSES,
  EMAIL_STATUSES,
  type EmailDetail,
  type EmailLog,
  type EmailLogFilter,
} from '../../app';
import { formatInZone } from '../../domain/time';
import type { Flash } from '../flash';
import { csrfField, errorSummary, html, scroll, selectField, textField, type Html } from '../html';
import { formErrors, NO_ERRORS, type FormErrors } from '../problems';

export type EmailFilterValues = Pick<EmailLogFilter, 'purpose' | 'status' | 'to'>;

/** The query string of a filter and page, for the links between pages. */
export function filterQuery(f: EmailFilterValues, page?: number): string {
  const q = new URLSearchParams();
  if (f.purpose) q.set('purpose', f.purpose);
  if (f.status) q.set('status', f.status);
  if (f.to) q.set('to', f.to);
  if (page && page > 1) q.set('page', String(page));
  const s = q.toString();
  return s ? `?${s}` : '';
}

const FILTER_FIELDS = [
  { name: 'purpose', label: 'Kind of email' },
  { name: 'status', label: 'Status' },
  { name: 'to', label: 'Recipient' },
  { name: 'page', label: 'Page' },
];

export function emailCentrePage(o: {
  slug: string;
  timeZone: string;
  filter: EmailFilterValues;
  log?: EmailLog;
  /** The filter's problems (a GET: shown at once, not through a flash). */
  problems?: string[];
  csrf: string;
  flash: Flash;
}): Html {
  const fe = o.problems ? formErrors('filter', o.problems, FILTER_FIELDS) : NO_ERRORS;
  const resend =
    o.flash.form === 'resend'
      ? formErrors('resend', o.flash.problems, [{ name: 'email', label: 'Email' }])
      : NO_ERRORS;
  const base = `/c/${o.slug}/emails`;
  const log = o.log;
  return html`<p>
      <a href="/c/${o.slug}">Back to the collaborative</a> ·
      <a href="/c/${o.slug}/templates">Email templates with this collaborative's data</a>
    </p>
    ${errorSummary(o.problems ? fe : o.flash.form === 'resend' ? resend : undefined)}
    ${o.flash.done ? html`<div class="ok" role="status">${o.flash.done}</div>` : ''}
    <section id="email-filter">
      <h2>Filter</h2>
      <form method="get" action="${base}" role="search" id="filter">
        ${selectField({
          name: 'purpose',
          label: 'Kind of email',
          value: o.filter.purpose ?? '',
          errors: fe,
          options: [
            { value: '', label: 'every kind' },
            ...EMAIL_PURPOSES.map((p) => ({ value: p, label: p })),
          ],
        })}
        ${selectField({
          name: 'status',
          label: 'Status',
          value: o.filter.status ?? '',
          errors: fe,
          options: [
            { value: '', label: 'any status' },
            ...EMAIL_STATUSES.map((s) => ({ value: s, label: s })),
          ],
        })}
        ${textField({
          name: 'to',
          label: 'Recipient (email address)',
          value: o.filter.to ?? '',
          errors: fe,
          type: 'email',
        })}
        <button>Show</button> <a href="${base}">Clear the filter</a>
      </form>
    </section>
    ${log ? logSection(log, o.slug, o.filter, o.timeZone) : ''}
    ${resendSection(o.slug, o.csrf, resend, o.flash)}`;
}

function logSection(log: EmailLog, slug: string, f: EmailFilterValues, tz: string): Html {
  const base = `/c/${slug}/emails`;
  const first = (log.page - 1) * log.limit + 1;
  return html`<section id="email-log">
    <h2>Emails (${log.matching} of ${log.total})</h2>
    <p data-testid="email-counts">
      ${Object.entries(log.counts)
        .map(([k, n]) => `${k}: ${n}`)
        .join(' · ')}
    </p>
    ${
      log.emails.length
        ? html`<p>Showing ${first}–${first + log.emails.length - 1}, newest first. Times in ${tz}.</p>
            ${scroll(
              'Emails',
              html`<table>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Recipient</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Status</th>
                </tr>
                ${log.emails.map(
                  (l) =>
                    html`<tr class="${l.status}" data-key="${l.key}">
                      <td>${formatInZone(l.at, tz)}</td>
                      <td><a href="/c/${slug}/email?key=${encodeURIComponent(l.key)}">${l.subject}</a></td>
                      <td class="wrap">${l.to}</td>
                      <td>${l.template}</td>
                      <td>${l.status}${l.error ? html`: <span class="wrap">${l.error}</span>` : ''}</td>
                    </tr>`,
                )}
              </table>`,
            )}`
        : html`<p>No email matches this filter.</p>`
    }
    ${
      log.pages > 1
        ? html`<nav aria-label="Pages of emails">
            <p>
              Page ${log.page} of ${log.pages}
              ${log.page > 1 ? html` · <a href="${base}${filterQuery(f, log.page - 1)}" rel="prev">Newer</a>` : ''}
              ${log.page < log.pages ? html` · <a href="${base}${filterQuery(f, log.page + 1)}" rel="next">Older</a>` : ''}
            </p>
          </nav>`
        : ''
    }
  </section>`;
}

function resendSection(slug: string, csrf: string, e: FormErrors, flash: Flash): Html {
  return html`<section id="resend">
    <h2>Resend a lost link</h2>
    <p>
      Emails the person a new link to their team's page (a team member) or their site's application (a PI).
      The link they had keeps working until it expires.
    </p>
    <form method="post" action="/c/${slug}/resend-link" id="resend-link" novalidate>
      ${csrfField(csrf)}
      ${textField({
        name: 'email',
        label: 'Their email address',
        value: flash.form === 'resend' ? flash.values?.email : '',
        errors: e,
        type: 'email',
        autocomplete: 'off',
      })}
      <button>Send a new link</button>
    </form>
  </section>`;
}

export function emailPage(slug: string, e: EmailDetail, tz: string, csrf: string): Html {
  return html`<p>
      <a href="/c/${slug}/emails">Back to the email centre</a> ·
      <a href="/c/${slug}/emails?to=${encodeURIComponent(e.to)}">Every email to ${e.to}</a>
    </p>
    <dl class="explain" id="email-meta">
      <dt>Subject</dt>
      <dd data-testid="email-subject">${e.subject}</dd>
      <dt>Recipient</dt>
      <dd class="wrap">${e.to}</dd>
      <dt>Kind</dt>
      <dd>${e.template}</dd>
      <dt>Status</dt>
      <dd>
        ${e.status}${e.error ? html`: <span class="wrap">${e.error}</span>` : ''} (attempts: ${e.attempts})
      </dd>
      <dt>When</dt>
      <dd>${formatInZone(e.at, tz)} (${tz})</dd>
    </dl>
    ${
      e.body
        ? html`<section id="email-html">
              <h2>As sent</h2>
              <p>Personal links are not shown: they are the recipient's own.</p>
              <iframe
                class="email-body"
                title="The email as sent"
                sandbox
                src="/c/${slug}/email/body?key=${encodeURIComponent(e.key)}"
              ></iframe>
              ${e.body.calendar ? html`<p>With the calendar file ${e.body.calendar}.</p>` : ''}
            </section>
            <section id="email-text">
              <h2>Plain text</h2>
              <pre class="email-text">${e.body.text}</pre>
            </section>`
        : html`<p>The body of this email was not kept (it was sent before bodies were).</p>`
    }
    <form method="post" action="/c/${slug}/resend-link" id="resend-link" novalidate>
      ${csrfField(csrf)}<input type="hidden" name="email" value="${e.to}" />
      <button>Send ${e.to} a new link</button>
    </form>`;
}
