/**
 * One collaborative, as its coordinators and faculty see it. Coordinators: the timeline with
 * reschedule, applications and decisions, teams with attendance, the metrics compliance matrix
 * and run charts, the email log, cancel. Faculty: the applications to review with their decision
 * forms, and attendance and feedback for the teams. Each form shows only while its window is open
 * (app/windows.ts); otherwise a sentence says when it opens or that it closed.
 */
import type { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import {
  applicationsOf,
  callRegistrations,
  type CallRegistrationDoc,
  attentionItems,
  siteLines,
  type AttentionItem,
  type SiteLine,
  complianceReport,
  currentSchedule,
  dashboardCharts,
  failedEmailsOf,
  siteNames as namesOf,
  statusReport,
  windowsOf,
  type ApplicationDoc,
  type CollaborativeDoc,
  type ComplianceReport,
  type FailedEmail,
  type PageChart,
  type StatusReport,
  type Windows,
} from '../../app';
import { milestoneDate, milestoneLabel, milestoneNames } from '../../domain/schedule';
import { formatInZone } from '../../domain/time';
import type { Role } from '../auth';
import type { Flash } from '../flash';
import { registrationsTable } from './call-registration';
import {
  checkboxField,
  csrfField,
  errorSummary,
  html,
  scroll,
  selectField,
  textareaField,
  textField,
  type Html,
} from '../html';
import { formErrors, NO_ERRORS, type FieldSpec, type FormErrors } from '../problems';
import {
  applicationsSection,
  chartsSection,
  complianceSection,
  emailsSection,
  teamsSection,
} from './collaborative-sections';
import { learningNav } from './pdsa';
import { downloadsSection } from './exports';
import { overviewSection, sectionsNav, sitesSection } from './collaborative-overview';

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
  charts: PageChart[];
  /** The emails the SMTP server refused (coordinators only). */
  failed?: FailedEmail[];
  windows: Windows;
  /** What needs the coordinator's attention now (coordinators only). */
  attention?: AttentionItem[];
  /** Every targeted site and its stage. */
  sites: SiteLine[];
  /** Who registered for the informational calls. */
  registrations: CallRegistrationDoc[];
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
  const compliance = metrics
    ? await section('the compliance matrix', () => complianceReport(db, slug, now))
    : undefined;
  // Only the refused emails, from their few bounce records: the whole log (the email centre,
  // /c/:slug/emails) is a scan of the outbox on FerretDB, seconds at 10,000 emails.
  const failed = coordinator ? await section('the failed emails', () => failedEmailsOf(db, slug)) : undefined;
  const registrations = (await section('the call registrations', () => callRegistrations(db, slug))) ?? [];
  const windows = windowsOf(doc, status.s?.phase ?? doc.phase, now);
  const teams = status.s?.teams ?? [];
  return {
    doc,
    role: roles[0]!,
    faculty: roles.includes('faculty'),
    status: status.s,
    statusError: status.e,
    apps,
    siteNames,
    compliance,
    charts: (metrics && (await section('the run charts', () => dashboardCharts(db, doc)))) || [],
    failed,
    sectionErrors,
    windows,
    attention: coordinator
      ? attentionItems({
          slug,
          now,
          schedule: currentSchedule(doc),
          ladder: doc.config.metrics?.ladder,
          decisionsOpen: windows.decisions.state === 'open' && !windows.over,
          apps,
          teams,
          compliance,
          failedEmails: failed?.length ?? 0,
        })
      : undefined,
    sites: siteLines(doc.announcedTo ?? [], apps, teams),
    registrations,
  };
}

/** The id of the form an action's post came from: `decision:bayview`, `reschedule`. */
export function formIdOf(action: string, body: Record<string, unknown>): string {
  const site = typeof body.siteId === 'string' ? body.siteId : '';
  return ['decide', 'attendance', 'feedback', 'withdraw'].includes(action)
    ? `${action === 'decide' ? 'decision' : action}:${site}`
    : action;
}

