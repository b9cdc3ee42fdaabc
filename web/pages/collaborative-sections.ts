/**
 * The sections of a collaborative's page below its timeline: applications and decisions, teams,
 * metrics compliance, run charts and the email log. Views only: the data comes loaded (app/).
 */
import {
  currentSchedule,
  sessionsAttended,
  type ComplianceReport,
  type FailedEmail,
  type PageChart,
} from '../../app';
import { DECISIONS } from '../../domain/inputs';
import { formatInZone } from '../../domain/time';
import { chartFigure } from '../charts';
import {
  checkboxField,
  choiceGroup,
  csrfField,
  html,
  scroll,
  selectField,
  textareaField,
  textField,
  type Html,
} from '../html';
import { NO_ERRORS } from '../problems';
import type { CollaborativeView, FormOf } from './collaborative';

export function decisionState(v: CollaborativeView): Html {
  const tz = v.doc.config.timeZone;
  const d = v.windows.decisions;
  if (v.windows.over === 'cancelled') return html``;
  if (d.state === 'not-yet')
    return html`<p class="notice" data-state="decisions-not-yet">
      Decisions are made once applications close, on ${formatInZone(d.from, tz)}; they are due by
      ${formatInZone(d.due, tz)}.
    </p>`;
  if (d.state === 'sent')
    return html`<p class="notice" data-state="decisions-sent">
      The decisions have been sent to the sites; a team that leaves is withdrawn instead.
    </p>`;
  return html`<p class="notice" data-state="decisions-open">
    Decisions are due by ${formatInZone(d.due, tz)}.
  </p>`;
}

export function applicationsSection(
  v: CollaborativeView,
  csrf: string,
  name: (s: string) => string,
  formOf: FormOf,
): Html {
  if (!v.apps.length)
    return html`<section id="applications">
      <h2>Applications</h2>
      <p>None yet.</p>
    </section>`;
  const deciding = v.faculty && v.windows.decisions.state === 'open' && !v.windows.over;
  return html`<section id="applications">
    <h2>Applications (${v.apps.length})</h2>
    ${decisionState(v)}
    ${v.apps.map((a) => {
      const f = deciding
        ? formOf(`decision:${a.siteId}`)
        : { e: NO_ERRORS, values: {} as Record<string, unknown> };
      return html`<article data-site="${a.siteId}" id="decision-${a.siteId}">
        <h3>${name(a.siteId)} <small>version ${a.version}, from ${a.submittedBy}</small></h3>
        <dl class="explain">
          <dt>Readiness</dt>
          <dd>${a.readiness}</dd>
          <dt>Core Data Set and monthly metrics</dt>
          <dd>${a.commitCoreDataSet ? 'committed' : 'no'}</dd>
          <dt>Core team at all learning sessions</dt>
          <dd>${a.commitAllSessions ? 'committed' : 'no'}</dd>
          <dt>Core team</dt>
          <dd>
            ${a.coreTeam.members.map((m) => html`${m.name} (${m.role}, ${m.email})<br />`)} Data manager:
            ${a.coreTeam.dataManager.name} (${a.coreTeam.dataManager.email})<br />
            Contact: ${a.coreTeam.contactPerson.name} (${a.coreTeam.contactPerson.email})
          </dd>
          <dt>Decision</dt>
          <dd data-testid="decision-${a.siteId}">
            ${a.decision ? html`<strong>${a.decision.decision}</strong> by ${a.decision.by}${a.decision.notes ? html` — ${a.decision.notes}` : ''}` : 'not yet decided'}
          </dd>
        </dl>
        ${
          deciding // the workflow takes decisions from faculty only, between the close and the notification
            ? html`<form method="post" action="/c/${v.doc.slug}/decisions" novalidate>
                ${csrfField(csrf)}<input type="hidden" name="siteId" value="${a.siteId}" />
                ${choiceGroup({
                  name: 'decision',
                  legend: `Decision on ${name(a.siteId)}`,
                  errors: f.e,
                  idSuffix: a.siteId,
                  options: DECISIONS.map((d) => ({
                    value: d,
                    label: d,
                    checked: f.values.decision === d || (!f.values.decision && a.decision?.decision === d),
                  })),
                })}
                ${textareaField({
                  name: 'notes',
                  label: 'Notes (sent with the decision)',
                  value: f.values.notes,
                  errors: f.e,
                  rows: 2,
                  idSuffix: a.siteId,
                })}
                <button>Record decision</button>
              </form>`
            : ''
        }
      </article>`;
    })}
  </section>`;
}

