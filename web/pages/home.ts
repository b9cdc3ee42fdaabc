/** Sign-in, the coordinator's and faculty's list of collaboratives, and the launch form. */
import { currentSchedule, type CollaborativeDoc } from '../../app';
import { milestoneDate, milestoneLabel, milestoneNames } from '../../domain/schedule';
import { formatInZone } from '../../domain/time';
import type { Role } from '../auth';
import { csrfField, errorList, html, type Html } from '../html';

export function signinPage(o: { sent?: boolean; problems?: string[] }): Html {
  if (o.sent)
    return html`<div class="ok" role="status">
      If this address belongs to a coordinator or faculty member, a sign-in link is on its way. It works once,
      for 15 minutes.
    </div>`;
  return html`<p>Coordinators and faculty sign in with a link sent to their email.</p>
    ${errorList(o.problems)}
    <form method="post" action="/signin">
      <label>Your email <input type="email" name="email" size="40" required /></label
      ><button>Email me a sign-in link</button>
    </form>`;
}

export function signinConfirmPage(email: string, action: string, csrf: string): Html {
  return html`<p>Sign in as ${email}?</p>
    <form method="post" action="${action}">
      <input type="hidden" name="_csrf" value="${csrf}" />
      <button>Sign in</button>
    </form>`;
}

export function nextMilestone(doc: CollaborativeDoc, now: number): { name: string; at: string } | undefined {
  const s = currentSchedule(doc);
  return milestoneNames(s)
    .map((n) => ({ name: milestoneLabel(n), at: milestoneDate(s, n)! }))
    .filter((m) => Date.parse(m.at) > now)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0];
}

export interface DashboardRow {
  doc: CollaborativeDoc;
  role: Role;
  applications: number;
  accepted: number;
}

export function dashboardPage(rows: DashboardRow[], now: number, mayLaunch: boolean): Html {
  return html`${mayLaunch ? html`<p><a href="/launch">Launch a collaborative</a></p>` : ''}
  ${
    rows.length
      ? html`<table id="collaboratives">
          <tr>
            <th>Collaborative</th>
            <th>Your role</th>
            <th>Phase</th>
            <th>Next milestone</th>
            <th>Announced to</th>
            <th>Applications</th>
            <th>Teams</th>
          </tr>
          ${rows.map((r) => {
            const next = nextMilestone(r.doc, now);
            return html`<tr data-slug="${r.doc.slug}">
              <td><a href="/c/${r.doc.slug}">${r.doc.config.title}</a></td>
              <td>${r.role}</td>
              <td>${r.doc.phase}</td>
              <td>${next ? `${next.name}, ${formatInZone(next.at, r.doc.config.timeZone)}` : '—'}</td>
              <td>${r.doc.announcedTo?.length ?? 0} sites</td>
              <td>${r.applications}</td>
              <td>${r.accepted}</td>
            </tr>`;
          })}
        </table>`
      : html`<p>You have no role in any collaborative yet.</p>`
  }`;
}

export function launchPage(o: { csrf: string; text?: string; problems?: string[] }): Html {
  return html`<p>
      Paste the launch config (YAML or JSON, as for <code>npm run lc -- launch</code>) or choose its file. You
      must be one of its coordinators.
    </p>
    ${errorList(o.problems)}
    <form method="post" action="/launch">
      ${csrfField(o.csrf)}
      <label>Config file <input type="file" id="config-file" accept=".yaml,.yml,.json" /></label>
      <label
        >Config <textarea name="config" id="config" rows="24" spellcheck="false">${o.text ?? ''}</textarea>
      </label>
      <button>Launch</button>
    </form>
    <script src="/static/launch.js"></script>`;
}

/** The only client-side script: reads a chosen file into the textarea. */
export const LAUNCH_JS = `document.getElementById('config-file').addEventListener('change', function (e) {
  var f = e.target.files[0]; if (!f) return;
  f.text().then(function (t) { document.getElementById('config').value = t; });
});`;
