/**
 * A Learning Community's pages for its coordinators and facilitators: the launch form, the
 * community (members, meetings, shares) and one meeting (attendance, summary). The launch form is
 * read into the config the CLI reads from a file and validated by the same schema (app/community.ts).
 */
import type { CommunityMeetingView, CommunityRole, CommunityView, MemberDoc, SiteDoc } from '../../app';
import { SHARE_KINDS } from '../../domain/inputs';
import { formatInZone } from '../../domain/time';
import type { Flash } from '../flash';
import {
  choiceGroup,
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

type Form = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : typeof v === 'string' ? [v] : []);

export const COORDINATOR_ROWS = 2;
export const FACILITATOR_ROWS = 3;
export const MEETING_ROWS = 3;
const PERSON_KEYS = ['name', 'email'];
const MEETING_KEYS = ['kind', 'first', 'everyDays', 'durationMinutes', 'venue', 'link'];

/**
 * A list's rows with the blank ones left out and the rest moved up, so that a problem's
 * `facilitators[1]` is the second row shown again.
 */
function compactRows(f: Form, prefix: string, rows: number, keys: string[]): Form {
  const at = (i: number, k: string) => `${prefix}[${i}].${k}`;
  const filled = [...Array(rows).keys()].filter((i) => keys.some((k) => str(f[at(i, k)]).trim()));
  const out: Form = { ...f };
  for (let i = 0; i < rows; i++) for (const k of keys) delete out[at(i, k)];
  filled.forEach((from, to) => keys.forEach((k) => (out[at(to, k)] = f[at(from, k)])));
  return out;
}

/** The launch form with its blank rows left out (what is read, and what is shown again). */
export function compactLaunchForm(f: Form): Form {
  let c = compactRows(f, 'coordinators', COORDINATOR_ROWS, PERSON_KEYS);
  c = compactRows(c, 'facilitators', FACILITATOR_ROWS, PERSON_KEYS);
  return compactRows(c, 'meetings', MEETING_ROWS, MEETING_KEYS);
}

/** A number as typed: blank is left out (the default applies); anything else the schema judges. */
function number(v: unknown): number | string | undefined {
  const t = str(v).trim();
  if (!t) return undefined;
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}
const optional = (k: string, v: unknown) => (str(v).trim() ? { [k]: str(v).trim() } : {});

/** The launch form's fields (compacted) → a community config, as examples/community.yaml holds one. */
export function communityConfigFromForm(f: Form): unknown {
  const rows = (prefix: string, n: number) =>
    [...Array(n).keys()].filter((i) => str(f[`${prefix}[${i}].name`]) || str(f[`${prefix}[${i}].email`]));
  const people = (prefix: string, n: number) =>
    rows(prefix, n).map((i) => ({
      name: str(f[`${prefix}[${i}].name`]),
      email: str(f[`${prefix}[${i}].email`]).trim(),
    }));
  const m = (i: number, k: string) => f[`meetings[${i}].${k}`];
  const meetings = [...Array(MEETING_ROWS).keys()]
    .filter((i) => MEETING_KEYS.some((k) => str(m(i, k)).trim()))
    .map((i) => {
      const kind = str(m(i, 'kind'));
      return {
        kind,
        first: str(m(i, 'first')),
        everyDays: number(m(i, 'everyDays')),
        durationMinutes: number(m(i, 'durationMinutes')),
        ...(kind === 'in-person' ? optional('venue', m(i, 'venue')) : {}),
        ...(kind === 'remote' ? optional('link', m(i, 'link')) : {}),
      };
    });
  return {
    slug: str(f.slug).trim(),
    title: str(f.title),
    topic: str(f.topic),
    ...optional('description', f.description),
    timeZone: str(f.timeZone).trim(),
    coordinators: people('coordinators', COORDINATOR_ROWS),
    facilitators: people('facilitators', FACILITATOR_ROWS),
    sites: str(f.sitesMode) === 'some' ? list(f.sites) : 'all',
    ...optional('announcement', f.announcement),
    start: str(f.start),
    end: str(f.end),
    meetings,
    digestEveryDays: number(f.digestEveryDays),
  };
}