export function teamsSection(
  v: CollaborativeView,
  csrf: string,
  name: (s: string) => string,
  formOf: FormOf,
): Html {
  const teams = (v.status?.teams ?? []).filter((t) => t.state === 'accepted' || t.state === 'completed');
  const schedule = currentSchedule(v.doc);
  const sessions = schedule.learningSessions.length;
  const begun = v.windows.sessionsBegun;
  const tz = v.doc.config.timeZone;
  return html`<section id="teams">
    <h2>Teams (${teams.length})</h2>
    ${
      teams.length
        ? html`${scroll(
            'Teams',
            html`<table>
              <tr>
                <th scope="col">Team</th>
                <th scope="col">State</th>
                <th scope="col">Pre-work</th>
                <th scope="col">Sessions attended</th>
                <th scope="col">Metrics periods</th>
              </tr>
              ${teams.map(
                (t) =>
                  html`<tr id="team-row-${t.siteId}">
                    <td>${name(t.siteId)}</td>
                    <td>
                      ${t.team?.state ?? t.state}${t.promoted ? ' (promoted from the waiting list)' : ''}
                    </td>
                    <td>${t.team?.preworkDone.join(', ') || '—'}</td>
                    <td>${t.team ? sessionsAttended(t.team).join(', ') || '—' : '—'} of ${sessions}</td>
                    <td>${Object.keys(t.team?.metrics ?? {}).join(', ') || '—'}</td>
                  </tr>`,
              )}
            </table>`,
          )}
          ${
            v.windows.over
              ? ''
              : teams.map((t) => {
                  const none = { e: NO_ERRORS, values: {} as Record<string, unknown> };
                  const a = begun.length ? formOf(`attendance:${t.siteId}`) : none;
                  const fb = v.faculty ? formOf(`feedback:${t.siteId}`) : none;
                  const coordinator = v.role === 'coordinator';
                  const w = coordinator ? formOf(`withdraw:${t.siteId}`) : none;
                  const id = (n: string) => `${n}-${t.siteId}`;
                  return html`<details
                    ${a.e.all.length || fb.e.all.length || w.e.all.length ? 'open' : ''}
                    id="${id('team')}"
                  >
                    <summary>
                      ${coordinator ? 'Attendance, feedback and withdrawal' : 'Attendance and feedback'}:
                      ${name(t.siteId)}
                    </summary>
                    ${
                      begun.length
                        ? html`<form
                            method="post"
                            action="/c/${v.doc.slug}/attendance"
                            id="${id('attendance')}"
                            novalidate
                          >
                            ${csrfField(csrf)}<input type="hidden" name="siteId" value="${t.siteId}" />
                            ${selectField({
                              name: 'session',
                              label: 'Learning session',
                              value: a.values.session ?? String(begun[begun.length - 1]),
                              errors: a.e,
                              idSuffix: t.siteId,
                              options: begun.map((i) => ({
                                value: String(i),
                                label: `${i + 1}: ${formatInZone(schedule.learningSessions[i]!.start, tz, false)}`,
                              })),
                            })}
                            ${textField({
                              name: 'present',
                              label: 'Present',
                              hint: 'Email addresses, separated by commas.',
                              value: a.values.present,
                              errors: a.e,
                              idSuffix: t.siteId,
                            })}
                            ${textField({
                              name: 'absent',
                              label: 'Absent',
                              hint: 'Email addresses, separated by commas.',
                              value: a.values.absent,
                              errors: a.e,
                              idSuffix: t.siteId,
                            })}
                            <button>Record attendance</button>
                          </form>`
                        : html`<p>
                            Attendance is recorded once learning session 1 has begun
                            (${formatInZone(schedule.learningSessions[0]!.start, tz)}).
                          </p>`
                    }
                    ${
                      v.faculty
                        ? html`<form
                            method="post"
                            action="/c/${v.doc.slug}/feedback"
                            id="${id('feedback')}"
                            novalidate
                          >
                            ${csrfField(csrf)}<input type="hidden" name="siteId" value="${t.siteId}" />
                            ${textareaField({
                              name: 'text',
                              label: 'Feedback to the team',
                              value: fb.values.text,
                              errors: fb.e,
                              rows: 3,
                              idSuffix: t.siteId,
                            })}
                            <button>Send feedback</button>
                          </form>`
                        : ''
                    }
                    ${coordinator ? withdrawForm(v, csrf, t.siteId, name(t.siteId), w) : ''}
                  </details>`;
                })
          }`
        : html`<p>No accepted teams yet.</p>`
    }
  </section>`;
}

