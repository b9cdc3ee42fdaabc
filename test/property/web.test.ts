/**
 * Issue #8, bad input at the web app, against the real stack (Temporal dev server, FerretDB, an
 * SMTP sink, the worker): a few thousand generated bad requests at every HTTP endpoint.
 *
 * - every POST under /api (API_ROUTES): random JSON, operator objects in each field, `__proto__`
 *   keys, huge strings, wrong types, arrays, form-encoded bodies with bracketed keys
 *   (`siteId[$gt]=x`), malformed JSON, wrong content types, no body, too large a body;
 * - every HTML form post (/signin, /launch, /c/:slug/<action>, /apply/:token, /team/:token/<action>)
 *   with a valid CSRF token, so the body reaches validation;
 * - signed-link routes with adversarial tokens (random, truncated, modified, expired, for another
 *   purpose or another collaborative), and GET pages with odd path parameters and queries.
 *
 * Every input sent is bad by the route's own schema (inputs the schema takes are left out, as
 * test/property/updates.test.ts does). The properties: no 5xx ever; every 4xx JSON answer carries a
 * non-empty `problems` list of clear messages (checks.ts `unclear`), every HTML answer to a bad form
 * shows its error list; the app keeps answering; the workflows' histories have no failed workflow
 * task and none of the bad payloads; and the collections the actions write hold nothing from them.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import YAML from 'yaml';
import * as ops from '../../app';
import { emailSchema } from '../../domain/common';
import { siteSchema } from '../../domain/sites';
import { launchConfigSchema } from '../../domain/config';
import { applicationSchema, callRegistrationSchema } from '../../domain/inputs';
import type { Measure } from '../../domain/metrics';
import { submissionSchema } from '../../domain/metrics';
import { milestoneNames } from '../../domain/schedule';
import { toInstant } from '../../domain/time';
import { signLink, type LinkClaims } from '../../security/links';
import { currentSchedule, type CollaborativeDoc } from '../../store/collaboratives';
import { COLLECTIONS } from '../../store/db';
import { upsertSites } from '../../store/sites';
import { ACTION_BODIES, ACTION_PATH, TEAM_BODIES, type ActionName } from '../../web/actions';
import { API_ROUTES } from '../../web/api';
import { csrfToken, SESSION_COOKIE } from '../../web/auth';
import { applicationFromForm, formFromApplication, submissionFromForm } from '../../web/pages/links';
import { teamWorkflowId } from '../../workflows';
import { compressedConfig } from '../helpers/configs';
import { devServerEnv, harness, type Harness } from '../helpers/env';
import { httpClient } from '../helpers/http';
import { applicationFor, piOf as pi, exampleSites as sites } from '../helpers/people';
import { waitFor } from '../helpers/wait';
import { serveWeb, signInByEmail, type ServedWeb } from '../helpers/web';
import {
  adversarialString,
  defineOwn,
  extraKey,
  MONGO_OPERATORS,
  mutated,
  operatorInEveryStringField,
  pollutingObject,
  randomJson,
} from './arbitraries';
import { dollarKeys, payloadTexts, prototypeKeys, strings, unclear } from './checks';

const KEY = 'property-web-signing-key-'.padEnd(48, 'z');
const BASE = 'http://web.test';
const SLUG = 'web-fuzz';
const COORD = 'coord.fuzz@network.example.org';
const ADMIN = 'admin.fuzz@network.example.org';
const FACULTY = 'faculty.fuzz@faculty.example.org';
const TEAM_MEMBER = applicationFor('bayview', pi('bayview')).coreTeam.contactPerson.email;
const CONTROL_FEEDBACK = 'Control feedback from the property test: a valid input still goes through.';

/** Generated inputs per route (fast-check samples; the schema-valid ones are left out). */
const JSON_PER_API_ROUTE = 110;
const FORMS_PER_API_ROUTE = 25;
const FORMS_PER_HTML_ROUTE = 70;
const JSON_PER_HTML_ROUTE = 15;
const ODD_PATHS_PER_PAGE = 25;
const IN_FLIGHT = 4;

type Form = Record<string, unknown>;
type Pairs = [string, string][];

// ---- what a request is, and what the server reads of it ------------------------------------------

interface Case {
  group: 'api' | 'form' | 'page' | 'query';
  route: string;
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** What the server reads (the parsed body, or the raw text): messages may quote it. */
  input: unknown;
  /** A rejection is required (odd queries on a page may also be answered 200). */
  mustReject: boolean;
}