const rowFields = (prefix: string, n: number, who: string, keys: [string, string][]): FieldSpec[] => [
  { name: prefix, label: `${who}s` },
  ...[...Array(n).keys()].flatMap((i) =>
    keys.map(([k, label]) => ({ name: `${prefix}[${i}].${k}`, label: `${who} ${i + 1}: ${label}` })),
  ),
];

export const LAUNCH_FIELDS: FieldSpec[] = [
  { name: 'title', label: 'Title' },
  { name: 'slug', label: 'Short name' },
  { name: 'topic', label: 'Common interest' },
  { name: 'description', label: 'Description' },
  { name: 'timeZone', label: 'Time zone' },
  ...rowFields('coordinators', COORDINATOR_ROWS, 'Coordinator', [
    ['name', 'name'],
    ['email', 'email'],
  ]),
  ...rowFields('facilitators', FACILITATOR_ROWS, 'Facilitator', [
    ['name', 'name'],
    ['email', 'email'],
  ]),
  { name: 'sites', label: 'Sites' },
  { name: 'announcement', label: 'Announcement' },
  { name: 'start', label: 'Start' },
  { name: 'end', label: 'End' },
  ...rowFields('meetings', MEETING_ROWS, 'Meeting series', [
    ['kind', 'kind'],
    ['first', 'first meeting'],
    ['everyDays', 'every how many days'],
    ['durationMinutes', 'length in minutes'],
    ['venue', 'venue'],
    ['link', 'link'],
  ]),
  { name: 'digestEveryDays', label: 'Digest every' },
];

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const when = (at: string | Date, zone: string) =>
  formatInZone(at instanceof Date ? at.toISOString() : at, zone);

/** A list's problems as a whole ("name at least one facilitator"), where its summary link leads. */
function groupErrors(name: string, e: FormErrors): Html {
  return html`<div id="f-${name}" tabindex="-1">
    ${e.of(name).length ? html`<p class="field-error" id="f-${name}-error">${e.of(name).join(' ')}</p>` : ''}
  </div>`;
}

function personRows(prefix: string, n: number, who: string, v: Form, e: FormErrors): Html {
  return html`${groupErrors(prefix, e)}${[...Array(n).keys()].map(
    (i) =>
      html`<fieldset>
        <legend>${who} ${i + 1}${i ? ' (optional)' : ''}</legend>
        ${textField({ name: `${prefix}[${i}].name`, label: 'Name', value: v[`${prefix}[${i}].name`], errors: e, autocomplete: 'off' })}
        ${textField({ name: `${prefix}[${i}].email`, label: 'Email', type: 'email', value: v[`${prefix}[${i}].email`], errors: e, autocomplete: 'off' })}
      </fieldset>`,
  )}`;
}

function meetingRows(v: Form, e: FormErrors): Html {
  const k = (i: number, key: string) => `meetings[${i}].${key}`;
  return html`${[...Array(MEETING_ROWS).keys()].map(
    (i) =>
      html`<fieldset>
        <legend>Meeting series ${i + 1}${i ? ' (optional)' : ''}</legend>
        ${selectField({
          name: k(i, 'kind'),
          label: 'Kind',
          value: v[k(i, 'kind')],
          errors: e,
          options: [
            { value: '', label: i ? 'none' : 'choose' },
            { value: 'in-person', label: 'in person' },
            { value: 'remote', label: 'remote' },
          ],
        })}
        ${textField({ name: k(i, 'first'), label: 'First meeting', type: 'datetime-local', value: v[k(i, 'first')], errors: e })}
        ${textField({ name: k(i, 'everyDays'), label: 'Then every (days)', inputmode: 'numeric', value: v[k(i, 'everyDays')], errors: e })}
        ${textField({ name: k(i, 'durationMinutes'), label: 'Length (minutes, 60 if blank)', inputmode: 'numeric', value: v[k(i, 'durationMinutes')], errors: e })}
        ${textField({ name: k(i, 'venue'), label: 'Venue (in person)', value: v[k(i, 'venue')], errors: e })}
        ${textField({ name: k(i, 'link'), label: 'Link (remote)', type: 'url', value: v[k(i, 'link')], errors: e })}
      </fieldset>`,
  )}`;
}