const FIELDS: Record<string, FieldSpec[]> = {
  reschedule: [
    { name: 'milestone', label: 'Milestone' },
    { name: 'date', label: 'New date', also: ['at'] },
  ],
  decision: [
    { name: 'decision', label: 'Decision' },
    { name: 'notes', label: 'Notes' },
  ],
  attendance: [
    { name: 'session', label: 'Learning session' },
    { name: 'present', label: 'Present' },
    { name: 'absent', label: 'Absent' },
  ],
  feedback: [{ name: 'text', label: 'Feedback' }],
  withdraw: [
    { name: 'reason', label: 'Reason' },
    { name: 'confirm', label: 'Confirmation' },
  ],
  addFaculty: [
    { name: 'name', label: 'Name' },
    { name: 'email', label: 'Email' },
  ],
  addSite: [{ name: 'siteId', label: 'Site id' }],
  cancel: [
    { name: 'reason', label: 'Reason' },
    { name: 'confirm', label: 'Confirmation' },
  ],
};

/** A posted form's problems: `decision:bayview` is the decision form of bayview, its ids end in `--bayview`. */
function errorsOf(id: string, flash: Flash): FormErrors {
  const [kind, site] = id.split(':') as [string, string | undefined];
  return formErrors(id, flash.problems, FIELDS[kind] ?? [], site);
}

export function collaborativePage(v: CollaborativeView, csrf: string, now: number, flash: Flash = {}): Html {
  const coordinator = v.role === 'coordinator';
  const tz = v.doc.config.timeZone;
  const name = (siteId: string) => v.siteNames.get(siteId) ?? siteId;
  const phase = v.status?.phase ?? v.doc.phase;
  // The problems and typed values of the form that was posted, for that form only. Sections ask
  // for a form only when they show it: a form no longer shown (its window closed meanwhile) gets
  // its problems at the top, not linked to fields that are not on the page.
  const shown = new Set<string>();
  const form = (id: string): { e: FormErrors; values: Record<string, unknown> } => {
    shown.add(id);
    return flash.form === id
      ? { e: errorsOf(id, flash), values: flash.values ?? {} }
      : { e: NO_ERRORS, values: {} };
  };
  const over = v.windows.over;
  const sections = html`${sectionsNav(v.doc.slug, coordinator, !!v.compliance || v.charts.length > 0)}
  ${coordinator && v.attention ? overviewSection(v.attention, name) : ''}
  ${coordinator ? sitesSection(v.sites, name) : ''} ${timelineSection(v, csrf, now, coordinator, form, name)}
  ${applicationsSection(v, csrf, name, form)} ${teamsSection(v, csrf, name, form)}
  ${coordinator && v.compliance ? complianceSection(v.compliance, name) : ''}
  ${coordinator && v.charts.length ? chartsSection(v.charts) : ''}
  ${coordinator && v.failed ? emailsSection(v.failed, tz, v.doc.slug) : ''}
  ${downloadsSection(v.doc, [...(coordinator ? ['coordinator' as const] : []), ...(v.faculty ? ['faculty' as const] : [])])}
  ${coordinator && !over ? cancelSection(v.doc.slug, csrf, form('cancel')) : ''}`;
  const posted = flash.form
    ? shown.has(flash.form)
      ? errorsOf(flash.form, flash)
      : formErrors(flash.form, flash.problems, [])
    : undefined;
  return html` <p>
      ${v.doc.config.practice} · <code>lc/${v.doc.slug}</code> · phase
      <strong data-testid="phase">${phase}</strong> · you are
      ${v.role}${v.faculty && coordinator ? ' and faculty' : ''}
    </p>
    ${learningNav(v.doc.slug)} ${errorSummary(posted)}
    ${flash.done ? html`<div class="ok" role="status">${flash.done}</div>` : ''}
    ${over === 'cancelled' ? html`<p class="notice" data-state="cancelled">This collaborative was cancelled. Its records stay here to read.</p>` : ''}
    ${over === 'ended' ? html`<p class="notice" data-state="ended">This collaborative has ended.</p>` : ''}
    ${v.statusError ? html`<div class="errors">The workflow did not answer: ${v.statusError}</div>` : ''}
    ${v.sectionErrors.map((e) => html`<div class="errors">Cannot show ${e}</div>`)} ${sections}`;
}

export type FormOf = (id: string) => { e: FormErrors; values: Record<string, unknown> };

