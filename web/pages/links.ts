/**
 * The pages PIs and team members reach from their signed links: the application form (apply or
 * amend) and the team page (metrics for a period, attendance at a session, pre-work). Each form
 * is read into the same shape the CLI sends, and validated by the same zod schemas.
 */
import { currentSchedule, type ApplicationDoc, type CollaborativeDoc, type TeamStatus } from '../../app';
import { PREWORK_ITEMS, ROLES } from '../../domain/inputs';
import type { Measure } from '../../domain/metrics';
import { formatInZone } from '../../domain/time';
import { csrfField, errorList, fieldErrors, html, type Html } from '../html';

type Form = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const MAX_MEMBERS = 8;

/** The application form's fields → an application (blank member rows are left out). */
export function applicationFromForm(f: Form, siteId: string, submittedBy: string): unknown {
  const person = (p: string) => ({ name: str(f[`${p}.name`]), email: str(f[`${p}.email`]) });
  const members = [...Array(MAX_MEMBERS).keys()]
    .map((i) => ({ ...person(`coreTeam.members[${i}]`), role: str(f[`coreTeam.members[${i}].role`]) }))
    .filter((m) => m.name || m.email);
  return {
    siteId,
    submittedBy,
    readiness: str(f.readiness),
    commitCoreDataSet: f.commitCoreDataSet === 'yes',
    commitAllSessions: f.commitAllSessions === 'yes',
    coreTeam: {
      members,
      dataManager: person('coreTeam.dataManager'),
      contactPerson: person('coreTeam.contactPerson'),
    },
  };
}

/** A previous application as the form's values, so an amendment starts from it. */
export function formFromApplication(a: ApplicationDoc | null): Form {
  if (!a) return {};
  const f: Form = {
    readiness: a.readiness,
    commitCoreDataSet: a.commitCoreDataSet ? 'yes' : '',
    commitAllSessions: a.commitAllSessions ? 'yes' : '',
  };
  a.coreTeam.members.forEach((m, i) => {
    f[`coreTeam.members[${i}].name`] = m.name;
    f[`coreTeam.members[${i}].email`] = m.email;
    f[`coreTeam.members[${i}].role`] = m.role;
  });
  for (const p of ['dataManager', 'contactPerson'] as const) {
    f[`coreTeam.${p}.name`] = a.coreTeam[p].name;
    f[`coreTeam.${p}.email`] = a.coreTeam[p].email;
  }
  return f;
}

export function applicationPage(o: {
  doc: CollaborativeDoc;
  siteName: string;
  email: string;
  action: string;
  csrf: string;
  form: Form;
  version?: number;
  problems?: string[];
  done?: string;
}): Html {
  const { doc, form: f, problems } = o;
  const input = (name: string, type = 'text', size = 30) =>
    html`<input
        type="${type}"
        name="${name}"
        value="${str(f[name])}"
        size="${size}"
        aria-label="${name}"
      />${fieldErrors(problems, name)}`;
  const commitment = (name: string, label: string) =>
    html`<label
        ><input type="checkbox" name="${name}" value="yes" ${f[name] === 'yes' ? 'checked' : ''} />
        ${label}</label
      >${fieldErrors(problems, name)}`;
  const closes = formatInZone(currentSchedule(doc).applicationsClose, doc.config.timeZone);
  return html` <p>${o.siteName} · for ${o.email} · applications close ${closes}</p>
    ${o.done ? html`<div class="ok" role="status">${o.done}</div>` : ''}
    ${o.version ? html`<p>You applied already (version ${o.version}); sending this form amends the application.</p>` : ''}
    ${errorList(problems)}
    <form method="post" action="${o.action}">
      ${csrfField(o.csrf)}
      <section>
        <h2>Readiness</h2>
        <label
          >The organisation's readiness to adopt ${doc.config.practice}
          <textarea name="readiness" rows="5">${str(f.readiness)}</textarea></label
        >${fieldErrors(problems, 'readiness')}
        ${commitment('commitCoreDataSet', 'We will use the Core Data Set and submit metrics every month')}
        ${commitment('commitAllSessions', 'Our core team will attend all the learning sessions')}
      </section>
      <section>
        <h2>Core team</h2>
        <p>3 to 8 people: at least a senior leader, a clinical supervisor and a clinician.</p>
        ${fieldErrors(problems, 'coreTeam.members')}
        <table>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Role</th>
          </tr>
          ${[...Array(MAX_MEMBERS).keys()].map((i) => {
            const p = `coreTeam.members[${i}]`;
            return html`<tr>
              <td>${input(`${p}.name`)}</td>
              <td>${input(`${p}.email`, 'email')}</td>
              <td>
                <select name="${p}.role" aria-label="${p}.role">
                  <option value=""></option>
                  ${ROLES.map(
                    (r) => html`<option value="${r}" ${f[`${p}.role`] === r ? 'selected' : ''}>${r}</option>`,
                  )}</select
                >${fieldErrors(problems, `${p}.role`)}
              </td>
            </tr>`;
          })}
        </table>
        <p>
          Data manager: ${input('coreTeam.dataManager.name')} ${input('coreTeam.dataManager.email', 'email')}
        </p>
        <p>
          Contact person: ${input('coreTeam.contactPerson.name')}
          ${input('coreTeam.contactPerson.email', 'email')}
        </p>
      </section>
      <button>${o.version ? 'Amend the application' : 'Apply'}</button>
    </form>`;
}

