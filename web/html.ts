/**
 * Server-rendered HTML: an escaping tagged template, the page layout and form pieces. Every
 * value interpolated with `html` is escaped unless it is itself `Html` (built by `html`).
 */
import { escapeHtml } from '../templates/layout';

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
body{font-family:system-ui,Arial,sans-serif;color:#222;margin:0;background:#f6f7f9}
header{background:#1f5f8b;color:#fff;padding:10px 24px;display:flex;gap:24px;align-items:center}
header a{color:#fff}main{max-width:1100px;margin:0 auto;padding:16px 24px}
section{background:#fff;border:1px solid #dde;border-radius:6px;padding:12px 18px;margin:16px 0}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccd;padding:4px 8px;text-align:left;vertical-align:top}
.error{color:#a00}.errors{background:#fee;border:1px solid #e99;padding:8px 14px;border-radius:4px}
.ok{background:#efe;border:1px solid #9c9;padding:8px 14px;border-radius:4px}
.on-time{background:#bfe5bf}.late{background:#ffe08a}.missing{background:#f4a6a6}.not-yet-due{background:#eee}
.past{color:#777}label{display:block;margin:6px 0}input[type=text],input[type=email],textarea,select{font:inherit;padding:3px}
textarea{width:100%}button{font:inherit;padding:4px 12px}`;

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
      </head>
      <body>
        <header>
          <strong><a href="/">Learning Collaboratives</a></strong>
          ${
            user
              ? html`<span>${user.email}</span>
                  <form method="post" action="/signout" style="margin:0">
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

/** The problems of a form, listed; each names its field. */
export function errorList(problems: string[] | undefined): Html {
  if (!problems?.length) return html``;
  return html`<div class="errors" role="alert">
    <strong>Please correct:</strong>
    <ul>
      ${problems.map((p) => html`<li>${p}</li>`)}
    </ul>
  </div>`;
}

/** The problems whose field path starts with `field`, shown beside that field. */
export function fieldErrors(problems: string[] | undefined, field: string): Html {
  const mine = (problems ?? []).filter(
    (p) => p.startsWith(`${field}:`) || p.startsWith(`${field}.`) || p.startsWith(`${field}[`),
  );
  return html`${mine.map((p) => html`<div class="error" data-field="${field}">${p}</div>`)}`;
}

export function csrfField(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}" />`;
}
