/**
 * The network directory, for network administrators: the sites with their PI, active or not and
 * who changed them last; a search; adding a site; uploading a CSV (all rows or none, each bad
 * row's problems beside the upload); and one site's page to edit it, deactivate or reactivate it.
 */
import type { SiteDoc } from '../../app';
import { formatInZone } from '../../domain/dates';
import type { Flash } from '../flash';
import { csrfField, errorSummary, html, scroll, selectField, textField, type Html } from '../html';
import { formErrors, NO_ERRORS, type FieldSpec, type FormErrors } from '../problems';

const SITE_FIELDS: FieldSpec[] = [
  { name: 'siteId', label: 'Site id' },
  { name: 'name', label: 'Site name' },
  { name: 'piName', label: 'PI name' },
  { name: 'piEmail', label: 'PI email' },
  { name: 'timeZone', label: 'Time zone' },
];
const IMPORT_FIELDS: FieldSpec[] = [{ name: 'file', label: 'CSV file' }];

/** A row's field as people read it, in an import's problems ("line 3: piEmail: …" → "Line 3, PI email: …"). */
export function rowProblemInWords(problem: string): string {
  const m = /^line (\d+): ([\s\S]+)$/.exec(problem);
  if (!m) return problem;
  const [, line, rest] = m as unknown as [string, string, string];
  const f = /^(\w+): ([\s\S]+)$/.exec(rest);
  const label = f && SITE_FIELDS.find((x) => x.name === f[1])?.label;
  return label ? `Line ${line}, ${label}: ${f[2]}` : `Line ${line}: ${rest}`;
}

function errorsFor(flash: Flash, form: string, fields: FieldSpec[]): FormErrors {
  return flash.form === form ? formErrors(form, flash.problems, fields) : NO_ERRORS;
}

const when = (at: Date | string | undefined) => (at ? formatInZone(new Date(at).toISOString(), 'UTC') : '');

function changed(s: SiteDoc): Html {
  return html`${s.updatedBy ?? 'unknown'}<br /><small>${when(s.updatedAt)}</small>`;
}

function siteFields(e: FormErrors, values: Record<string, unknown>, withId: boolean): Html {
  return html`${
      withId
        ? textField({
            name: 'siteId',
            label: 'Site id',
            hint: 'Letters, digits and dashes (e.g. bayview). It cannot be changed later.',
            value: values.siteId,
            errors: e,
            autocomplete: 'off',
          })
        : ''
    }
    ${textField({ name: 'name', label: 'Site name', value: values.name, errors: e, autocomplete: 'organization' })}
    <fieldset>
      <legend>Principal investigator (PI)</legend>
      ${textField({ name: 'piName', label: 'PI name', value: values.piName, errors: e, autocomplete: 'name' })}
      ${textField({
        name: 'piEmail',
        label: 'PI email',
        type: 'email',
        value: values.piEmail,
        errors: e,
        autocomplete: 'email',
      })}
    </fieldset>
    ${textField({
      name: 'timeZone',
      label: 'Time zone (optional)',
      hint: 'An IANA name such as America/Chicago; blank: the collaborative’s zone is used for this site.',
      value: values.timeZone,
      errors: e,
      autocomplete: 'off',
    })}`;
}

function activeForm(s: SiteDoc, csrf: string, suffix = ''): Html {
  return html`<form method="post" action="/directory/sites/${s.siteId}/active" class="inline">
    ${csrfField(csrf)}<input type="hidden" name="active" value="${s.active ? 'no' : 'yes'}" />
    <button data-action="${s.active ? 'deactivate' : 'reactivate'}${suffix}">
      ${s.active ? 'Deactivate' : 'Reactivate'}<span class="visually-hidden"> ${s.name}</span>
    </button>
  </form>`;
}

export interface DirectoryView {
  sites: SiteDoc[];
  total: number;
  query: string;
  show: string;
}