function timelineSection(
  v: CollaborativeView,
  csrf: string,
  now: number,
  coordinator: boolean,
  formOf: FormOf,
  name: (siteId: string) => string,
): Html {
  const schedule = currentSchedule(v.doc);
  const tz = v.doc.config.timeZone;
  const rows = milestoneNames(schedule)
    .map((n) => ({ n, at: milestoneDate(schedule, n)! }))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const future = rows.filter((r) => Date.parse(r.at) > now);
  return html`<section id="timeline">
    <h2>Timeline</h2>
    <p>Times in ${tz}.</p>
    ${scroll(
      'Timeline',
      html`<table>
        <tr>
          <th scope="col">Milestone</th>
          <th scope="col">When</th>
        </tr>
        ${rows.map(
          (r) =>
            html`<tr class="${Date.parse(r.at) <= now ? 'past' : 'future'}">
              <td>
                ${milestoneLabel(r.n)}${Date.parse(r.at) <= now ? html` <span class="visually-hidden">(past)</span>` : ''}
              </td>
              <td>${formatInZone(r.at, tz)}</td>
            </tr>`,
        )}
      </table>`,
    )}
    ${registrationsTable(v.doc, v.registrations, name)}
    ${coordinator ? html`<p><a href="/c/${v.doc.slug}/rehearsal">Rehearsal: every email still to come, and what a move would change</a></p>` : ''}
    <p><a href="/c/${v.doc.slug}/templates">Email templates: each email as this collaborative sends it</a></p>
    ${
      coordinator && future.length && !v.windows.over
        ? ((f: ReturnType<FormOf>) =>
            html`<h3>Reschedule a milestone</h3>
              <form method="post" action="/c/${v.doc.slug}/reschedule" id="reschedule" novalidate>
                ${csrfField(csrf)}
                ${selectField({
                  name: 'milestone',
                  label: 'Milestone',
                  value: f.values.milestone,
                  errors: f.e,
                  options: future.map((r) => ({ value: r.n, label: milestoneLabel(r.n) })),
                })}
                ${textField({
                  name: 'date',
                  label: `New date and time (${tz})`,
                  type: 'datetime-local',
                  value: f.values.date,
                  errors: f.e,
                })}
                <button>Reschedule</button>
              </form>`)(formOf('reschedule'))
        : ''
    }
    ${coordinator && !v.windows.over ? addFacultyForm(v, csrf, formOf('addFaculty')) : ''}
    ${
      coordinator && !v.windows.over && v.doc.announcedTo && v.windows.applications.state !== 'closed'
        ? addSiteForm(v, csrf, formOf('addSite'))
        : ''
    }
  </section>`;
}

function addFacultyForm(v: CollaborativeView, csrf: string, f: ReturnType<FormOf>): Html {
  return html`<h3>Add a faculty member</h3>
    <p>Faculty now: ${v.doc.config.faculty.map((p) => p.name).join(', ')}.</p>
    <form method="post" action="/c/${v.doc.slug}/add-faculty" id="addFaculty" novalidate>
      ${csrfField(csrf)} ${textField({ name: 'name', label: 'Name', value: f.values.name, errors: f.e })}
      ${textField({ name: 'email', label: 'Email', type: 'email', value: f.values.email, errors: f.e })}
      <button>Add to the faculty</button>
    </form>`;
}

function addSiteForm(v: CollaborativeView, csrf: string, f: ReturnType<FormOf>): Html {
  return html`<h3>Add a late site to the announcement</h3>
    <p>
      Its PI receives the announcement and may apply until applications close
      (${formatInZone(v.windows.applications.closes, v.doc.config.timeZone)}).
    </p>
    <form method="post" action="/c/${v.doc.slug}/add-site" id="addSite" novalidate>
      ${csrfField(csrf)}
      ${textField({ name: 'siteId', label: 'Site id (from the network directory)', value: f.values.siteId, errors: f.e })}
      <button>Announce to this site</button>
    </form>`;
}

function cancelSection(slug: string, csrf: string, f: ReturnType<FormOf>): Html {
  return html`<section id="cancel">
    <h2>Cancel the collaborative</h2>
    <form method="post" action="/c/${slug}/cancel" novalidate>
      ${csrfField(csrf)}
      ${textareaField({ name: 'reason', label: 'Reason (sent to every team)', value: f.values.reason, errors: f.e, rows: 2 })}
      ${checkboxField({
        name: 'confirm',
        label: 'I understand this ends the collaborative for every team',
        errors: f.e,
        checked: f.values.confirm === 'yes',
      })}
      <button>Cancel the collaborative</button>
    </form>
  </section>`;
}