export function communityLaunchPage(o: {
  csrf: string;
  sites: SiteDoc[];
  values: Form;
  problems?: string[];
}): Html {
  const e = formErrors('launch-community', o.problems, LAUNCH_FIELDS);
  const v = o.values;
  const picked = new Set(list(v.sites));
  const some = str(v.sitesMode) === 'some';
  return html`<p>
      A Learning Community brings people of the network's organisations with a common interest together:
      meetings in person and remote over an extended period, and sharing in between. No applications: people
      join through the link their PI is sent. Dates are read in the community's time zone.
    </p>
    ${errorSummary(e)}
    <form method="post" action="/communities/new" id="launch-community" novalidate>
      ${csrfField(o.csrf)}
      <section>
        <h2>The community</h2>
        ${textField({ name: 'title', label: 'Title', value: v.title, errors: e, autocomplete: 'off' })}
        ${textField({
          name: 'slug',
          label: 'Short name',
          hint: 'Lower-case letters, digits and dashes (e.g. tis-2027); its address and emails use it.',
          value: v.slug,
          errors: e,
          autocomplete: 'off',
        })}
        ${textField({ name: 'topic', label: 'Common interest', value: v.topic, errors: e, autocomplete: 'off' })}
        ${textareaField({ name: 'description', label: 'Description (optional)', value: v.description, errors: e })}
        ${textField({
          name: 'timeZone',
          label: 'Time zone',
          hint: 'An IANA name such as America/Chicago; the dates below are read in it.',
          value: v.timeZone,
          errors: e,
          autocomplete: 'off',
        })}
      </section>
      <section>
        <h2>People</h2>
        ${personRows('coordinators', COORDINATOR_ROWS, 'Coordinator', v, e)}
        ${personRows('facilitators', FACILITATOR_ROWS, 'Facilitator', v, e)}
      </section>
      <section>
        <h2>Sites</h2>
        ${choiceGroup({
          name: 'sitesMode',
          legend: 'Whose people are invited',
          errors: e,
          options: [
            { value: 'all', label: 'every active site of the network', checked: !some },
            { value: 'some', label: 'the sites ticked below', checked: some },
          ],
        })}
        ${choiceGroup({
          name: 'sites',
          legend: 'Sites',
          type: 'checkbox',
          errors: e,
          options: o.sites.map((s) => ({
            value: s.siteId,
            label: `${s.name} (${s.siteId})`,
            checked: picked.has(s.siteId),
          })),
        })}
      </section>
      <section>
        <h2>Dates</h2>
        ${textField({
          name: 'announcement',
          label: 'Announcement (optional)',
          hint: 'When the PIs are sent the join link; at launch if blank.',
          type: 'datetime-local',
          value: v.announcement,
          errors: e,
        })}
        ${textField({ name: 'start', label: 'Start', type: 'datetime-local', value: v.start, errors: e })}
        ${textField({ name: 'end', label: 'End', type: 'datetime-local', value: v.end, errors: e })}
      </section>
      <section>
        <h2>Meetings</h2>
        ${groupErrors('meetings', e)} ${meetingRows(v, e)}
        ${textField({
          name: 'digestEveryDays',
          label: 'Digest every (days)',
          hint: 'Members are emailed what was shared since the last digest; 14 if blank.',
          inputmode: 'numeric',
          value: v.digestEveryDays,
          errors: e,
        })}
      </section>
      <button>Launch the community</button>
    </form>`;
}

// ---- the community -------------------------------------------------------------------------------