/** Percent-encodes every byte but the unreserved ones (a lone surrogate becomes U+FFFD, as in a browser). */
function pct(s: string, keep = /[A-Za-z0-9\-_.~]/): string {
  return [...Buffer.from(s, 'utf8')]
    .map((b) => {
      const c = String.fromCharCode(b);
      return b < 128 && keep.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}
/** What the server reads of a string sent as UTF-8. */
const utf8 = (s: string) => Buffer.from(s, 'utf8').toString('utf8');

/** Raw pieces that break a urlencoded body in odd ways; the server reads them as extra keys. */
const FORM_GARBAGE = ['%zz=%E0%A4%A', '', '=v', 'k', 'a=%', '%=%%', 'x=1=2', '[]=1', '$gt=1'];

/** A urlencoded body (keys keep their brackets and `$`, as `siteId[$gt]=x`) and its parsed model. */
function formBody(pairs: Pairs, garbage: boolean): { body: string; model: Form } {
  const model: Form = {};
  for (const [k, v] of pairs) {
    const key = utf8(k);
    const prev = model[key];
    defineOwn(model, key, prev === undefined ? utf8(v) : [...(Array.isArray(prev) ? prev : [prev]), utf8(v)]);
  }
  let body = pairs.map(([k, v]) => `${pct(k, /[A-Za-z0-9\-_.~[\]$]/)}=${pct(v)}`).join('&');
  if (garbage) {
    body += `&${FORM_GARBAGE.join('&')}`;
    defineOwn(model, '\u0000garbage', 'extra keys');
  }
  return { body, model };
}

/** Bodies that never parse as what they claim to be, or claim no type we take. */
function rawBodies(sample: string): { what: string; type?: string; body?: string }[] {
  const deepArray = '['.repeat(100_000) + ']'.repeat(100_000);
  const deepObject = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
  return [
    { what: 'no body, no type' },
    { what: 'empty JSON', type: 'application/json', body: '' },
    { what: 'blank JSON', type: 'application/json', body: '  \n' },
    { what: 'truncated JSON', type: 'application/json', body: sample.slice(0, Math.ceil(sample.length / 2)) },
    { what: 'JSON with a trailing comma', type: 'application/json', body: '{"a":1,}' },
    { what: 'single quotes', type: 'application/json', body: "{'siteId': 'bayview'}" },
    { what: 'two documents', type: 'application/json', body: `${sample}${sample}` },
    { what: 'a bare word', type: 'application/json', body: 'undefined' },
    { what: 'NaN', type: 'application/json', body: 'NaN' },
    { what: 'a BOM first', type: 'application/json', body: `\ufeff${sample}` },
    { what: '__proto__ key', type: 'application/json', body: '{"__proto__":{"isAdmin":true}}' },
    {
      what: 'constructor.prototype key',
      type: 'application/json',
      body: '{"constructor":{"prototype":{"polluted":"yes"}}}',
    },
    { what: 'JSON nested 100,000 deep', type: 'application/json', body: deepArray },
    { what: 'objects nested 20,000 deep', type: 'application/json', body: deepObject },
    { what: 'too large', type: 'application/json', body: JSON.stringify({ a: 'x'.repeat(1_100_000) }) },
    { what: 'text/plain', type: 'text/plain', body: sample },
    { what: 'XML', type: 'application/xml', body: '<siteId>bayview</siteId>' },
    { what: 'multipart', type: 'multipart/form-data; boundary=xyz', body: `--xyz\r\n${sample}\r\n--xyz--` },
    { what: 'octet-stream', type: 'application/octet-stream', body: sample },
    { what: 'JSON in UTF-16', type: 'application/json; charset=utf-16', body: sample },
    { what: 'a list of types', type: 'application/json, text/plain', body: sample },
    { what: 'an empty type', type: '', body: sample },
    {
      what: 'objects that cannot be made strings',
      type: 'application/json',
      body: '{"siteId":{"toString":1,"valueOf":1},"config":{"toString":1},"email":{"toString":1}}',
    },
    { what: 'JSON sent as a form', type: 'application/x-www-form-urlencoded', body: sample },
    { what: 'a form sent as JSON', type: 'application/json', body: 'siteId[$gt]=&decision=accept' },
  ];
}

// ---- generators -------------------------------------------------------------------------------------

/** Keys of a form that nobody's form has: bracketed operators, prototype paths, near-misses. */
function formKey(keys: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc
      .tuple(fc.constantFrom(...keys), fc.constantFrom(...MONGO_OPERATORS, '', '0', '__proto__', 'toString'))
      .map(([k, op]) => `${k}[${op}]`),
    fc.constantFrom(
      '__proto__',
      '__proto__[isAdmin]',
      'constructor[prototype][polluted]',
      'constructor',
      'toString',
      '$where',
      'values.$gt',
      'values[__proto__]',
    ),
    extraKey.filter((k) => k !== '_csrf' && !keys.includes(k)),
  );
}

const formValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: adversarialString },
  {
    weight: 1,
    arbitrary: fc.constantFrom('[object Object]', '{"$gt":""}', 'true', 'yes', 'on', '1', '-1', '11', ''),
  },
);

type FormChange =
  | { kind: 'set' | 'dup'; key: string; value: string }
  | { kind: 'drop'; key: string }
  | { kind: 'add'; key: string; value: string }
  | { kind: 'bracket'; key: string; op: string; value: string };

/** A valid form with one to three changes, or random pairs. */
function badForms(valid: Record<string, string>): fc.Arbitrary<{ pairs: Pairs; garbage: boolean }> {
  const keys = Object.keys(valid);
  const change: fc.Arbitrary<FormChange> = fc.oneof(
    fc.record({
      kind: fc.constantFrom('set' as const, 'dup' as const),
      key: fc.constantFrom(...keys),
      value: formValue,
    }),
    fc.record({ kind: fc.constant('drop' as const), key: fc.constantFrom(...keys) }),
    fc.record({ kind: fc.constant('add' as const), key: formKey(keys), value: formValue }),
    fc.record({
      kind: fc.constant('bracket' as const),
      key: fc.constantFrom(...keys),
      op: fc.constantFrom(...MONGO_OPERATORS, ''),
      value: formValue,
    }),
  );
  const apply = (changes: FormChange[]): Pairs =>
    changes.reduce<Pairs>((pairs, c) => {
      switch (c.kind) {
        case 'set':
          return pairs.map(([k, v]) => [k, k === c.key ? c.value : v]);
        case 'dup':
          return [...pairs, [c.key, c.value]];
        case 'drop':
          return pairs.filter(([k]) => k !== c.key);
        case 'add':
          return [...pairs, [c.key, c.value]];
        case 'bracket':
          return pairs.map(([k, v]) => (k === c.key ? [`${k}[${c.op}]`, c.value] : [k, v]));
      }
    }, Object.entries(valid));
  return fc.record({
    pairs: fc.oneof(
      { weight: 5, arbitrary: fc.array(change, { minLength: 1, maxLength: 3 }).map(apply) },
      { weight: 1, arbitrary: fc.array(fc.tuple(formKey(keys), formValue), { maxLength: 6 }) },
    ),
    garbage: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
  });
}

/** Bad JSON bodies like `valid`: near-misses, random JSON, prototype keys; then the JSON round trip. */
function badJson(valid: unknown): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: mutated(valid) },
    { weight: 2, arbitrary: randomJson },
    {
      weight: 1,
      arbitrary: pollutingObject.map((p) => {
        const o = { ...(valid as Form) };
        for (const k of Object.keys(p)) defineOwn(o, k, p[k]);
        return o;
      }),
    },
  );
}

