/** Sign-in, the coordinator's and faculty's list of collaboratives, and the launch form. */
import { currentSchedule, type CollaborativeDoc, type CommunityDoc } from '../../app';
import { milestoneDate, milestoneLabel, milestoneNames } from '../../domain/schedule';
import { formatInZone } from '../../domain/time';
import type { Role } from '../auth';
import { csrfField, errorSummary, html, scroll, textareaField, textField, type Html } from '../html';
import { formErrors } from '../problems';

export function signinPage(o: { sent?: boolean; problems?: string[]; email?: unknown }): Html {
  if (o.sent)
    return html`<div class="ok" role="status">
      If this address belongs to a coordinator or faculty member, a sign-in link is on its way. It works once,
      for 15 minutes.
    </div>`;
  const e = formErrors('signin', o.problems, [{ name: 'email', label: 'Your email' }]);
  return html`<p>Coordinators and faculty sign in with a link sent to their email.</p>
    ${errorSummary(e)}
    <form method="post" action="/signin" id="signin" novalidate>
      ${textField({ name: 'email', label: 'Your email', type: 'email', value: o.email, errors: e, autocomplete: 'email' })}
      <button>Email me a sign-in link</button>
    </form>
    <p><a href="/programmes">Learning Collaboratives open for applications</a> (no sign-in needed)</p>`;
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

/** A Learning Community on the dashboard: the person's role in it and its members now. */
export interface CommunityRow {
  doc: CommunityDoc;
  roles: string[];
  members: number;
}

export function dashboardPage(
  rows: DashboardRow[],
  now: number,
  mayLaunch: boolean,
  admin = false,
  communities: CommunityRow[] = [],
): Html {
  return html`${mayLaunch ? html`<p><a href="/launch/wizard">Launch a collaborative</a> (a form, step by step)</p>` : ''}
  ${mayLaunch ? html`<p><a href="/communities/new">Launch a Learning Community</a></p>` : ''}
  ${admin ? html`<p><a href="/directory">Network directory: sites and PIs</a></p>` : ''}
  ${
    rows.length
      ? scroll(
          'Your collaboratives',
          html`<table id="collaboratives">
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
          </table>`,
        )
      : html`<p>You have no role in any collaborative yet.</p>`
  }
  ${communities.length ? communitiesTable(communities) : ''}`;
}

function communitiesTable(rows: CommunityRow[]): Html {
  return html`<h2>Your Learning Communities</h2>
    ${scroll(
      'Your Learning Communities',
      html`<table id="communities">
        <tr>
          <th>Community</th>
          <th>Your role</th>
          <th>Phase</th>
          <th>Dates</th>
          <th>Members</th>
        </tr>
        ${rows.map(
          (r) =>
            html`<tr data-community="${r.doc.slug}">
              <td><a href="/communities/${r.doc.slug}">${r.doc.config.title}</a></td>
              <td>${r.roles.join(' and ')}</td>
              <td>${r.doc.phase}</td>
              <td>
                ${formatInZone(r.doc.config.start, r.doc.config.timeZone)} to
                ${formatInZone(r.doc.config.end, r.doc.config.timeZone)}
              </td>
              <td>${r.members}</td>
            </tr>`,
        )}
      </table>`,
    )}`;
}

export function launchPage(o: { csrf: string; text?: string; problems?: string[] }): Html {
  return html`<p>Not an engineer? <a href="/launch/wizard">Launch with the step-by-step form</a> instead.</p>
    <p>
      Paste the launch config (YAML or JSON, as for <code>npm run lc -- launch</code>) or choose its file. You
      must be one of its coordinators. Rehearse it first to see every email it will send, to whom and when.
    </p>
    ${launchForm(o)}`;
}

/** The config's form: Launch, or Rehearse (web/routes/rehearsal.ts), the same text either way. */
export function launchForm(o: { csrf: string; text?: string; problems?: string[] }): Html {
  // Every problem of a config is about the text in the one box: beside it, with its path in the config.
  const e = formErrors(
    'launch',
    o.problems?.map((p) => `config: ${p}`),
    [{ name: 'config', label: 'Config' }],
  );
  return html`${errorSummary(e)}
    <form method="post" action="/launch" id="launch" novalidate>
      ${csrfField(o.csrf)}
      <div class="field">
        <label for="config-file">Config file</label>
        <input type="file" id="config-file" accept=".yaml,.yml,.json" />
      </div>
      ${textareaField({ name: 'config', label: 'Config', value: o.text ?? '', errors: e, rows: 24 })}
      <button>Launch</button>
      <button formaction="/launch/rehearse">Rehearse</button>
    </form>
    <script src="/static/launch.js"></script>`;
}

/** The only client-side script: reads a chosen file into the textarea. */
export const LAUNCH_JS = `document.getElementById('config-file').addEventListener('change', function (e) {
  var f = e.target.files[0]; if (!f) return;
  f.text().then(function (t) { document.getElementById('f-config').value = t; });
});`;
