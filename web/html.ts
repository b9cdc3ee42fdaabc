/**
 * Server-rendered HTML: an escaping tagged template, the page layout and form pieces. Every
 * value interpolated with `html` is escaped unless it is itself `Html` (built by `html`).
 */
import { newNonce } from '../security/links';
import { escapeHtml } from '../templates/layout';
import { fieldId, type FormErrors } from './problems';

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function esc(v: unknown): string {
  return escapeHtml(String(v ?? ''));
}

type Part = Html | string | number | boolean | null | undefined | Part[];

function render(p: Part): string {
  if (p === null || p === undefined || p === false || p === true) return '';
  if (Array.isArray(p)) return p.map(render).join('');
  if (p instanceof Html) return p.value;
  return esc(p);
}

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  return new Html(strings.reduce((acc, s, i) => acc + s + (i < parts.length ? render(parts[i]!) : ''), ''));
}

/** Markup we produced ourselves and trust (e.g. a chart's SVG rendered by vega). */
export function trusted(markup: string): Html {
  return new Html(markup);
}

const STYLE = `
*{box-sizing:border-box}
body{font-family:system-ui,Arial,sans-serif;color:#222;margin:0;background:#f6f7f9;line-height:1.4}
header{background:#1f5f8b;color:#fff;padding:10px 16px;display:flex;flex-wrap:wrap;gap:8px 24px;align-items:center}
header a{color:#fff}header .who{overflow-wrap:anywhere}header form{margin:0}
main{max-width:1100px;margin:0 auto;padding:12px 16px}
h1{font-size:1.6rem;overflow-wrap:anywhere}
section,article{min-width:0}
section{background:#fff;border:1px solid #dde;border-radius:6px;padding:12px 14px;margin:16px 0}
.scroll{overflow-x:auto;max-width:100%;position:relative}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccd;padding:4px 8px;text-align:left;vertical-align:top}
.errors{color:#222;background:#fee;border:2px solid #a00;padding:8px 14px;border-radius:4px}
.errors h2{font-size:1.1rem;margin:4px 0;color:#a00}.errors a{color:#8b0000}
.error-summary:focus{outline:3px solid #fd0;outline-offset:2px}
.field{margin:10px 0}.field>label,.field legend{display:block;font-weight:600}
.field-error{color:#a00;font-weight:600;margin:2px 0}
.has-error input,.has-error select,.has-error textarea{border:2px solid #a00}
.hint{color:#444;margin:2px 0;font-size:.95em}
fieldset{border:1px solid #ccd;border-radius:4px;margin:8px 0;padding:6px 12px;min-width:0}
label,legend,.hint,.field-error{overflow-wrap:anywhere}select{max-width:100%}
.choice{display:block;margin:4px 0}.choice input{margin-right:6px}
.ok{background:#efe;border:1px solid #9c9;padding:8px 14px;border-radius:4px}
.notice{background:#eef4fa;border:1px solid #9bc;padding:8px 14px;border-radius:4px}
.on-time{background:#bfe5bf}.late{background:#ffe08a}.missing{background:#f4a6a6}.not-yet-due{background:#eee}
.past{color:#555}.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}label{display:block;margin:6px 0}
input[type=text],input[type=email],input[type=url],textarea,select{font:inherit;padding:4px;max-width:100%;border:1px solid #767676;border-radius:3px}
input[type=text],input[type=email],input[type=url]{width:24em}
textarea{width:100%}button{font:inherit;padding:6px 14px;margin:6px 0}
figure{margin:12px 0;max-width:100%}figure svg{max-width:100%;height:auto}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px}.legend li,figcaption,.signals{overflow-wrap:anywhere;min-width:0}.swatch{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
dl.explain dt{font-weight:600}dl.explain dd{margin:0 0 8px 0}
code,.wrap{overflow-wrap:anywhere}
article.cycle{border-top:1px solid #ccc;margin-top:16px}blockquote.answer{margin:8px 0;padding:4px 12px;border-left:4px solid #1f5f8b;background:#f4f8fb}
input[type=url],input[type=datetime-local]{font:inherit;padding:4px;max-width:100%;border:1px solid #767676;border-radius:3px}input[type=url]{width:24em}
nav.sections ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 14px}.attention li{margin:4px 0}
.email-body{width:100%;height:480px;border:1px solid #ccc}pre.email-text{white-space:pre-wrap;overflow-wrap:anywhere}`;

