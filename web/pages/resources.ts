/**
 * The resource library: the list teams see on their page, and the page where faculty and
 * coordinators add and remove a collaborative's documents, recordings and links.
 */
import type { CollaborativeDoc, ResourceDoc } from '../../app';
import { currentSchedule } from '../../app';
import { RESOURCE_KIND_WORDS, RESOURCE_KINDS } from '../../domain/pdsa';
import { formatInZone } from '../../domain/time';
import type { Flash } from '../flash';
import { csrfField, errorSummary, html, selectField, textField, type Html } from '../html';
import { formErrors, NO_ERRORS, type FieldSpec } from '../problems';

export const RESOURCE_FIELDS: FieldSpec[] = [
  { name: 'title', label: 'Title' },
  { name: 'kind', label: 'Kind' },
  { name: 'url', label: 'Address (URL)' },
  { name: 'session', label: 'Learning session' },
];

const sessionName = (doc: CollaborativeDoc, i: number) =>
  `Learning session ${i + 1} (${formatInZone(currentSchedule(doc).learningSessions[i]?.start ?? '', doc.config.timeZone, false)})`;

function item(doc: CollaborativeDoc, r: ResourceDoc): Html {
  return html`<a href="${r.url}" rel="noopener noreferrer">${r.title}</a>
    <small
      >·
      ${RESOURCE_KIND_WORDS[r.kind]}${r.session === undefined ? '' : ` · ${sessionName(doc, r.session)}`}</small
    >`;
}

/** The library as teams read it on their page, session by session. */
export function teamResourcesSection(doc: CollaborativeDoc, resources: ResourceDoc[]): Html {
  return html`<section id="resources">
    <h2>Resources</h2>
    ${
      resources.length
        ? html`<ul class="resources">
            ${resources.map((r) => html`<li data-resource="${r.n}">${item(doc, r)}</li>`)}
          </ul>`
        : html`<p>The faculty have not shared any resources yet.</p>`
    }
  </section>`;
}

export function resourcesPage(o: {
  doc: CollaborativeDoc;
  resources: ResourceDoc[];
  csrf: string;
  flash: Flash;
}): Html {
  const { doc, flash } = o;
  const base = `/c/${doc.slug}/resources`;
  const e = flash.form === 'resource' ? formErrors('resource', flash.problems, RESOURCE_FIELDS) : NO_ERRORS;
  const values = flash.form === 'resource' ? (flash.values ?? {}) : {};
  const removeProblems = flash.form === 'remove' ? formErrors('remove', flash.problems, []) : undefined;
  const sessions = currentSchedule(doc).learningSessions;
  return html`<p><a href="/c/${doc.slug}">Back to ${doc.config.title}</a></p>
    ${errorSummary(flash.form === 'resource' ? e : removeProblems)}
    ${flash.done ? html`<div class="ok" role="status">${flash.done}</div>` : ''}
    <p>
      What the teams of this collaborative can read: shown on each team's page, and linked from the session
      and call emails (a session's own resources in that session's emails).
    </p>
    <section id="library">
      <h2>Resources (${o.resources.length})</h2>
      ${
        o.resources.length
          ? html`<ul class="resources">
              ${o.resources.map(
                (r) =>
                  html`<li data-resource="${r.n}">
                    ${item(doc, r)}
                    <form method="post" action="${base}/${r.n}/remove" class="inline">
                      ${csrfField(o.csrf)}
                      <button>Remove<span class="visually-hidden"> ${r.title}</span></button>
                    </form>
                  </li>`,
              )}
            </ul>`
          : html`<p>None yet.</p>`
      }
    </section>
    <section id="add">
      <h2>Add a resource</h2>
      <form method="post" action="${base}" id="resource-form" novalidate>
        ${csrfField(o.csrf)}
        ${textField({ name: 'title', label: 'Title', value: values.title, errors: e, autocomplete: 'off' })}
        ${selectField({
          name: 'kind',
          label: 'Kind',
          value: values.kind ?? 'document',
          errors: e,
          options: RESOURCE_KINDS.map((k) => ({ value: k, label: RESOURCE_KIND_WORDS[k] })),
        })}
        ${textField({
          name: 'url',
          label: 'Address (URL)',
          hint: 'Where the document, recording or page is, starting with https://',
          type: 'url',
          value: values.url,
          errors: e,
          autocomplete: 'off',
        })}
        ${selectField({
          name: 'session',
          label: 'Learning session (optional)',
          value: values.session ?? '',
          errors: e,
          options: [
            { value: '', label: 'None: the whole collaborative' },
            ...sessions.map((_s, i) => ({ value: String(i), label: sessionName(doc, i) })),
          ],
        })}
        <button>Add the resource</button>
      </form>
    </section>`;
}