// ---- the team page -----------------------------------------------------------------------------

/** The metrics form → a submission; numbers are read as numbers, yes/no as booleans, blanks as missing. */
export function submissionFromForm(f: Form, measures: Measure[], by: string): unknown {
  const values: Record<string, unknown> = {};
  for (const m of measures) {
    const raw = str(f[`values.${m.key}`]).trim();
    if (raw === '') continue;
    if (m.type === 'yesno') values[m.key] = raw === 'yes' ? true : raw === 'no' ? false : raw;
    else if (m.type === 'text') values[m.key] = raw;
    else values[m.key] = Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return { period: str(f.period), values, by };
}

export function teamPage(o: {
  doc: CollaborativeDoc;
  siteName: string;
  email: string;
  base: string;
  csrf: string;
  team?: TeamStatus;
  teamError?: string;
  roster: { name: string; email: string }[];
  now: number;
  period?: string;
  form?: string;
  problems?: string[];
  done?: string;
}): Html {
  const { doc } = o;
  const tz = doc.config.timeZone;
  const schedule = currentSchedule(doc);
  const measures = doc.config.metrics?.measures ?? [];
  const open = schedule.periods.filter((p) => Date.parse(p.start) <= o.now);
  const problemsFor = (form: string) => (o.form === form ? errorList(o.problems) : html``);
  const submitted = o.team?.metrics ?? {};
  return html` <p>${o.siteName} · for ${o.email}</p>
    ${o.done ? html`<div class="ok" role="status">${o.done}</div>` : ''}
    ${o.teamError ? html`<div class="errors">${o.teamError}</div>` : ''}
    ${
      measures.length
        ? html`<section id="metrics">
            <h2>Metrics</h2>
            <p>Submitted: ${Object.keys(submitted).sort().join(', ') || 'none yet'}.</p>
            ${problemsFor('metrics')}
            ${
              open.length
                ? html`<form method="post" action="${o.base}/metrics">
                    ${csrfField(o.csrf)}
                    <label
                      >Period
                      <select name="period">
                        ${open.map(
                          (p) =>
                            html`<option value="${p.id}" ${p.id === o.period ? 'selected' : ''}>
                              ${p.id}${submitted[p.id] ? ' (submitted; sending amends)' : ''} — due
                              ${formatInZone(p.due, tz, false)}
                            </option>`,
                        )}
                      </select></label
                    >
                    ${measures.map(
                      (m) =>
                        html`<label
                          >${m.name}${m.required ? '' : ' (optional)'}
                          ${
                            m.type === 'yesno'
                              ? html`<select name="values.${m.key}">
                                  <option value=""></option>
                                  <option value="yes">yes</option>
                                  <option value="no">no</option>
                                </select>`
                              : m.type === 'text'
                                ? html`<textarea name="values.${m.key}" rows="2"></textarea>`
                                : html`<input
                                    type="text"
                                    inputmode="decimal"
                                    name="values.${m.key}"
                                    size="10"
                                  />`
                          }</label
                        >`,
                    )}
                    <button>Submit the metrics</button>
                  </form>`
                : html`<p>
                    The first reporting period starts with learning session 1
                    (${formatInZone(schedule.learningSessions[0]!.start, tz)}).
                  </p>`
            }
          </section>`
        : ''
    }
    <section id="attendance">
      <h2>Attendance at a learning session</h2>
      ${problemsFor('attendance')}
      <form method="post" action="${o.base}/attendance">
        ${csrfField(o.csrf)}
        <label
          >Learning session
          <select name="session">
            ${schedule.learningSessions.map(
              (ls, i) =>
                html`<option value="${i}">
                  ${i + 1}: ${formatInZone(ls.start, tz, false)}, ${ls.venue}
                </option>`,
            )}
          </select></label
        >
        ${o.roster.map((m) => html`<label><input type="checkbox" name="present" value="${m.email}" /> ${m.name} (${m.email}) attended</label>`)}
        <button>Record who attended</button>
      </form>
    </section>
    <section id="prework">
      <h2>Pre-work</h2>
      <p>Done: ${o.team?.preworkDone.join(', ') || 'nothing yet'}.</p>
      ${problemsFor('prework')}
      <form method="post" action="${o.base}/prework">
        ${csrfField(o.csrf)}
        <label
          >Item
          <select name="item">
            ${PREWORK_ITEMS.map((i) => html`<option value="${i}">${i}</option>`)}
          </select></label
        >
        <button>Mark as done</button>
      </form>
    </section>`;
}

/** A refused or expired link: says what happened and what to do, and shows nothing else. */
export function linkProblemPage(reason: string): Html {
  const text: Record<string, string> = {
    expired:
      'This link has expired. Ask the collaborative’s coordinator for a new one (reply to the email you received).',
    tampered:
      'This link is not valid: it may have been changed or cut short when it was copied. Open it again from the email.',
    malformed:
      'This link is not valid: it may have been cut short when it was copied. Open it again from the email.',
    'wrong-purpose': 'This link is meant for another page. Open it again from the email.',
    used: 'This sign-in link was used already. Ask for a new one.',
    unknown: 'This link does not lead to anything we know. Open it again from the email.',
    unconfirmed:
      'This sign-in was not confirmed from the page your link opened. Open the link from your email again and press “Sign in” there.',
  };
  return html`<div class="errors" role="alert" data-reason="${reason}">${text[reason] ?? text.unknown}</div>`;
}

/** A Learning Community's join form, reached from the link its announcement gave the site's PI. */
export function joinPage(o: {
  title: string;
  topic: string;
  siteName: string;
  action: string;
  csrf: string;
  form: Form;
  problems?: string[];
  done?: string;
}): Html {
  if (o.done) return html`<div class="ok" role="status">${o.done}</div>`;
  return html`<p>
      A Learning Community on ${o.topic}, open to the people of ${o.siteName}. Anyone interested joins, and
      may leave at any time.
    </p>
    ${errorList(o.problems)}
    <form method="post" action="${o.action}">
      ${csrfField(o.csrf)}
      <label>Your name <input type="text" name="name" value="${str(o.form.name)}" size="40" /></label
      >${fieldErrors(o.problems, 'name')}
      <label>Your email <input type="email" name="email" value="${str(o.form.email)}" size="40" /></label
      >${fieldErrors(o.problems, 'email')}
      <button>Join the community</button>
    </form>`;
}