function errorsFor(flash: Flash, form: string, fields: FieldSpec[]): FormErrors {
  return flash.form === form ? formErrors(form, flash.problems, fields) : NO_ERRORS;
}

const JOIN_FIELDS: FieldSpec[] = [
  { name: 'name', label: 'Name' },
  { name: 'email', label: 'Email' },
  { name: 'siteId', label: 'Site' },
];
const SHARE_FIELDS: FieldSpec[] = [
  { name: 'kind', label: 'Kind' },
  { name: 'title', label: 'Title' },
  { name: 'text', label: 'What is shared' },
  { name: 'by', label: 'Shared by' },
];

function memberRow(m: MemberDoc, v: CommunityView, csrf: string, left = false): Html {
  const zone = v.doc.config.timeZone;
  return html`<tr data-member="${m.email}">
    <td>${m.name}<br /><small>${m.email}</small></td>
    <td>${m.siteId ? (v.siteNames[m.siteId] ?? m.siteId) : '—'}</td>
    <td>${when(m.joinedAt, zone)}${m.membership > 1 ? ` (membership ${m.membership})` : ''}</td>
    <td>
      ${
        left
          ? html`left ${when(m.leftAt!, zone)}`
          : html`<form method="post" action="/communities/${v.doc.slug}/members/leave" class="inline">
              ${csrfField(csrf)}<input type="hidden" name="email" value="${m.email}" />
              <button>Remove<span class="visually-hidden"> ${m.name}</span></button>
            </form>`
      }
    </td>
  </tr>`;
}

function membersTable(label: string, rows: MemberDoc[], v: CommunityView, csrf: string, left = false): Html {
  return scroll(
    label,
    html`<table>
      <tr>
        <th scope="col">Member</th>
        <th scope="col">Site</th>
        <th scope="col">Joined</th>
        <th scope="col">${left ? 'Left' : 'Remove'}</th>
      </tr>
      ${rows.map((m) => memberRow(m, v, csrf, left))}
    </table>`,
  );
}

function meetingsTable(label: string, rows: CommunityMeetingView[], v: CommunityView): Html {
  const zone = v.doc.config.timeZone;
  return scroll(
    label,
    html`<table>
      <tr>
        <th scope="col">Meeting</th>
        <th scope="col">When</th>
        <th scope="col">Where</th>
        ${
          rows[0]?.held
            ? html`<th scope="col">Present</th>
                <th scope="col">Summary</th>`
            : ''
        }
      </tr>
      ${rows.map(
        (m) =>
          html`<tr data-meeting="${m.n + 1}">
            <td><a href="/communities/${v.doc.slug}/meetings/${m.n + 1}">Meeting ${m.n + 1}</a></td>
            <td>${when(m.start, zone)}</td>
            <td class="wrap">${m.kind === 'in-person' ? (m.venue ?? 'in person') : (m.link ?? 'remote')}</td>
            ${
              m.held
                ? html`<td>${m.present.length}</td>
                    <td>${m.summary ? 'sent' : 'not yet'}</td>`
                : ''
            }
          </tr>`,
      )}
    </table>`,
  );
}