/** Withdraws a team: a reason and a box to tick (the confirm step); the workflow promotes from the waiting list. */
function withdrawForm(
  v: CollaborativeView,
  csrf: string,
  siteId: string,
  siteName: string,
  f: ReturnType<FormOf>,
): Html {
  const waiting = v.status?.waitlist ?? [];
  return html`<form method="post" action="/c/${v.doc.slug}/withdraw" id="withdraw-${siteId}" novalidate>
    <h3>Withdraw ${siteName}</h3>
    <p>
      ${
        waiting.length
          ? `Its place goes to the first team on the waiting list (${waiting.length} waiting)${v.windows.sessionsBegun.length ? ' only if you tick the box below, as learning session 1 has begun' : ''}.`
          : 'No team is on the waiting list to take its place.'
      }
    </p>
    ${csrfField(csrf)}<input type="hidden" name="siteId" value="${siteId}" />
    ${textareaField({
      name: 'reason',
      label: 'Reason for the withdrawal',
      value: f.values.reason,
      errors: f.e,
      rows: 2,
      idSuffix: siteId,
    })}
    ${
      v.windows.sessionsBegun.length && waiting.length
        ? checkboxField({
            name: 'promoteLate',
            label: 'Promote the first waitlisted team even though the sessions have begun',
            errors: f.e,
            checked: f.values.promoteLate === 'yes',
            idSuffix: siteId,
          })
        : ''
    }
    ${checkboxField({
      name: 'confirm',
      label: `I confirm that ${siteName} withdraws from this collaborative`,
      errors: f.e,
      checked: f.values.confirm === 'yes',
      idSuffix: siteId,
    })}
    <button>Withdraw the team</button>
  </form>`;
}

const CELL_LABEL = { 'on-time': 'on time', late: 'late', missing: 'missing', 'not-yet-due': 'not yet due' };

export function complianceSection(c: ComplianceReport, name: (s: string) => string): Html {
  return html`<section id="compliance">
    <h2>Metrics compliance</h2>
    <p>
      ${Object.entries(CELL_LABEL).map(([k, l]) => html`<span class="${k}" style="padding:2px 6px">${l}</span> `)}
    </p>
    ${scroll(
      'Metrics compliance',
      html`<table>
        <tr>
          <th scope="col">Team</th>
          ${c.periods.map((p) => html`<th scope="col">${p}</th>`)}
        </tr>
        ${c.teams.map(
          (t) =>
            html`<tr data-team="${t.siteId}">
              <td>${name(t.siteId)}</td>
              ${t.cells.map(
                (cell, i) => html`<td class="${cell}" data-period="${c.periods[i]}">${CELL_LABEL[cell]}</td>`,
              )}
            </tr>`,
        )}
      </table>`,
    )}
  </section>`;
}

export function chartsSection(charts: PageChart[]): Html {
  return html`<section id="charts">
    <h2>Run charts</h2>
    <p>
      Each month's value per team, and the mean of the teams; the dashed line is the median, the green one the
      target.
    </p>
    ${charts.map((c, i) => chartFigure(c, `chart-${i}`))}
  </section>`;
}

export function emailsSection(failed: FailedEmail[], tz: string, slug: string): Html {
  return html`<section id="emails">
    <h2>Emails</h2>
    <p>
      <a href="/c/${slug}/emails">Open the email centre</a>: every email with its body, filters by kind,
      status and person, and lost links resent.
    </p>
    ${
      failed.length
        ? scroll(
            'Emails refused by the mail server',
            html`<table>
              <caption>
                Refused by the mail server (${failed.length}): check the address, then resend from the email
                centre
              </caption>
              <tr>
                <th scope="col">When</th>
                <th scope="col">To</th>
                <th scope="col">Subject</th>
                <th scope="col">Error</th>
              </tr>
              ${failed.map(
                (f) =>
                  html`<tr class="failed">
                    <td>${f.failedAt ? formatInZone(new Date(f.failedAt).toISOString(), tz) : ''}</td>
                    <td>${f.to}</td>
                    <td><a href="/c/${slug}/email?key=${encodeURIComponent(f.key)}">${f.subject}</a></td>
                    <td>${f.error ?? ''}</td>
                  </tr>`,
              )}
            </table>`,
          )
        : html`<p>No email has been refused by the mail server.</p>`
    }
  </section>`;
}