export function directoryPage(v: DirectoryView, csrf: string, flash: Flash = {}): Html {
  const add = errorsFor(flash, 'add', SITE_FIELDS);
  const upload = errorsFor(flash, 'import', IMPORT_FIELDS);
  const values = flash.form === 'add' ? (flash.values ?? {}) : {};
  const filtered = v.query || v.show !== 'all';
  return html`${errorSummary(flash.form === 'add' ? add : flash.form === 'import' ? upload : undefined)}
    ${flash.done ? html`<div class="ok" role="status">${flash.done}</div>` : ''}
    <p>
      The sites of the network and their principal investigators. A collaborative launched with
      <code>sites: all</code> is announced to every active site; deactivating a site leaves the programmes it
      is in unchanged.
    </p>
    <section id="sites">
      <h2>Sites (${filtered ? `${v.sites.length} of ${v.total}` : v.total})</h2>
      <form method="get" action="/directory" role="search" class="search">
        ${textField({
          name: 'q',
          label: 'Search by site id, name, PI or PI email',
          value: v.query,
          errors: NO_ERRORS,
          type: 'search',
        })}
        ${selectField({
          name: 'show',
          label: 'Show',
          value: v.show,
          errors: NO_ERRORS,
          options: [
            { value: 'all', label: 'active and inactive sites' },
            { value: 'active', label: 'active sites' },
            { value: 'inactive', label: 'inactive sites' },
          ],
        })}
        <button>Search</button>
      </form>
      ${
        v.sites.length
          ? scroll(
              'Sites',
              html`<table>
                <tr>
                  <th scope="col">Site</th>
                  <th scope="col">PI</th>
                  <th scope="col">Active</th>
                  <th scope="col">Last changed</th>
                  <th scope="col">Change</th>
                </tr>
                ${v.sites.map(
                  (s) =>
                    html`<tr data-site="${s.siteId}" id="site-${s.siteId}">
                      <td>${s.name}<br /><code>${s.siteId}</code></td>
                      <td>${s.piName}<br /><small>${s.piEmail}</small></td>
                      <td data-testid="active-${s.siteId}">${s.active ? 'yes' : 'no'}</td>
                      <td>${changed(s)}</td>
                      <td>
                        <a href="/directory/sites/${s.siteId}"
                          >Edit<span class="visually-hidden"> ${s.name}</span></a
                        >
                        ${activeForm(s, csrf)}
                      </td>
                    </tr>`,
                )}
              </table>`,
            )
          : html`<p>
              ${v.total ? 'No site matches.' : 'The directory is empty: add a site or upload a file below.'}
            </p>`
      }
    </section>
    <section id="add">
      <h2>Add a site</h2>
      <form method="post" action="/directory/sites" novalidate>
        ${csrfField(csrf)} ${siteFields(add, values, true)}
        <button>Add the site</button>
      </form>
    </section>
    <section id="import">
      <h2>Upload a file of sites</h2>
      <p>
        A CSV file with the header <code>siteId,name,piName,piEmail,timeZone,active</code> (timeZone and
        active may be left out), as <code>lc sites import</code> reads it; a YAML file works too. Each site is
        added, or updated by its id. Every row is checked first: if any row is wrong, nothing is imported and
        each problem is listed here.
      </p>
      <form method="post" action="/directory/import" enctype="multipart/form-data" novalidate>
        ${csrfField(csrf)}
        <div class="field${upload.of('file').length ? ' has-error' : ''}">
          <label for="f-file">CSV file</label>
          ${
            upload.of('file').length
              ? html`<div class="field-error" id="f-file-error">
                  <span class="visually-hidden">Error: </span>
                  <ul data-testid="import-problems">
                    ${upload.of('file').map((p) => html`<li>${p}</li>`)}
                  </ul>
                </div>`
              : ''
          }
          <input
            type="file"
            id="f-file"
            name="file"
            accept=".csv,text/csv,.yaml,.yml"
            ${upload.of('file').length ? html`aria-invalid="true" aria-describedby="f-file-error"` : ''}
          />
        </div>
        <button>Upload and import</button>
      </form>
    </section>`;
}

export function sitePage(s: SiteDoc, csrf: string, flash: Flash = {}): Html {
  const e = errorsFor(flash, 'edit', SITE_FIELDS);
  const values =
    flash.form === 'edit'
      ? (flash.values ?? {})
      : { name: s.name, piName: s.piName, piEmail: s.piEmail, timeZone: s.timeZone ?? '' };
  return html`${errorSummary(flash.form === 'edit' ? e : undefined)}
    ${flash.done ? html`<div class="ok" role="status">${flash.done}</div>` : ''}
    <p>
      <code>${s.siteId}</code> · <span data-testid="active">${s.active ? 'active' : 'inactive'}</span> · last
      changed by ${s.updatedBy ?? 'unknown'} on ${when(s.updatedAt)}
    </p>
    <section id="edit">
      <h2>Edit the site</h2>
      <form method="post" action="/directory/sites/${s.siteId}" novalidate>
        ${csrfField(csrf)} ${siteFields(e, values, false)}
        <button>Save the changes</button>
      </form>
    </section>
    <section id="active">
      <h2>${s.active ? 'Deactivate' : 'Reactivate'} the site</h2>
      <p>
        ${
          s.active
            ? 'An inactive site hears of no new collaborative launched with sites: all; the programmes it is in already go on.'
            : 'An active site is announced every new collaborative launched with sites: all.'
        }
      </p>
      ${activeForm(s, csrf, '-page')}
    </section>
    <p><a href="/directory">Back to the directory</a></p>`;
}

/** An import's problems beside the upload field: what nothing-imported means, then each row's problems. */
export function importProblems(problems: string[]): string[] {
  return [
    `file: nothing was imported; fix ${problems.length === 1 ? 'this problem' : `these ${problems.length} problems`} and upload the file again`,
    ...problems.map((p) => `file: ${rowProblemInWords(p)}`),
  ];
}