export function communityPage(v: CommunityView, roles: CommunityRole[], csrf: string, flash: Flash): Html {
  const c = v.doc.config;
  const zone = c.timeZone;
  const join = errorsFor(flash, 'join', JOIN_FIELDS);
  const share = errorsFor(flash, 'share', SHARE_FIELDS);
  const values = flash.values ?? {};
  const joinValues = flash.form === 'join' ? values : {};
  const shareValues = flash.form === 'share' ? values : {};
  const past = v.meetings.filter((m) => m.held).reverse();
  const upcoming = v.meetings.filter((m) => !m.held);
  const sites = (v.doc.announcedTo ?? []).map((id) => ({ value: id, label: v.siteNames[id] ?? id }));
  return html`${errorSummary(flash.form === 'join' ? join : flash.form === 'share' ? share : undefined)}
    ${flash.form === 'leave' ? errorSummaryOf(flash.problems) : ''}
    ${flash.done ? html`<div class="ok" role="status">${flash.done}</div>` : ''}
    <p>
      A Learning Community on ${c.topic}. <span data-testid="phase">${v.doc.phase}</span> · from
      ${when(c.start, zone)} to ${when(c.end, zone)} · your role: ${roles.join(' and ')}
    </p>
    <nav aria-label="Sections">
      <a href="#members">Members</a> · <a href="#meetings">Meetings</a> · <a href="#shares">Shares</a>
    </nav>
    <section id="members">
      <h2>Members (${v.members.length})</h2>
      <p>
        Announced to ${v.doc.announcedTo ? plural(v.doc.announcedTo.length, 'site') : 'no site yet'}; each
        PI's email carries the link their people join with.
      </p>
      ${v.members.length ? membersTable('Members', v.members, v, csrf) : html`<p>No one has joined yet.</p>`}
      ${
        v.former.length
          ? html`<h3>Former members (${v.former.length})</h3>
              ${membersTable('Former members', v.former, v, csrf, true)}`
          : ''
      }
      <h3 id="join">Add a member</h3>
      <form method="post" action="/communities/${v.doc.slug}/members" novalidate>
        ${csrfField(csrf)}
        ${textField({ name: 'name', label: 'Name', value: joinValues.name, errors: join, autocomplete: 'off' })}
        ${textField({ name: 'email', label: 'Email', type: 'email', value: joinValues.email, errors: join, autocomplete: 'off' })}
        ${selectField({
          name: 'siteId',
          label: 'Site (optional)',
          value: joinValues.siteId,
          errors: join,
          options: [{ value: '', label: 'none' }, ...sites],
        })}
        <button>Add the member</button>
      </form>
    </section>
    <section id="meetings">
      <h2>Meetings (${v.meetings.length})</h2>
      <h3>Upcoming (${upcoming.length})</h3>
      ${upcoming.length ? meetingsTable('Upcoming meetings', upcoming, v) : html`<p>No meeting is ahead.</p>`}
      <h3>Past (${past.length})</h3>
      ${
        past.length
          ? html`<p>Open a meeting to take its attendance and send its summary.</p>
              ${meetingsTable('Past meetings', past, v)}`
          : html`<p>No meeting has taken place yet.</p>`
      }
    </section>
    <section id="shares">
      <h2>Shares (${v.shares.length})</h2>
      <p>Barriers, solutions and innovations members share go out in the next digest.</p>
      ${v.shares.map(
        (s) =>
          html`<article class="notice" data-share="${s.n}">
            <h3>${s.title}</h3>
            <p><strong>${s.kind}</strong> · ${s.by} · ${when(s.at, zone)}</p>
            <p class="wrap">${s.text}</p>
          </article>`,
      )}
      ${v.shares.length ? '' : html`<p>Nothing has been shared yet.</p>`}
      <h3 id="share">Add a share</h3>
      ${
        v.members.length
          ? html`<form method="post" action="/communities/${v.doc.slug}/shares" novalidate>
              ${csrfField(csrf)}
              ${selectField({
                name: 'by',
                label: 'Shared by',
                value: shareValues.by,
                errors: share,
                options: v.members.map((m) => ({ value: m.email, label: `${m.name} (${m.email})` })),
              })}
              ${selectField({
                name: 'kind',
                label: 'Kind',
                value: shareValues.kind,
                errors: share,
                options: [
                  { value: '', label: 'choose' },
                  ...SHARE_KINDS.map((k) => ({ value: k, label: k })),
                ],
              })}
              ${textField({ name: 'title', label: 'Title', value: shareValues.title, errors: share, autocomplete: 'off' })}
              ${textareaField({ name: 'text', label: 'What is shared', value: shareValues.text, errors: share, rows: 4 })}
              <button>Add the share</button>
            </form>`
          : html`<p>Shares are a member's: add a member first.</p>`
      }
    </section>`;
}

function errorSummaryOf(problems: string[] | undefined): Html {
  return problems?.length
    ? html`<div class="errors" role="alert">
        <ul>
          ${problems.map((p) => html`<li>${p}</li>`)}
        </ul>
      </div>`
    : html``;
}

// ---- one meeting -----------------------------------------------------------------------------------

const ATTENDANCE_FIELDS: FieldSpec[] = [{ name: 'emails', label: 'Present' }];
const SUMMARY_FIELDS: FieldSpec[] = [{ name: 'text', label: 'Summary' }];

export function meetingPage(
  v: CommunityView,
  m: CommunityMeetingView,
  roles: CommunityRole[],
  csrf: string,
  flash: Flash,
): Html {
  const zone = v.doc.config.timeZone;
  const facilitator = roles.includes('facilitator');
  const att = errorsFor(flash, 'attendance', ATTENDANCE_FIELDS);
  const sum = errorsFor(flash, 'summary', SUMMARY_FIELDS);
  const ticked = new Set(flash.form === 'attendance' ? list(flash.values?.emails) : []);
  // Attendance adds to what was recorded: the form lists the members not yet recorded present.
  const people = v.members.filter((p) => !m.present.includes(p.email));
  const base = `/communities/${v.doc.slug}/meetings/${m.n + 1}`;
  return html`${errorSummary(flash.form === 'attendance' ? att : flash.form === 'summary' ? sum : undefined)}
    ${flash.done ? html`<div class="ok" role="status">${flash.done}</div>` : ''}
    <p>
      ${m.kind === 'in-person' ? `In person at ${m.venue ?? 'the venue'}` : html`Remote${m.link ? html`: <span class="wrap">${m.link}</span>` : ''}`},
      ${when(m.start, zone)} to ${when(m.end, zone)}.
    </p>
    <section id="attendance">
      <h2>Attendance</h2>
      ${
        !m.held
          ? html`<p>Attendance is taken once the meeting has begun.</p>`
          : html`<p data-testid="present">
                ${m.present.length ? `Present: ${m.present.length} (${m.present.join(', ')})` : 'No attendance recorded yet.'}
              </p>
              ${
                facilitator && people.length
                  ? html`<form method="post" action="${base}/attendance" novalidate>
                      ${csrfField(csrf)}
                      ${choiceGroup({
                        name: 'emails',
                        legend: 'Who was present',
                        type: 'checkbox',
                        errors: att,
                        options: people.map((p) => ({
                          value: p.email,
                          label: `${p.name} (${p.email})`,
                          checked: ticked.has(p.email),
                        })),
                      })}
                      <button>Record the attendance</button>
                    </form>`
                  : facilitator
                    ? html`<p>
                        ${v.members.length ? 'Every member is recorded present.' : 'No one has joined the community yet.'}
                      </p>`
                    : html`<p>Attendance is taken by the community's facilitators.</p>`
              }`
      }
    </section>
    <section id="summary">
      <h2>Summary</h2>
      ${
        m.summary
          ? html`<p class="wrap" data-testid="summary">${m.summary.text}</p>
              <p><small>Sent by ${m.summary.by} on ${when(m.summary.at, zone)}</small></p>`
          : !m.held
            ? html`<p>The summary is written once the meeting has taken place.</p>`
            : facilitator
              ? html`<p>The summary is emailed to the members once; it cannot be changed after.</p>
                  <form method="post" action="${base}/summary" novalidate>
                    ${csrfField(csrf)}
                    ${textareaField({
                      name: 'text',
                      label: 'Summary',
                      value: flash.form === 'summary' ? flash.values?.text : '',
                      errors: sum,
                      rows: 6,
                    })}
                    <button>Send the summary</button>
                  </form>`
              : html`<p>No summary yet: the facilitators write it.</p>`
      }
    </section>
    <p><a href="/communities/${v.doc.slug}#meetings">Back to the community</a></p>`;
}