export interface PageUser {
  email: string;
  /** The session's CSRF token, for the sign-out form. */
  csrf: string;
}

export function page(title: string, body: Html, user?: PageUser): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>${title} — Learning Collaboratives</title>
        <link rel="stylesheet" href="/static/site.css" />
        <script src="/static/page.js" defer></script>
      </head>
      <body>
        <header>
          <strong><a href="/">Learning Collaboratives</a></strong>
          ${
            user
              ? html`<span class="who">${user.email}</span>
                  <form method="post" action="/signout">
                    ${csrfField(user.csrf)}<button>Sign out</button>
                  </form>`
              : ''
          }
        </header>
        <main>
          <h1>${title}</h1>
          ${body}
        </main>
      </body>
    </html>`.value;
}

export const SITE_CSS = STYLE;

/**
 * The page's only behaviour: focus moves to the error summary when a form came back with problems,
 * so a screen reader reads them first and a keyboard starts from them.
 */
export const PAGE_JS = `(function () {
  var s = document.getElementById('error-summary');
  if (s) s.focus();
})();`;

/** A list of problems that belong to no form (a page that could not be read, a refusal). */
export function errorList(problems: string[] | undefined): Html {
  if (!problems?.length) return html``;
  return html`<div class="errors" role="alert">
    <ul>
      ${problems.map((p) => html`<li>${p}</li>`)}
    </ul>
  </div>`;
}

/**
 * The error summary at the top of a page whose form came back with problems: every problem, each
 * linked to its field (or its form); it takes the focus when the page loads (PAGE_JS).
 */
export function errorSummary(e: FormErrors | undefined): Html {
  if (!e?.all.length) return html``;
  return html`<div class="errors error-summary" id="error-summary" role="alert" tabindex="-1">
    <h2>There is a problem</h2>
    <ul>
      ${e.all.map((p) =>
        p.field
          ? html`<li><a href="#${fieldId(p.field.name, e.suffix)}">${p.field.label}</a>: ${p.message}</li>`
          : html`<li>${p.message}</li>`,
      )}
    </ul>
  </div>`;
}

/** The attributes tying an input to its messages: id, name, aria-invalid, aria-describedby. */
function controlAttrs(name: string, e: FormErrors, hint: boolean, suffix?: string): Html {
  const id = fieldId(name, suffix);
  const described = [hint ? `${id}-hint` : '', e.of(name).length ? `${id}-error` : ''].filter(Boolean);
  return html`id="${id}" name="${name}" ${e.of(name).length ? html`aria-invalid="true"` : ''}
  ${described.length ? html`aria-describedby="${described.join(' ')}"` : ''}`;
}

function messages(name: string, e: FormErrors, suffix?: string): Html {
  const mine = e.of(name);
  return mine.length
    ? html`<p class="field-error" id="${fieldId(name, suffix)}-error">
        ${mine.map((m, i) => html`${i ? html`<br />` : ''}<span class="visually-hidden">Error: </span>${m}`)}
      </p>`
    : html``;
}

export interface FieldOptions {
  name: string;
  label: string | Html;
  errors: FormErrors;
  hint?: string | Html;
  /** The control, given its attributes (id, name, aria-…). */
  control: (attrs: Html) => Html;
  /** Tells apart the ids of the same field in several forms of one page (one per team). */
  idSuffix?: string;
}

/** A labelled field: label, hint, its error messages, then the control. */
export function field(o: FieldOptions): Html {
  const id = fieldId(o.name, o.idSuffix);
  return html`<div class="field${o.errors.of(o.name).length ? ' has-error' : ''}">
    <label for="${id}">${o.label}</label>
    ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
    ${messages(o.name, o.errors, o.idSuffix)}
    ${o.control(controlAttrs(o.name, o.errors, !!o.hint, o.idSuffix))}
  </div>`;
}

export function textField(
  o: Omit<FieldOptions, 'control'> & {
    value: unknown;
    type?: string;
    inputmode?: string;
    autocomplete?: string;
  },
): Html {
  return field({
    ...o,
    control: (a) =>
      html`<input
        type="${o.type ?? 'text'}"
        ${a}
        value="${typeof o.value === 'string' ? o.value : ''}"
        ${o.inputmode ? html`inputmode="${o.inputmode}"` : ''}
        ${o.autocomplete ? html`autocomplete="${o.autocomplete}"` : ''}
      />`,
  });
}

export function textareaField(o: Omit<FieldOptions, 'control'> & { value: unknown; rows?: number }): Html {
  return field({
    ...o,
    control: (a) =>
      html`<textarea ${a} rows="${o.rows ?? 3}">${typeof o.value === 'string' ? o.value : ''}</textarea>`,
  });
}

export function selectField(
  o: Omit<FieldOptions, 'control'> & { value: unknown; options: { value: string; label: string }[] },
): Html {
  return field({
    ...o,
    control: (a) =>
      html`<select ${a}>
        ${o.options.map(
          (x) =>
            html`<option value="${x.value}" ${x.value === o.value ? 'selected' : ''}>${x.label}</option>`,
        )}
      </select>`,
  });
}

/** One checkbox, its label after it, its messages above. */
export function checkboxField(o: {
  name: string;
  label: string | Html;
  errors: FormErrors;
  checked: boolean;
  value?: string;
  /** Distinguishes the ids of the same box in several forms on a page. */
  idSuffix?: string;
}): Html {
  const id = fieldId(o.name, o.idSuffix);
  return html`<div class="field${o.errors.of(o.name).length ? ' has-error' : ''}">
    ${messages(o.name, o.errors, o.idSuffix)}
    <label class="choice" for="${id}"
      ><input
        type="checkbox"
        ${controlAttrs(o.name, o.errors, false, o.idSuffix)}
        value="${o.value ?? 'yes'}"
        ${o.checked ? 'checked' : ''}
      />${o.label}</label
    >
  </div>`;
}

/** A group of radio buttons (or checkboxes) under a legend; the group's messages under the legend. */
export function choiceGroup(o: {
  name: string;
  legend: string | Html;
  errors: FormErrors;
  type?: 'radio' | 'checkbox';
  options: { value: string; label: string | Html; checked: boolean }[];
  /** Distinguishes the ids of the same group in several forms on a page. */
  idSuffix?: string;
}): Html {
  const id = fieldId(o.name, o.idSuffix);
  const bad = o.errors.of(o.name).length > 0;
  return html`<fieldset
    class="field${bad ? ' has-error' : ''}"
    id="${id}"
    ${bad ? html`aria-describedby="${id}-error"` : ''}
  >
    <legend>${o.legend}</legend>
    ${messages(o.name, o.errors, o.idSuffix)}
    ${o.options.map(
      (x, i) =>
        html`<label class="choice" for="${id}-${i}"
          ><input
            type="${o.type ?? 'radio'}"
            id="${id}-${i}"
            name="${o.name}"
            value="${x.value}"
            ${x.checked ? 'checked' : ''}
            ${bad && i === 0 ? html`aria-invalid="true"` : ''}
          />${x.label}</label
        >`,
    )}
  </fieldset>`;
}

/** A wide table: scrolls inside its card on a narrow screen instead of widening the page. */
export function scroll(label: string, table: Html): Html {
  return html`<div class="scroll" tabindex="0" role="region" aria-label="${label}">${table}</div>`;
}

/** The fields every form carries for the app itself, not for the use case it posts to. */
export const CONTROL_FIELDS = ['_csrf', '_request'];

/** A form's CSRF token, and its one-time request key (a second post of the same page applies once). */
export function csrfField(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}" />
    <input type="hidden" name="_request" value="${newNonce()}" />`;
}
