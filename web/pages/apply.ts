/**
 * The application form a PI reaches from their signed link: apply, or amend while applications are
 * open. The form is read into the shape the CLI sends and validated by the same zod schemas.
 */
import { type ApplicationDoc, type CollaborativeDoc, type Windows } from '../../app';
import { ROLES } from '../../domain/inputs';
import { formatInZone } from '../../domain/time';
import {
  checkboxField,
  csrfField,
  errorSummary,
  html,
  selectField,
  textareaField,
  textField,
  type Html,
} from '../html';
import { formErrors, type FieldSpec } from '../problems';

type Form = Record<string, unknown>;
export const str = (v: unknown) => (typeof v === 'string' ? v : '');
export const MAX_MEMBERS = 8;
const ROLE_LABEL: Record<(typeof ROLES)[number], string> = {
  'senior-leader': 'Senior leader',
  supervisor: 'Clinical supervisor',
  clinician: 'Clinician',
  other: 'Other',
};

const member = (i: number) => `coreTeam.members[${i}]`;
const filled = (f: Form, i: number) => !!(str(f[`${member(i)}.name`]) || str(f[`${member(i)}.email`]));

/**
 * The form's member rows with the blank ones left out and the rest moved up, so that a problem's
 * `coreTeam.members[1]` is the second row shown again.
 */
export function compactMembers(f: Form): Form {
  const out: Form = { ...f };
  const rows = [...Array(MAX_MEMBERS).keys()].filter((i) => filled(f, i));
  for (let i = 0; i < MAX_MEMBERS; i++)
    for (const k of ['name', 'email', 'role']) delete out[`${member(i)}.${k}`];
  rows.forEach((from, to) => {
    for (const k of ['name', 'email', 'role']) out[`${member(to)}.${k}`] = f[`${member(from)}.${k}`];
  });
  return out;
}

/** The application form's fields → an application (blank member rows are left out). */
export function applicationFromForm(f: Form, siteId: string, submittedBy: string): unknown {
  const c = compactMembers(f);
  const person = (p: string) => ({ name: str(c[`${p}.name`]), email: str(c[`${p}.email`]) });
  const members = [...Array(MAX_MEMBERS).keys()]
    .filter((i) => filled(c, i))
    .map((i) => ({ ...person(member(i)), role: str(c[`${member(i)}.role`]) }));
  return {
    siteId,
    submittedBy,
    readiness: str(c.readiness),
    commitCoreDataSet: c.commitCoreDataSet === 'yes',
    commitAllSessions: c.commitAllSessions === 'yes',
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
    f[`${member(i)}.name`] = m.name;
    f[`${member(i)}.email`] = m.email;
    f[`${member(i)}.role`] = m.role;
  });
  for (const p of ['dataManager', 'contactPerson'] as const) {
    f[`coreTeam.${p}.name`] = a.coreTeam[p].name;
    f[`coreTeam.${p}.email`] = a.coreTeam[p].email;
  }
  return f;
}

/** The application form's fields and their labels (for the error summary). */
export const APPLICATION_FIELDS: FieldSpec[] = [
  { name: 'readiness', label: 'Readiness' },
  { name: 'commitCoreDataSet', label: 'Core Data Set commitment' },
  { name: 'commitAllSessions', label: 'Learning sessions commitment' },
  { name: 'coreTeam.members', label: 'Core team' },
  ...[...Array(MAX_MEMBERS).keys()].flatMap((i) => [
    { name: `${member(i)}.name`, label: `Member ${i + 1}: name` },
    { name: `${member(i)}.email`, label: `Member ${i + 1}: email` },
    { name: `${member(i)}.role`, label: `Member ${i + 1}: role` },
  ]),
  ...(['dataManager', 'contactPerson'] as const).flatMap((p) => {
    const who = p === 'dataManager' ? 'Data manager' : 'Contact person';
    return [
      { name: `coreTeam.${p}.name`, label: `${who}: name` },
      { name: `coreTeam.${p}.email`, label: `${who}: email` },
    ];
  }),
];

