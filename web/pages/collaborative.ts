/**
 * One collaborative, as its coordinators and faculty see it. Coordinators: the timeline with
 * reschedule, applications and decisions, teams with attendance, the metrics compliance matrix
 * and run charts, the email log, cancel. Faculty: the applications to review with their decision
 * forms, and attendance and feedback for the teams.
 */
import type { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import {
  applicationsOf,
  complianceReport,
  currentSchedule,
  emailLog,
  siteNames as namesOf,
  runCharts,
  sessionsAttended,
  statusReport,
  type ApplicationDoc,
  type CollaborativeDoc,
  type ComplianceReport,
  type EmailLog,
  type ReportChart,
  type StatusReport,
} from '../../app';
import { DECISIONS } from '../../domain/inputs';
import { milestoneDate, milestoneLabel, milestoneNames } from '../../domain/schedule';
import { formatInZone } from '../../domain/time';
import type { Role } from '../auth';
import { csrfField, errorList, html, trusted, type Html } from '../html';

export interface CollaborativeView {
  doc: CollaborativeDoc;
  /** The role shown (coordinator first); `faculty` when they are also its faculty. */
  role: Role;
  faculty: boolean;
  sectionErrors: string[];
  status?: StatusReport;
  statusError?: string;
  apps: ApplicationDoc[];
  siteNames: Map<string, string>;
  compliance?: ComplianceReport;
  charts: ReportChart[];
  emails?: EmailLog;
}

/** Reads what the page shows; the workflow's status may be unavailable, the records still show. */
export async function loadCollaborative(
  db: Db,
  client: Client,
  doc: CollaborativeDoc,
  roles: Role[],
  now: number,
): Promise<CollaborativeView> {
  const slug = doc.slug;
  const [status, apps] = await Promise.all([
    statusReport(client, db, slug).then(
      (s) => ({ s, e: undefined }),
      (e: Error) => ({ s: undefined, e: e.message }),
    ),
    applicationsOf(db, slug),
  ]);
  const ids = [...new Set([...(doc.announcedTo ?? []), ...apps.map((a) => a.siteId)])];
  const siteNames = await namesOf(db, ids);
  const coordinator = roles.includes('coordinator');
  const metrics = coordinator && !!doc.config.metrics;
  // A section that cannot be read says so; the rest of the page still shows.
  const sectionErrors: string[] = [];
  const section = <T>(what: string, read: () => Promise<T>): Promise<T | undefined> =>
    read().catch((err: Error) => {
      sectionErrors.push(`${what}: ${err.message}`);
      return undefined;
    });
  return {
    doc,
    role: roles[0]!,
    faculty: roles.includes('faculty'),
    status: status.s,
    statusError: status.e,
    apps,
    siteNames,
    compliance: metrics
      ? await section('the compliance matrix', () => complianceReport(db, slug, now))
      : undefined,
    charts: (metrics && (await section('the run charts', () => runCharts(db, slug)))) || [],
    emails: coordinator
      ? await section('the email log', () => emailLog(db, slug, { limit: 200 }))
      : undefined,
    sectionErrors,
  };
}

export interface FormState {
  /** Which form the problems belong to, e.g. `decision:bayview`, `reschedule`. */
  form?: string;
  problems?: string[];
  done?: string;
}

export function collaborativePage(
  v: CollaborativeView,
  csrf: string,
  now: number,
  state: FormState = {},
): Html {
  const coordinator = v.role === 'coordinator';
  const tz = v.doc.config.timeZone;
  const name = (siteId: string) => v.siteNames.get(siteId) ?? siteId;
  let shown = false;
  const problemsFor = (form: string) => {
    if (state.form !== form) return html``;
    shown = true;
    return errorList(state.problems);
  };
  const timeline = timelineSection(v, csrf, now, coordinator, problemsFor('reschedule'));
  const apps = applicationsSection(v, csrf, name, problemsFor);
  const teams = teamsSection(v, csrf, name, problemsFor);
  const cancel =
    coordinator && !['completed', 'cancelled'].includes(v.status?.phase ?? v.doc.phase)
      ? cancelSection(v.doc.slug, csrf, problemsFor('cancel'))
      : '';
  return html` <p>
      ${v.doc.config.practice} · <code>lc/${v.doc.slug}</code> · phase
      <strong data-testid="phase">${v.status?.phase ?? v.doc.phase}</strong> · you are ${v.role}
    </p>
    ${state.done ? html`<div class="ok" role="status">${state.done}</div>` : ''}
    ${
      // A form this page does not show (a site without an application, a cancelled collaborative):
      // its problems go on top rather than nowhere.
      shown ? '' : errorList(state.problems)
    }
    ${v.statusError ? html`<div class="errors">The workflow did not answer: ${v.statusError}</div>` : ''}
    ${v.sectionErrors.map((e) => html`<div class="errors">Cannot show ${e}</div>`)} ${timeline} ${apps}
    ${teams} ${coordinator && v.compliance ? complianceSection(v.compliance, name) : ''}
    ${coordinator && v.charts.length ? chartsSection(v.charts) : ''}
    ${coordinator && v.emails ? emailsSection(v.emails, tz) : ''} ${cancel}`;
}

function timelineSection(
  v: CollaborativeView,
  csrf: string,
  now: number,
  coordinator: boolean,
  problems: Html,
): Html {
  const schedule = currentSchedule(v.doc);
  const tz = v.doc.config.timeZone;
  const rows = milestoneNames(schedule)
    .map((n) => ({ n, at: milestoneDate(schedule, n)! }))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const future = rows.filter((r) => Date.parse(r.at) > now);
  return html`<section id="timeline">
    <h2>Timeline (${tz})</h2>
    <table>
      <tr>
        <th>Milestone</th>
        <th>When</th>
      </tr>
      ${rows.map(
        (r) =>
          html`<tr class="${Date.parse(r.at) <= now ? 'past' : 'future'}">
            <td>${milestoneLabel(r.n)}</td>
            <td>${formatInZone(r.at, tz)}</td>
          </tr>`,
      )}
    </table>
    ${
      coordinator && future.length
        ? html`<h3>Reschedule a milestone</h3>
            ${problems}
            <form method="post" action="/c/${v.doc.slug}/reschedule">
              ${csrfField(csrf)}
              <label
                >Milestone
                <select name="milestone">
                  ${future.map((r) => html`<option value="${r.n}">${milestoneLabel(r.n)}</option>`)}
                </select></label
              >
              <label>New date (${tz}) <input type="text" name="date" placeholder="2027-05-20T09:00" /></label>
              <button>Reschedule</button>
            </form>`
        : ''
    }
  </section>`;
}

function applicationsSection(
  v: CollaborativeView,
  csrf: string,
  name: (s: string) => string,
  problemsFor: (f: string) => Html,
): Html {
  if (!v.apps.length)
    return html`<section id="applications">
      <h2>Applications</h2>
      <p>None yet.</p>
    </section>`;
  return html`<section id="applications">
    <h2>Applications (${v.apps.length})</h2>
    ${v.apps.map(
      (a) =>
        html`<article data-site="${a.siteId}">
          <h3>${name(a.siteId)} <small>version ${a.version}, from ${a.submittedBy}</small></h3>
          <table>
            <tr>
              <th>Readiness</th>
              <td>${a.readiness}</td>
            </tr>
            <tr>
              <th>Core Data Set and monthly metrics</th>
              <td>${a.commitCoreDataSet ? 'committed' : 'no'}</td>
            </tr>
            <tr>
              <th>Core team at all learning sessions</th>
              <td>${a.commitAllSessions ? 'committed' : 'no'}</td>
            </tr>
            <tr>
              <th>Core team</th>
              <td>
                ${a.coreTeam.members.map((m) => html`${m.name} (${m.role}, ${m.email})<br />`)} Data manager:
                ${a.coreTeam.dataManager.name} (${a.coreTeam.dataManager.email})<br />
                Contact: ${a.coreTeam.contactPerson.name} (${a.coreTeam.contactPerson.email})
              </td>
            </tr>
            <tr>
              <th>Decision</th>
              <td data-testid="decision-${a.siteId}">
                ${a.decision ? html`<strong>${a.decision.decision}</strong> by ${a.decision.by}${a.decision.notes ? html` — ${a.decision.notes}` : ''}` : 'not yet decided'}
              </td>
            </tr>
          </table>
          ${problemsFor(`decision:${a.siteId}`)}
          ${
            v.faculty // the workflow takes decisions from faculty only
              ? html`<form method="post" action="/c/${v.doc.slug}/decisions">
                  ${csrfField(csrf)}<input type="hidden" name="siteId" value="${a.siteId}" />
                  ${DECISIONS.map((d) => html`<label style="display:inline"><input type="radio" name="decision" value="${d}" /> ${d}</label> `)}
                  <label>Notes <textarea name="notes" rows="2"></textarea></label
                  ><button>Record decision</button>
                </form>`
              : ''
          }
        </article>`,
    )}
  </section>`;
}

function teamsSection(
  v: CollaborativeView,
  csrf: string,
  name: (s: string) => string,
  problemsFor: (f: string) => Html,
): Html {
  const teams = (v.status?.teams ?? []).filter((t) => t.state === 'accepted' || t.state === 'completed');
  const sessions = currentSchedule(v.doc).learningSessions.length;
  return html`<section id="teams">
    <h2>Teams (${teams.length})</h2>
    ${
      teams.length
        ? html`<table>
              <tr>
                <th>Team</th>
                <th>State</th>
                <th>Pre-work</th>
                <th>Sessions attended</th>
                <th>Metrics periods</th>
              </tr>
              ${teams.map(
                (t) =>
                  html`<tr>
                    <td>${name(t.siteId)}</td>
                    <td>${t.team?.state ?? t.state}</td>
                    <td>${t.team?.preworkDone.join(', ') || '—'}</td>
                    <td>${t.team ? sessionsAttended(t.team).join(', ') || '—' : '—'} of ${sessions}</td>
                    <td>${Object.keys(t.team?.metrics ?? {}).join(', ') || '—'}</td>
                  </tr>`,
              )}
            </table>
            ${teams.map(
              (t) =>
                html`<details>
                  <summary>Attendance and feedback: ${name(t.siteId)}</summary>
                  ${problemsFor(`attendance:${t.siteId}`)}
                  <form method="post" action="/c/${v.doc.slug}/attendance">
                    ${csrfField(csrf)}<input type="hidden" name="siteId" value="${t.siteId}" />
                    <label
                      >Learning session
                      <select name="session">
                        ${[...Array(sessions).keys()].map((i) => html`<option value="${i}">${i + 1}</option>`)}
                      </select></label
                    >
                    <label
                      >Present (emails, comma-separated) <input type="text" name="present" size="60"
                    /></label>
                    <label
                      >Absent (emails, comma-separated) <input type="text" name="absent" size="60"
                    /></label>
                    <button>Record attendance</button>
                  </form>
                  ${problemsFor(`feedback:${t.siteId}`)}
                  ${
                    v.faculty
                      ? html`<form method="post" action="/c/${v.doc.slug}/feedback">
                          ${csrfField(csrf)}<input type="hidden" name="siteId" value="${t.siteId}" />
                          <label>Feedback to the team <textarea name="text" rows="3"></textarea></label
                          ><button>Send feedback</button>
                        </form>`
                      : ''
                  }
                </details>`,
            )}`
        : html`<p>No accepted teams yet.</p>`
    }
  </section>`;
}

const CELL_LABEL = { 'on-time': 'on time', late: 'late', missing: 'missing', 'not-yet-due': 'not yet due' };

function complianceSection(c: ComplianceReport, name: (s: string) => string): Html {
  return html`<section id="compliance">
    <h2>Metrics compliance</h2>
    <p>
      ${Object.entries(CELL_LABEL).map(([k, l]) => html`<span class="${k}" style="padding:2px 6px">${l}</span> `)}
    </p>
    <table>
      <tr>
        <th>Team</th>
        ${c.periods.map((p) => html`<th>${p}</th>`)}
      </tr>
      ${c.teams.map(
        (t) =>
          html`<tr data-team="${t.siteId}">
            <td>${name(t.siteId)}</td>
            ${t.cells.map(
              (cell, i) =>
                html`<td class="${cell}" data-period="${c.periods[i]}" title="${CELL_LABEL[cell]}">
                  ${CELL_LABEL[cell]}
                </td>`,
            )}
          </tr>`,
      )}
    </table>
  </section>`;
}

function chartsSection(charts: ReportChart[]): Html {
  return html`<section id="charts">
    <h2>Run charts</h2>
    ${charts.map(
      (c) =>
        html`<figure data-measure="${c.measure}">
          <figcaption>${c.measure} — ${c.scope} (median ${c.median ?? '—'})</figcaption>
          ${trusted(c.svg)}
        </figure>`,
    )}
  </section>`;
}

function emailsSection(log: EmailLog, tz: string): Html {
  return html`<section id="emails">
    <h2>Email log (newest ${log.emails.length} of ${log.total})</h2>
    <p>
      ${Object.entries(log.counts)
        .map(([k, n]) => `${k}: ${n}`)
        .join(' · ')}
    </p>
    <table>
      <tr>
        <th>When</th>
        <th>To</th>
        <th>Template</th>
        <th>Status</th>
        <th>Error</th>
      </tr>
      ${log.emails.map(
        (l) =>
          html`<tr class="${l.status}">
            <td>${formatInZone(l.at, tz)}</td>
            <td>${l.to}</td>
            <td>${l.template}</td>
            <td>${l.status}</td>
            <td>${l.error ?? ''}</td>
          </tr>`,
      )}
    </table>
  </section>`;
}

function cancelSection(slug: string, csrf: string, problems: Html): Html {
  return html`<section id="cancel">
    <h2>Cancel the collaborative</h2>
    ${problems}
    <form method="post" action="/c/${slug}/cancel">
      ${csrfField(csrf)}
      <label>Reason (sent to every team) <textarea name="reason" rows="2"></textarea></label>
      <label
        ><input type="checkbox" name="confirm" value="yes" /> I understand this ends the collaborative for
        every team</label
      >
      <button>Cancel the collaborative</button>
    </form>
  </section>`;
}
