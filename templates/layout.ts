/**
 * One layout for every email: a heading, paragraphs, an optional list and call to action,
 * rendered both as HTML and as plain text. Pure functions; a missing value is an error here,
 * never a blank in a sent email.
 */
import { formatInZone } from '../domain/time';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface EmailBody {
  subject: string;
  heading: string;
  greeting: string;
  paragraphs: string[];
  /** A definition list such as the timeline: label → value. */
  table?: { caption: string; rows: [string, string][] };
  action?: { label: string; url: string };
  /**
   * Headed lists after the paragraphs, e.g. a digest's barriers, solutions and innovations; an
   * item may end with a link (an anchor in the HTML, "label: address" in the text).
   */
  sections?: { heading: string; items: SectionItem[] }[];
  /** Trusted HTML made by our own code (run-chart SVGs), placed after the table; the text part names them. */
  figures?: { caption: string; html: string }[];
  signature: string[];
}

export type SectionItem = string | { text: string; link?: { label: string; url: string } };

const itemHtml = (i: SectionItem) =>
  typeof i === 'string'
    ? escapeHtml(i)
    : `${escapeHtml(i.text)}${i.link ? ` <a href="${escapeHtml(i.link.url)}">${escapeHtml(i.link.label)}</a>` : ''}`;
const itemText = (i: SectionItem) =>
  typeof i === 'string' ? i : `${i.text}${i.link ? ` — ${i.link.label}: ${i.link.url}` : ''}`;

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** Throws if any listed value is missing or blank: templates call it on their inputs first. */
export function requireValues(template: string, values: Record<string, unknown>): void {
  const missing = Object.entries(values)
    .filter(([, v]) => v === undefined || v === null || (typeof v === 'string' && v.trim() === ''))
    .map(([k]) => k);
  if (missing.length) throw new Error(`template ${template}: missing ${missing.join(', ')}`);
}

export function renderLayout(b: EmailBody): RenderedEmail {
  const e = escapeHtml;
  const table = b.table
    ? `<table role="presentation" style="border-collapse:collapse;margin:16px 0">
<caption style="text-align:left;font-weight:bold;padding-bottom:6px">${e(b.table.caption)}</caption>
${b.table.rows.map(([k, v]) => `<tr><th style="text-align:left;padding:4px 16px 4px 0;vertical-align:top">${e(k)}</th><td style="padding:4px 0">${e(v)}</td></tr>`).join('\n')}
</table>`
    : '';
  const sections = (b.sections ?? [])
    .map(
      (sec) =>
        `\n<h2 style="font-size:16px;color:#1f5f8b">${e(sec.heading)}</h2>\n<ul>\n${sec.items.map((i) => `<li>${itemHtml(i)}</li>`).join('\n')}\n</ul>`,
    )
    .join('');
  const action = b.action
    ? `<p style="margin:24px 0"><a href="${e(b.action.url)}" style="background:#1f5f8b;color:#fff;padding:10px 18px;border-radius:4px;text-decoration:none">${e(b.action.label)}</a></p>`
    : '';
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>${e(b.subject)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#222;max-width:640px;margin:0 auto;padding:16px">
<h1 style="font-size:20px;color:#1f5f8b">${e(b.heading)}</h1>
<p>${e(b.greeting)}</p>
${b.paragraphs.map((p) => `<p>${e(p)}</p>`).join('\n')}${sections}
${table}
${(b.figures ?? []).map((f) => `<figure style="margin:16px 0"><figcaption style="font-weight:bold">${e(f.caption)}</figcaption>${f.html}</figure>`).join('\n')}
${action}
<p>${b.signature.map(e).join('<br>')}</p>
</body></html>
`;
  const width = b.table ? Math.max(...b.table.rows.map(([k]) => k.length)) : 0;
  const text = [
    b.heading,
    '',
    b.greeting,
    '',
    ...b.paragraphs.flatMap((p) => [p, '']),
    ...(b.sections ?? []).flatMap((sec) => [sec.heading, ...sec.items.map((i) => `  - ${itemText(i)}`), '']),
    ...(b.table ? [b.table.caption, ...b.table.rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`), ''] : []),
    ...(b.figures?.length
      ? ['Charts (in the HTML version of this email):', ...b.figures.map((f) => `  - ${f.caption}`), '']
      : []),
    ...(b.action ? [`${b.action.label}: ${b.action.url}`, ''] : []),
    ...b.signature,
    '',
  ].join('\n');
  return { subject: b.subject, html, text };
}

/** The reader of a notice: dates are written in their time zone. */
export interface Recipient {
  name: string;
  email: string;
  timeZone: string;
}

/** A notice's body, without the parts every letter has. */
export type LetterBody = Omit<EmailBody, 'greeting' | 'signature' | 'heading'> & { heading?: string };

/**
 * What every notice starts from, a collaborative's or a community's: the addressee checked, their
 * dates (`when` with the time, `day` without) and `letter`, the layout with greeting and signature.
 */
export function letterTo(
  template: string,
  recipient: Recipient,
  from: { title: string; signer: { name: string; email: string } },
) {
  requireValues(template, { title: from.title, recipient: recipient.name, email: recipient.email });
  return {
    when: (iso: string) => formatInZone(iso, recipient.timeZone, true),
    day: (iso: string) => formatInZone(iso, recipient.timeZone, false),
    letter: (b: LetterBody): RenderedEmail =>
      renderLayout({
        heading: b.heading ?? from.title,
        greeting: `Dear ${recipient.name},`,
        signature: ['With best regards,', from.signer.name, `${from.title} — ${from.signer.email}`],
        ...b,
      }),
  };
}
