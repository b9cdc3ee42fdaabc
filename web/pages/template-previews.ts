/**
 * Template previews with a collaborative's own data: the list of its emails, and one of them as
 * this collaborative will send it (subject, to whom, the HTML in a sandboxed frame, the text).
 */
import type { CollaborativePreview } from '../../app';
import { html, type Html } from '../html';

export function templateListPage(slug: string, templates: { name: string; description: string }[]): Html {
  return html`<p>
      <a href="/c/${slug}">Back to the collaborative</a> · <a href="/c/${slug}/emails">The email centre</a>
    </p>
    <p>
      Each email this collaborative sends, rendered with its own title, schedule, people, sites and metrics.
      Nothing is sent from here.
    </p>
    <ul id="template-list">
      ${templates.map(
        (t) =>
          html`<li data-template="${t.name}">
            <a href="/c/${slug}/templates/${t.name}">${t.name}</a>: ${t.description}
          </li>`,
      )}
    </ul>`;
}

export function templatePreviewPage(slug: string, p: CollaborativePreview): Html {
  const r = p.recipient;
  const calendars = [p.rendered.calendar, ...(p.rendered.moreCalendars ?? [])].filter((c) => c !== undefined);
  return html`<p>
      <a href="/c/${slug}/templates">Every template of this collaborative</a> ·
      <a href="/c/${slug}/emails">The email centre</a>
    </p>
    <dl class="explain" id="preview-meta">
      <dt>Subject</dt>
      <dd data-testid="preview-subject">${p.rendered.subject}</dd>
      <dt>Shown as sent to</dt>
      <dd class="wrap">
        ${r.name} &lt;${r.email}&gt;${r.siteName ? html`, ${r.siteName}` : ''} (times in ${r.timeZone})
      </dd>
      <dt>Sent to</dt>
      <dd>${p.recipientCount} ${p.recipientCount === 1 ? 'person' : 'people'}: ${p.description}</dd>
    </dl>
    ${
      p.notes.length
        ? html`<ul id="preview-notes">
            ${p.notes.map((n) => html`<li>${n}</li>`)}
          </ul>`
        : ''
    }
    <section id="preview-html">
      <h2>As it will be sent</h2>
      <p>
        Personal links are shown as a fake address: each person's own signed link is made when the email is
        sent.
      </p>
      <iframe
        class="email-body"
        title="The email as it will be sent"
        sandbox
        src="/c/${slug}/templates/${p.name}/body"
      ></iframe>
      ${calendars.length ? html`<p>With ${calendars.length} calendar file(s): ${calendars.map((c) => c.summary).join('; ')}.</p>` : ''}
      ${p.rendered.attachments?.length ? html`<p>Attached: ${p.rendered.attachments.map((a) => a.filename).join(', ')}.</p>` : ''}
    </section>
    <section id="preview-text">
      <h2>Plain text</h2>
      <pre class="email-text">${p.rendered.text}</pre>
    </section>`;
}