/** What a handler does with the body of a form post: drops `_csrf` (and reads a non-object as no fields). */
function withoutCsrf(b: unknown): Form {
  const { _csrf, ...rest } = (b ?? {}) as Form;
  void _csrf;
  return rest;
}
const plainObject = (b: unknown): Form =>
  b && typeof b === 'object' && !Array.isArray(b) ? (b as Form) : {};
const rejects = (f: () => boolean): boolean => {
  try {
    return f();
  } catch {
    return true;
  }
};

// ---- the test -----------------------------------------------------------------------------------------

describe('the web app refuses generated bad input at every endpoint (real stack)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let web: ServedWeb;
  let origin: string;
  let doc: CollaborativeDoc;
  const sessions: Record<string, { token: string; csrf: string }> = {};
  const sent: Case[] = [];

  const signIn = (email: string) => signInByEmail(web, h, KEY, email, BASE);

  beforeAll(async () => {
    env = await devServerEnv();
    h = await harness(env, 'prop_web');
    h.startWorker();
    await upsertSites(h.db, sites);
    // Applications close after 24 s: bayview applies and is accepted, so a team workflow runs.
    const config = compressedConfig(SLUG, Date.now(), {
      info: 0.2,
      close: 0.4,
      decisions: 0.6,
      prework: 0.7,
      ls: 0.8,
      end: 45 * 24 * 60,
    });
    config.sites = ['bayview', 'harbor'];
    config.faculty = [{ name: 'Dr. Faculty', email: FACULTY }];
    config.coordinators = [{ name: 'Coordinator', email: COORD }];
    await ops.launch(env.client, h.db, h.taskQueue, config);
    await waitFor('the record', async () =>
      (await h.db.collection('collaboratives').findOne({ slug: SLUG })) ? true : undefined,
    );
    web = await serveWeb(env, h, {
      key: KEY,
      baseUrl: BASE,
      rateLimits: { signin: 1_000_000, links: 1_000_000 },
      admins: [ADMIN],
    });
    origin = web.origin;
    await waitFor('the application of bayview', () =>
      ops.submitApplication(env.client, SLUG, applicationFor('bayview', pi('bayview'))),
    );
    sessions[COORD] = await signIn(COORD);
    sessions[FACULTY] = await signIn(FACULTY);
    sessions[ADMIN] = await signIn(ADMIN);
    await waitFor(
      'the decision on bayview',
      () => ops.recordDecision(env.client, SLUG, { siteId: 'bayview', decision: 'accept', by: FACULTY }),
      60_000,
    );
    await waitFor('the team of bayview', async () =>
      (await env.client.workflow.getHandle(teamWorkflowId(SLUG, 'bayview')).describe()).status.name ===
      'RUNNING'
        ? true
        : undefined,
    );
    doc = (await h.db.collection<CollaborativeDoc>('collaboratives').findOne({ slug: SLUG }))!;
  }, 120_000);
  afterAll(async () => {
    await web?.app.close();
    await h?.close();
    await env?.teardown();
  });

  /** Every endpoint's bad inputs, built once the collaborative is running. */
  function cases(): Case[] {
    const out: Case[] = [];
    const now = Date.now();
    const tz = doc.config.timeZone;
    const measures: Measure[] = doc.config.metrics?.measures ?? [];
    const schedule = currentSchedule(doc);
    const names: string[] = milestoneNames(schedule);
    const period = schedule.periods[0]!.id;
    const applyToken = signLink(KEY, {
      p: 'apply',
      e: pi('harbor'),
      c: SLUG,
      s: 'harbor',
      x: now + 3_600_000,
    });
    const teamToken = signLink(KEY, { p: 'team', e: TEAM_MEMBER, c: SLUG, s: 'bayview', x: now + 3_600_000 });
    const bearer = (who: string) => ({ authorization: `Bearer ${sessions[who]!.token}` });
    const cookie = (who: string) => ({
      cookie: `${SESSION_COOKIE}=${sessions[who]!.token}`,
      'x-csrf-token': sessions[who]!.csrf,
    });

    /** An action's body is bad when its zod body rejects it, or what the action checks next does. */
    const actionBad = (name: ActionName) => (b: unknown) =>
      rejects(() => {
        const r = ACTION_BODIES[name].safeParse(b ?? {});
        if (!r.success) return true;
        if (name === 'cancel') return (r.data as { confirm?: string }).confirm !== 'yes';
        if (name === 'withdraw') {
          const confirm = (r.data as { confirm?: string | boolean }).confirm;
          return confirm !== 'yes' && confirm !== true;
        }
        if (name === 'reschedule') {
          const d = r.data as { milestone: string; date: string };
          return !toInstant(d.date.trim(), tz) || !names.includes(ops.milestoneFromName(d.milestone));
        }
        return false;
      });
    const launchTextBad = (text: string) =>
      rejects(
        () =>
          !text.trim() ||
          !launchConfigSchema.safeParse(ops.parseStructuredText(text, 'the launch config')).success,
      );
    const validConfig = compressedConfig('fuzz-launch', now, { close: 60, decisions: 70, ls: 80, end: 600 });
    validConfig.coordinators = [{ name: 'Coordinator', email: COORD }];
    const validApplication = applicationFor('harbor', pi('harbor')) as Form;
    const { siteId: _s, submittedBy: _b, ...applyBody } = validApplication;
    void _s;
    void _b;
    const validSubmission = { period, values: { children_served: 12, fidelity: 85, cds_used: true } };

    interface PostSpec {
      url: string;
      headers: Record<string, string>;
      /** The body as JSON, and as the page's form (strings). */
      json: unknown;
      form: Record<string, string>;
      bad(parsed: unknown): boolean;
    }
    const action = (name: ActionName, who: string, json: Form, auth: 'bearer' | 'cookie'): PostSpec => ({
      url: '',
      headers: auth === 'bearer' ? bearer(who) : cookie(who),
      json,
      form: Object.fromEntries(
        Object.entries(json).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]),
      ),
      bad: actionBad(name),
    });
    const ACTIONS: Record<ActionName, [string, Form]> = {
      decide: [FACULTY, { siteId: 'bayview', decision: 'waitlist', notes: 'On reflection.' }],
      reschedule: [COORD, { milestone: 'end', date: '2099-01-01' }],
      cancel: [COORD, { reason: 'Funding withdrawn', confirm: 'yes' }],
      attendance: [FACULTY, { siteId: 'bayview', session: 0, present: [TEAM_MEMBER], absent: [] }],
      feedback: [FACULTY, { siteId: 'bayview', text: 'Good progress on the narratives.' }],
      withdraw: [COORD, { siteId: 'bayview', reason: 'Staff left', confirm: 'yes' }],
      addFaculty: [COORD, { name: 'Dr. Rae Okafor', email: 'rae.okafor@faculty.example.org' }],
      addSite: [COORD, { siteId: 'harbor' }],
    };

    // The API: every POST route of API_ROUTES, each with its spec.
    const apiSpecs = new Map<string, PostSpec>();
    apiSpecs.set('/api/collaboratives', {
      url: '/api/collaboratives',
      headers: bearer(COORD),
      json: validConfig,
      form: { slug: 'fuzz-launch', title: 'A launch' },
      bad: (b) => rejects(() => !launchConfigSchema.safeParse(b).success),
    });
    for (const name of Object.keys(ACTIONS) as ActionName[]) {
      const [who, json] = ACTIONS[name];
      const spec = action(
        name,
        who,
        json,
        name === 'reschedule' || name === 'attendance' ? 'cookie' : 'bearer',
      );
      apiSpecs.set(`/api/collaboratives/{slug}/${ACTION_PATH[name]}`, {
        ...spec,
        url: `/api/collaboratives/${SLUG}/${ACTION_PATH[name]}`,
      });
    }
    apiSpecs.set('/api/apply/{token}', {
      url: `/api/apply/${applyToken}`,
      headers: {},
      json: applyBody,
      form: formFromApplication(validApplication as never) as Record<string, string>,
      bad: (b) =>
        !applicationSchema.safeParse({ ...plainObject(b), siteId: 'harbor', submittedBy: pi('harbor') })
          .success,
    });
    // A PI registers someone of their site for a call (numbered from 1 in the address).
    apiSpecs.set('/api/apply/{token}/calls/{call}', {
      url: `/api/apply/${applyToken}/calls/1`,
      headers: {},
      json: { name: 'Dr. Grace Lee', email: pi('harbor') },
      form: { name: 'Dr. Grace Lee', email: pi('harbor') },
      bad: (b) => !callRegistrationSchema.safeParse({ ...plainObject(b), call: 0, siteId: 'harbor' }).success,
    });
    apiSpecs.set('/api/team/{token}/metrics', {
      url: `/api/team/${teamToken}/metrics`,
      headers: {},
      json: validSubmission,
      form: { period, 'values.children_served': '12' },
      bad: (b) => !submissionSchema.safeParse({ ...plainObject(b), by: TEAM_MEMBER }).success,
    });
    apiSpecs.set('/api/team/{token}/attendance', {
      url: `/api/team/${teamToken}/attendance`,
      headers: {},
      json: { session: 0, present: [TEAM_MEMBER] },
      form: { session: '0', present: TEAM_MEMBER },
      bad: (b) => !TEAM_BODIES.attendance.safeParse(plainObject(b)).success,
    });
    apiSpecs.set('/api/team/{token}/prework', {
      url: `/api/team/${teamToken}/prework`,
      headers: {},
      json: { item: 'checklist' },
      form: { item: 'checklist' },
      bad: (b) => !TEAM_BODIES.prework.safeParse(plainObject(b)).success,
    });
    // The network directory (administrators): the app reads a blank optional field as absent.
    const siteBad = (schema: { safeParse(x: unknown): { success: boolean } }) => (b: unknown) =>
      !schema.safeParse(ops.withoutBlanks(b)).success;
    const site = {
      name: 'Fuzz Site',
      piName: 'Dr. Fuzz',
      piEmail: 'fuzz.pi@fuzz.example.org',
      timeZone: 'America/New_York',
    };
    const siteSpec = (url: string, json: Form, bad: (b: unknown) => boolean): PostSpec => ({
      url,
      headers: bearer(ADMIN),
      json,
      form: Object.fromEntries(Object.entries(json).map(([k, v]) => [k, String(v)])),
      bad,
    });
    apiSpecs.set('/api/sites', siteSpec('/api/sites', { siteId: 'fuzz-new', ...site }, siteBad(siteSchema)));
    apiSpecs.set('/api/sites/{siteId}', siteSpec('/api/sites/bayview', site, siteBad(ops.siteEditSchema)));
    apiSpecs.set(
      '/api/sites/{siteId}/active',
      siteSpec(
        '/api/sites/harbor/active',
        { active: true },
        (b) => !ops.siteActiveSchema.safeParse(b).success,
      ),
    );
    apiSpecs.set(
      '/api/sites/import',
      siteSpec(
        '/api/sites/import',
        {
          text: 'site_id,name,pi_name,pi_email\nfuzz-2,Fuzz Two,Dr. Two,two@fuzz.example.org\n',
          format: 'csv',
        },
        (b) => !ops.siteImportSchema.safeParse(b).success,
      ),
    );
    const posts = API_ROUTES.filter((r) => r.method === 'POST').map((r) => r.path);
    expect(posts.filter((p) => !apiSpecs.has(p))).toEqual([]); // a new route needs its spec here

    // The pages' forms, with the CSRF token the page would have put in them.
    const htmlSpecs = new Map<string, PostSpec & { csrf: string }>();
    htmlSpecs.set('/signin', {
      url: '/signin',
      headers: {},
      csrf: '',
      json: { email: FACULTY },
      form: { email: FACULTY },
      bad: (b) => !emailSchema.safeParse((b as Form | null | undefined)?.email).success,
    });
    htmlSpecs.set('/launch', {
      url: '/launch',
      headers: { cookie: cookie(COORD).cookie },
      csrf: sessions[COORD]!.csrf,
      json: { config: YAML.stringify(validConfig) },
      form: { config: YAML.stringify(validConfig) },
      bad: (b) => rejects(() => launchTextBad(String((b as Form).config ?? ''))),
    });
    for (const name of Object.keys(ACTIONS) as ActionName[]) {
      const [who, json] = ACTIONS[name];
      const spec = action(name, who, json, 'cookie');
      htmlSpecs.set(`/c/:slug/${ACTION_PATH[name]}`, {
        ...spec,
        url: `/c/${SLUG}/${ACTION_PATH[name]}`,
        headers: { cookie: spec.headers.cookie! },
        csrf: sessions[who]!.csrf,
        bad: (b) => actionBad(name)(withoutCsrf(b)),
      });
    }
    htmlSpecs.set('/apply/:token', {
      url: `/apply/${applyToken}`,
      headers: {},
      csrf: csrfToken(KEY, applyToken),
      json: formFromApplication(validApplication as never),
      form: formFromApplication(validApplication as never) as Record<string, string>,
      bad: (b) =>
        rejects(
          () =>
            !applicationSchema.safeParse(applicationFromForm(withoutCsrf(b), 'harbor', pi('harbor'))).success,
        ),
    });
    const teamForms: Record<string, [Record<string, string>, (b: Form) => boolean]> = {
      metrics: [
        {
          period,
          'values.children_served': '12',
          'values.fidelity': '85',
          'values.cds_used': 'yes',
          'values.notes': '',
        },
        (b) => !submissionSchema.safeParse(submissionFromForm(b, measures, TEAM_MEMBER)).success,
      ],
      attendance: [
        { session: '0', present: TEAM_MEMBER },
        (b) => !TEAM_BODIES.attendance.safeParse(b).success,
      ],
      prework: [{ item: 'baseline' }, (b) => !TEAM_BODIES.prework.safeParse(b).success],
    };
    for (const [name, [form, bad]] of Object.entries(teamForms))
      htmlSpecs.set(`/team/:token/${name}`, {
        url: `/team/${teamToken}/${name}`,
        headers: {},
        csrf: csrfToken(KEY, teamToken),
        json: form,
        form,
        bad: (b) => rejects(() => bad(withoutCsrf(b))),
      });

    let seed = 7000;
    const sample = <T>(arb: fc.Arbitrary<T>, n: number): T[] => fc.sample(arb, { numRuns: n, seed: seed++ });

    /** JSON bodies the route must refuse: the server reads them after the JSON round trip. */
    const jsonCases = (
      group: Case['group'],
      route: string,
      spec: PostSpec,
      n: number,
      extra: Record<string, string>,
    ) => {
      const seen = new Set<string>();
      const candidates = [
        ...operatorInEveryStringField(spec.json).map((o) => o.input),
        ...sample(badJson(spec.json), n * 3),
      ];
      let taken = 0;
      for (const x of candidates) {
        const text = JSON.stringify(x);
        if (text === undefined || text.length > 1_500_000 || seen.has(text)) continue;
        const parsed: unknown = JSON.parse(text);
        // A prototype key is refused by the JSON parser itself; otherwise the route's schema decides.
        if (!prototypeKeys(parsed).length && !spec.bad(parsed)) continue;
        seen.add(text);
        out.push({
          group,
          route,
          method: 'POST',
          url: spec.url,
          headers: { ...spec.headers, ...extra, 'content-type': 'application/json' },
          body: text,
          input: parsed,
          mustReject: true,
        });
        if (++taken >= n) break;
      }
    };
    /** Form bodies the route must refuse, with the page's `_csrf` first when it has one. */
    const formCases = (group: Case['group'], route: string, spec: PostSpec, n: number, csrf?: string) => {
      let taken = 0;
      for (const { pairs, garbage } of sample(badForms(spec.form), n * 3)) {
        const { body, model } = formBody(csrf ? [['_csrf', csrf], ...pairs] : pairs, garbage);
        if (!spec.bad(model)) continue;
        out.push({
          group,
          route,
          method: 'POST',
          url: spec.url,
          headers: { ...spec.headers, 'content-type': 'application/x-www-form-urlencoded' },
          body,
          input: model,
          mustReject: true,
        });
        if (++taken >= n) break;
      }
    };
    const rawCases = (group: Case['group'], route: string, spec: PostSpec, extra: Record<string, string>) => {
      // The sample is bad too (an operator in every field): a parser's leniency must not let it through.
      const badSample = JSON.stringify(
        Object.fromEntries(Object.keys(spec.json as Form).map((k) => [k, { $gt: '' }])),
      );
      for (const r of rawBodies(badSample)) {
        const headers: Record<string, string> = { ...spec.headers, ...extra };
        if (r.type !== undefined) headers['content-type'] = r.type;
        out.push({
          group,
          route: `${route} (${r.what})`,
          method: 'POST',
          url: spec.url,
          headers,
          body: r.body,
          input: r.body ?? '',
          mustReject: true,
        });
      }
    };

    for (const [route, spec] of apiSpecs) {
      jsonCases('api', `POST ${route}`, spec, JSON_PER_API_ROUTE, {});
      formCases('api', `POST ${route}`, spec, FORMS_PER_API_ROUTE);
      rawCases('api', `POST ${route}`, spec, {});
    }
    for (const [route, spec] of htmlSpecs) {
      formCases('form', `POST ${route}`, spec, FORMS_PER_HTML_ROUTE, spec.csrf || undefined);
      // A script may post JSON to a page's form route: the token then travels in the header.
      const csrfHeader: Record<string, string> = spec.csrf ? { 'x-csrf-token': spec.csrf } : {};
      jsonCases('form', `POST ${route}`, spec, JSON_PER_HTML_ROUTE, csrfHeader);
      rawCases('form', `POST ${route}`, spec, csrfHeader);
    }
    // YAML that breaks its parser, pasted into the launch form.
    const launch = htmlSpecs.get('/launch')!;
    for (const text of [
      'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
      'a: *nowhere',
      '- &x [*x]',
      'slug: &s {a: *s}',
      '['.repeat(50_000),
      '{'.repeat(50_000),
      '- '.repeat(20_000) + 'x',
      '!!js/function "return process"',
      '__proto__: {isAdmin: true}\nslug: x',
      'slug: x\nslug: y',
      '%YAML 9.9\n---\nx',
      '? [a, b]\n: c',
      '\t\u0000',
    ]) {
      const { body, model } = formBody(
        [
          ['_csrf', launch.csrf],
          ['config', text],
        ],
        false,
      );
      out.push({
        group: 'form',
        route: 'POST /launch (YAML)',
        method: 'POST',
        url: '/launch',
        headers: { ...launch.headers, 'content-type': 'application/x-www-form-urlencoded' },
        body,
        input: model,
        mustReject: true,
      });
    }

    // Tokens that are not a valid link of the route's kind.
    const signin = signLink(KEY, { p: 'signin', e: FACULTY, x: now + 600_000, n: 'never-issued' });
    const claims = (p: LinkClaims['p'], o: Partial<LinkClaims> = {}) =>
      signLink(KEY, { p, e: TEAM_MEMBER, c: SLUG, s: 'bayview', x: now + 3_600_000, ...o });
    const flip = (t: string, i: number) => t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
    const tokensFor = (purpose: 'apply' | 'team' | 'signin', good: string): string[] => [
      ...sample(fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.'), maxLength: 120 }), 6),
      ...sample(
        adversarialString.filter((s) => s.length < 1_500 && s !== '.' && s !== '..'),
        6,
      ).map((s) => pct(s)),
      good.slice(0, good.length - 1),
      good.slice(0, good.indexOf('.')),
      good.slice(0, good.indexOf('.') + 1),
      good.slice(1),
      `${good}.x`,
      `${good}${good}`,
      flip(good, 5),
      flip(good, good.length - 3),
      flip(good, good.indexOf('.') + 2),
      ...(['apply', 'team', 'signin', 'session'] as const)
        .filter((p) => p !== purpose)
        .map((p) => claims(p, { n: 'n' })),
      claims(purpose, { x: now - 1_000 }),
      claims(purpose, { c: 'no-such-collaborative' }),
      'a'.repeat(3_000),
      `${'A'.repeat(4_100)}.${good.split('.')[1]}`,
    ];
    const tokenCase = (
      route: string,
      url: string,
      method: 'GET' | 'POST',
      group: Case['group'],
      token: string,
      body?: { json?: unknown; csrf?: boolean },
    ) => {
      const headers: Record<string, string> = {};
      let text: string | undefined;
      if (body?.json !== undefined) {
        headers['content-type'] = 'application/json';
        text = JSON.stringify(body.json);
      } else if (body?.csrf) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        text = formBody(
          [
            ['_csrf', csrfToken(KEY, token)],
            ['readiness', 'x'],
          ],
          false,
        ).body;
      }
      out.push({ group, route, method, url, headers, body: text, input: token, mustReject: true });
    };
    for (const t of tokensFor('apply', applyToken)) {
      tokenCase('GET /apply/:token (token)', `/apply/${t}`, 'GET', 'page', t);
      tokenCase('POST /apply/:token (token)', `/apply/${t}`, 'POST', 'form', t, { csrf: true });
      tokenCase('POST /api/apply/{token} (token)', `/api/apply/${t}`, 'POST', 'api', t, { json: applyBody });
    }
    for (const t of tokensFor('team', teamToken)) {
      tokenCase('GET /team/:token (token)', `/team/${t}`, 'GET', 'page', t);
      for (const name of ['metrics', 'attendance', 'prework']) {
        tokenCase(`POST /team/:token/${name} (token)`, `/team/${t}/${name}`, 'POST', 'form', t, {
          csrf: true,
        });
        tokenCase(`POST /api/team/{token}/${name} (token)`, `/api/team/${t}/${name}`, 'POST', 'api', t, {
          json: apiSpecs.get(`/api/team/{token}/${name}`)!.json,
        });
      }
    }
    for (const t of tokensFor('signin', signin)) {
      tokenCase('GET /signin/:token (token)', `/signin/${t}`, 'GET', 'page', t);
      tokenCase('POST /signin/:token (token)', `/signin/${t}`, 'POST', 'page', t);
    }

    // Pages with odd path parameters: never a collaborative of ours.
    const odd = [
      ...sample(
        adversarialString.filter((s) => s.length < 2_000 && !/^\.{1,2}$/.test(s)),
        ODD_PATHS_PER_PAGE,
      ).map((s) => pct(s)),
      '%',
      '%zz',
      '%E0%A4%A',
      '%00',
      '%C0%AE%C0%AE',
      '%FF%FE',
      'a%2Fb',
      '%25',
      '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '$gt',
      '%7B%22$gt%22:%22%22%7D',
      '__proto__',
      'constructor',
      'web-fuzz%00',
      'WEB-FUZZ',
      `${SLUG}-`,
      'a'.repeat(64),
      'a'.repeat(3_000),
    ];
    const pages: [string, Record<string, string>][] = [
      ['/c/{x}', { cookie: cookie(FACULTY).cookie }],
      ['/api/collaboratives/{x}', bearer(COORD)],
      ['/api/collaboratives/{x}/applications', bearer(FACULTY)],
      ['/api/collaboratives/{x}/compliance', bearer(COORD)],
      ['/api/collaboratives/{x}/emails', bearer(COORD)],
    ];
    for (const [page, headers] of pages)
      for (const x of odd)
        out.push({
          group: 'page',
          route: `GET ${page}`,
          method: 'GET',
          url: page.replace('{x}', x),
          headers,
          input: decodeURIComponentSafe(x),
          mustReject: true,
        });

    // Odd queries on real pages: answered (200) or refused with a message, never a crash.
    const queries = sample(
      fc.tuple(
        formValue.filter((s) => s.length < 2_000),
        formKey(['limit', 'status', 'to', 'purpose', 'period', 'done']),
      ),
      40,
    );
    for (const [v, k] of queries) {
      const q = `${pct(k, /[A-Za-z0-9\-_.~[\]$]/)}=${pct(v)}`;
      out.push({
        group: 'query',
        route: 'GET /team/:token?query',
        method: 'GET',
        url: `/team/${teamToken}?period=${pct(v)}&${q}`,
        headers: {},
        input: v,
        mustReject: false,
      });
      out.push({
        group: 'query',
        route: 'GET /c/:slug?query',
        method: 'GET',
        url: `/c/${SLUG}?done=${pct(v)}&${q}`,
        headers: { cookie: cookie(COORD).cookie },
        input: v,
        mustReject: false,
      });
      for (const f of ['limit', 'status', 'purpose', 'to'])
        out.push({
          group: 'query',
          route: 'GET /api/collaboratives/{slug}/emails?query',
          method: 'GET',
          url: `/api/collaboratives/${SLUG}/emails?${f}=${pct(v)}&${q}`,
          headers: bearer(COORD),
          input: v,
          mustReject: false,
        });
    }
    return out;
  }

  it('answers every bad request with a 4xx and a clear message, and never crashes', async () => {
    const all = cases();
    const failures: string[] = [];
    const byGroup = new Map<
      Case['group'],
      { inputs: number; rejected: number; answered: number; statuses: Map<number, number> }
    >();
    const started = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < all.length) {
        const c = all[next++]!;
        sent.push(c);
        const t = byGroup.get(c.group) ?? {
          inputs: 0,
          rejected: 0,
          answered: 0,
          statuses: new Map<number, number>(),
        };
        byGroup.set(c.group, t);
        t.inputs++;
        const res = await fetch(origin + c.url, {
          method: c.method,
          headers: c.headers,
          body: c.body,
          redirect: 'manual',
        }).catch((err: Error) => {
          throw new Error(
            `${c.route} ${c.method} ${c.url.slice(0, 120)}: ${err.message} (${String((err as { cause?: unknown }).cause)}); body sent: ${(c.body ?? '').slice(0, 300)}`,
          );
        });
        let text = await res.text();
        t.statuses.set(res.status, (t.statuses.get(res.status) ?? 0) + 1);
        let why: string | undefined;
        if (res.status === 303 && c.group === 'form') {
          // Post/redirect/get: the form's page, opened as the browser would (its cookies and the
          // flash cookie the redirect set), must show the problems.
          const flash = /^lc_flash=([^;]*)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
          const shown = await fetch(origin + (res.headers.get('location') ?? '').replace(/#.*$/, ''), {
            headers: {
              cookie: [c.headers.cookie, flash ? `lc_flash=${flash}` : ''].filter(Boolean).join('; '),
            },
            redirect: 'manual',
          });
          text = await shown.text();
          why = judgeShownForm(c, shown.status, text);
        } else why = judge(c, res.status, res.headers.get('content-type') ?? '', text);
        if (why) {
          failures.push(
            `${c.route} ${c.method} ${c.url.slice(0, 120)} → ${res.status}: ${why}\n    body sent: ${(c.body ?? '').slice(0, 200)}\n    answer: ${text.slice(0, 300)}`,
          );
          // LC_DEBUG_WEB=1 prints each wrong answer as it happens (the expectation shows the first 15).
          if (process.env.LC_DEBUG_WEB) process.stdout.write(`[debug] ${failures[failures.length - 1]}\n`);
          // A form's post is refused by the redirect to its page, which shows the problems.
        } else if (res.status >= 400 || (res.status === 303 && c.group === 'form')) t.rejected++;
        else t.answered++;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    const counts = (m: Map<number, number>) =>
      [...m]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}: ${n}`)
        .join(', ');
    const label = {
      api: 'web API (POST /api/*)',
      form: 'web forms',
      page: 'web pages (odd paths and links)',
    };
    let total = 0;
    let rejected = 0;
    const statuses = new Map<number, number>();
    for (const g of ['api', 'form', 'page'] as const) {
      const t = byGroup.get(g)!;
      total += t.inputs;
      rejected += t.rejected;
      for (const [s, n] of t.statuses) statuses.set(s, (statuses.get(s) ?? 0) + n);
      process.stdout.write(
        `[property] ${label[g]}: ${t.inputs} inputs, ${t.rejected} rejected with a message (${counts(t.statuses)})\n`,
      );
    }
    const q = byGroup.get('query')!;
    process.stdout.write(
      `[property] web pages (odd queries): ${q.inputs} inputs, ${q.answered} answered, ${q.rejected} rejected with a message (${counts(q.statuses)})\n`,
    );
    process.stdout.write(
      `[property] web (every endpoint): ${total} inputs, ${rejected} rejected with a message (${counts(statuses)}); ${failures.length} wrong answers; ${Math.round((Date.now() - started) / 1000)} s\n`,
    );
    expect(failures.slice(0, 15)).toEqual([]);
    expect(total).toBeGreaterThan(2_500);
  }, 240_000);

  it('keeps answering, and still takes a good input', async () => {
    const call = httpClient(origin);
    expect((await call({ url: '/healthz' })).statusCode).toBe(200);
    expect((await call({ url: '/readyz' })).statusCode).toBe(200);
    expect(
      (await call({ url: `/c/${SLUG}`, cookie: { [SESSION_COOKIE]: sessions[FACULTY]!.token } })).statusCode,
    ).toBe(200);
    const ok = await call({
      method: 'POST',
      url: `/api/collaboratives/${SLUG}/feedback`,
      headers: { authorization: `Bearer ${sessions[FACULTY]!.token}` },
      payload: { siteId: 'bayview', text: CONTROL_FEEDBACK },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ done: 'Feedback sent to bayview.' });
  });

  it('lets no bad input into a workflow history or the database', async () => {
    expect(sent.length).toBeGreaterThan(2_500);
    // What only a bad input could have brought: its strings (40 code points of each, 12 at least).
    const known = new Set(
      strings([doc, applicationFor('bayview', pi('bayview')), applicationFor('harbor', pi('harbor'))]),
    );
    const markers = new Set<string>();
    for (const c of sent)
      for (const s of strings(c.input))
        if (s.length >= 12 && !known.has(s) && s !== CONTROL_FEEDBACK)
          markers.add([...s].slice(0, 40).join(''));
    const quoted = [...markers].map((m) => JSON.stringify(m).slice(1, -1));

    let events = 0;
    for (const id of [`lc/${SLUG}`, teamWorkflowId(SLUG, 'bayview')]) {
      const wf = env.client.workflow.getHandle(id);
      expect((await wf.describe()).status.name).toBe('RUNNING');
      const history = (await wf.fetchHistory()).events ?? [];
      events += history.length;
      expect(history.filter((e) => e.workflowTaskFailedEventAttributes)).toEqual([]);
      const texts = payloadTexts(history);
      for (const t of texts) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(t);
        } catch {
          parsed = undefined;
        }
        expect({ id, dollarKeys: dollarKeys(parsed) }).toEqual({ id, dollarKeys: [] });
      }
      const found = quoted.filter((q) => texts.some((t) => t.includes(q)));
      expect({ id, found: found.slice(0, 10) }).toEqual({ id, found: [] });
      if (id === `lc/${SLUG}`) expect(texts.some((t) => t.includes(CONTROL_FEEDBACK))).toBe(true); // the control
    }

    const written = [
      COLLECTIONS.applications,
      COLLECTIONS.feedback,
      COLLECTIONS.attendance,
      COLLECTIONS.metrics,
      COLLECTIONS.prework,
      COLLECTIONS.collaboratives,
      COLLECTIONS.teams,
    ];
    const counts: Record<string, number> = {};
    for (const name of written) {
      const docs = await h.db.collection(name).find({}).toArray();
      counts[name] = docs.length;
      expect({ name, dollarKeys: docs.flatMap((d) => dollarKeys(d)) }).toEqual({ name, dollarKeys: [] });
      const text = docs.map((d) => JSON.stringify(d)).join('\n');
      expect({ name, found: quoted.filter((q) => text.includes(q)).slice(0, 10) }).toEqual({
        name,
        found: [],
      });
    }
    // Only the good inputs: bayview's application and its acceptance, the control feedback, one collaborative.
    const apps = await h.db.collection(COLLECTIONS.applications).find({}).toArray();
    expect(apps.map((a) => [a.siteId, a.version, a.decision?.decision, a.decision?.by])).toEqual([
      ['bayview', 1, 'accept', FACULTY],
    ]);
    expect(counts).toMatchObject({
      [COLLECTIONS.feedback]: 1,
      [COLLECTIONS.attendance]: 0,
      [COLLECTIONS.metrics]: 0,
      [COLLECTIONS.prework]: 0,
      [COLLECTIONS.collaboratives]: 1,
    });
    process.stdout.write(
      `[property] web: 2 histories (${events} events), 0 workflow tasks failed; ${quoted.length} strings of ${sent.length} bad requests looked for in histories and ${written.length} collections, none present, no "$" keys\n`,
    );
  });
});

/** Why an answer to a bad request is wrong, or undefined when it is right. */
function judge(c: Case, status: number, type: string, text: string): string | undefined {
  if (status >= 500) return 'a server error';
  if (status < 400) {
    if (!c.mustReject && status === 200) return undefined;
    return 'a bad input was not refused';
  }
  if (status === 429) return 'rate-limited (raise the limits)';
  if (type.startsWith('application/json')) {
    let problems: unknown;
    try {
      problems = (JSON.parse(text) as { problems?: unknown }).problems;
    } catch {
      return 'a JSON answer that is not JSON';
    }
    if (!Array.isArray(problems) || !problems.length) return 'no problems listed';
    return unclearOnes(problems, c.input, status === 422);
  }
  if (type.startsWith('text/html')) {
    if (status !== 422)
      return /class="errors"/.test(text) ? undefined : 'an HTML refusal without its message';
    const list = /<div class="errors" role="alert">([\s\S]*?)<\/div>/.exec(text);
    if (!list) return 'an HTML answer to a bad form without its error list';
    const problems = [...list[1]!.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => unescapeHtml(m[1]!).trim());
    if (!problems.length) return 'an empty error list';
    return unclearOnes(problems, c.input, true);
  }
  return `an answer of type "${type}"`;
}

/**
 * Why the page a bad form's redirect leads to is wrong: it must show the error summary, and each
 * problem in it must be clear; one linked to its field may leave the field's name out (the link
 * and the label name it), any other must name what it is about.
 */
function judgeShownForm(c: Case, status: number, text: string): string | undefined {
  if (status !== 200) return `the form's page after the redirect answered ${status}`;
  const summary = /<div class="errors error-summary" id="error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(text);
  if (!summary) return 'the form shown again without its error summary';
  const items = [...summary[1]!.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]!);
  if (!items.length) return 'an empty error summary';
  const why = items
    .map((item) => {
      const linked = /<a href="#f-/.test(item);
      const words = unescapeHtml(item.replace(/<[^>]*>/g, ''))
        .replace(/\s+/g, ' ')
        .trim();
      const w = unclear(words, c.input, { fieldRequired: !linked });
      if (!w && linked && !new RegExp(`id="${/<a href="#([^"]+)"/.exec(item)![1]}"`).test(text))
        return `a link to a field the page does not have: "${item.slice(0, 120)}"`;
      return w && `${w}: "${words.slice(0, 200)}"`;
    })
    .filter(Boolean);
  return why.length ? `unclear problems: ${why.join('; ')}` : undefined;
}

/** The problems that are not clear messages (checks.ts `unclear`), each with why; undefined when all are. */
function unclearOnes(problems: unknown[], input: unknown, fieldRequired: boolean): string | undefined {
  const why = problems
    .map((p) => {
      if (typeof p !== 'string') return `not a string: ${JSON.stringify(p)}`;
      const w = unclear(p, input, { fieldRequired });
      return w && `${w}: "${p.slice(0, 200)}"`;
    })
    .filter(Boolean);
  return why.length ? `unclear problems: ${why.join('; ')}` : undefined;
}

function unescapeHtml(s: string): string {
  return s.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!,
  );
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