export function applicationPage(o: {
  doc: CollaborativeDoc;
  siteName: string;
  email: string;
  action: string;
  csrf: string;
  form: Form;
  windows: Windows;
  version?: number;
  problems?: string[];
  done?: string;
}): Html {
  const { doc, form: f, windows: w } = o;
  const tz = doc.config.timeZone;
  const e = formErrors('application', o.problems, APPLICATION_FIELDS);
  // Without the form (its window closed meanwhile), a post's problems are listed, linked to nothing.
  const intro = html`<p>${o.siteName} · for ${o.email}</p>
    ${w.applications.state === 'open' && !w.over ? '' : errorSummary(formErrors('application', o.problems, []))}
    ${o.done ? html`<div class="ok" role="status">${o.done}</div>` : ''}`;
  if (w.over === 'cancelled')
    return html`${intro}
      <p class="notice">This collaborative was cancelled; it takes no applications.</p>`;
  if (w.applications.state === 'not-yet-open')
    return html`${intro}
      <p class="notice" data-state="not-yet-open">
        Applications open on <strong>${formatInZone(w.applications.opens, tz)}</strong> and close on
        ${formatInZone(w.applications.closes, tz)}. Come back to this link then: the form will be here.
      </p>`;
  if (w.applications.state === 'closed')
    return html`${intro}
      <p class="notice" data-state="closed">
        Applications closed on <strong>${formatInZone(w.applications.closes, tz)}</strong>.
        ${
          o.version
            ? `Your application (version ${o.version}) is with the faculty; the decision comes by email.`
            : 'No application was received from this site.'
        }
      </p>`;
  const members = compactMembers(f);
  const person = (p: 'dataManager' | 'contactPerson', legend: string, hint: string) =>
    html`<fieldset>
      <legend>${legend}</legend>
      <p class="hint">${hint}</p>
      ${textField({ name: `coreTeam.${p}.name`, label: 'Name', value: f[`coreTeam.${p}.name`], errors: e, autocomplete: 'off' })}
      ${textField({ name: `coreTeam.${p}.email`, label: 'Email', type: 'email', value: f[`coreTeam.${p}.email`], errors: e, autocomplete: 'off' })}
    </fieldset>`;
  return html`${intro}
    <p>Applications close <strong>${formatInZone(w.applications.closes, tz)}</strong>.</p>
    ${o.version ? html`<p>You applied already (version ${o.version}); sending this form amends the application.</p>` : ''}
    ${errorSummary(e)}
    <form method="post" action="${o.action}" id="application" novalidate>
      ${csrfField(o.csrf)}
      <section>
        <h2>Readiness</h2>
        ${textareaField({
          name: 'readiness',
          label: html`The organisation's readiness to adopt ${doc.config.practice}`,
          hint: 'What is in place already, and what the team will need (20 characters at least).',
          value: f.readiness,
          errors: e,
          rows: 5,
        })}
        ${checkboxField({
          name: 'commitCoreDataSet',
          label: 'We will use the Core Data Set and submit metrics every month',
          errors: e,
          checked: f.commitCoreDataSet === 'yes',
        })}
        ${checkboxField({
          name: 'commitAllSessions',
          label: 'Our core team will attend all the learning sessions',
          errors: e,
          checked: f.commitAllSessions === 'yes',
        })}
      </section>
      <section>
        <h2>Core team</h2>
        <p id="${'f-coreTeam-members'}" tabindex="-1">
          3 to 8 people: at least a senior leader, a clinical supervisor and a clinician. Leave the rows you
          do not need empty.
        </p>
        ${e.of('coreTeam.members').length ? html`<p class="field-error">${e.of('coreTeam.members').join('; ')}</p>` : ''}
        ${[...Array(MAX_MEMBERS).keys()].map(
          (i) =>
            html`<fieldset class="member">
              <legend>Member ${i + 1}</legend>
              <div class="row">
                ${textField({ name: `${member(i)}.name`, label: 'Name', value: members[`${member(i)}.name`], errors: e, autocomplete: 'off' })}
                ${textField({ name: `${member(i)}.email`, label: 'Email', type: 'email', value: members[`${member(i)}.email`], errors: e, autocomplete: 'off' })}
                ${selectField({
                  name: `${member(i)}.role`,
                  label: 'Role',
                  value: members[`${member(i)}.role`],
                  errors: e,
                  options: [
                    { value: '', label: 'Choose a role' },
                    ...ROLES.map((r) => ({ value: r, label: ROLE_LABEL[r] })),
                  ],
                })}
              </div>
            </fieldset>`,
        )}
        ${person('dataManager', 'Data manager', 'Submits the monthly metrics; receives the reminders.')}
        ${person('contactPerson', 'Contact person', 'Our contact for the coordinators.')}
      </section>
      <button>${o.version ? 'Amend the application' : 'Apply'}</button>
    </form>`;
}

// ---- the team page -----------------------------------------------------------------------------
