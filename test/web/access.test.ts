/**
 * Who the web app lets in, against the real stack (Temporal dev server, FerretDB, an SMTP sink):
 * faculty of one collaborative get 403 on another's pages and API; tampered, expired and reused
 * sign-in links are refused; a form without its CSRF token is refused; operator-injection
 * payloads are rejected by validation; and every API route answers anonymous (401), wrong role
 * (403), wrong collaborative (403) and the right caller (its data, or 422 for an empty body).
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import * as ops from '../../app';
import { signLink } from '../../security/links';
import { upsertSites } from '../../store/sites';
import { API_ROUTES } from '../../web/api';
import { csrfToken, issueSignin, SESSION_COOKIE } from '../../web/auth';
import { SIGNIN_COOKIE } from '../../web/routes/signin';
import { compressedConfig } from '../helpers/configs';
import { devServerEnv, harness, type Harness } from '../helpers/env';
import type { httpClient } from '../helpers/http';
import { PassThrough } from 'node:stream';
import { applicationFor, exampleSites } from '../helpers/people';
import { waitFor } from '../helpers/wait';
import { followRedirect, serveWeb, signInByEmail, signinConfirmation, type ServedWeb } from '../helpers/web';

const KEY = 'test-signing-key-'.padEnd(48, 'x');
const BASE = 'http://web.test';
const ADMIN = 'admin@network.example.org';
const FACULTY_A = 'faculty.a@faculty.example.org';
const FACULTY_B = 'faculty.b@faculty.example.org';
const COORD_A = 'coord.a@network.example.org';

function config(slug: string, faculty: string, coordinator: string) {
  const c = compressedConfig(slug, Date.now(), { close: 30, decisions: 40, prework: 41, ls: 45, end: 120 });
  c.sites = ['bayview', 'harbor'];
  c.faculty = [{ name: 'Dr. Faculty', email: faculty }];
  c.coordinators = [{ name: 'Coordinator', email: coordinator }];
  return c;
}

describe('web access (real stack)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let web: ServedWeb;
  let call: ReturnType<typeof httpClient>;
  const sessions: Record<string, string> = {};

  /** Signs in through the emailed link, as a person would; returns the session token. */
  async function signIn(email: string): Promise<string> {
    const { token, opened, landed } = await signInByEmail(web, h, KEY, email, BASE);
    // Opening the link shows a button (mail scanners that fetch links do not spend it); pressing it signs in.
    expect(opened.statusCode).toBe(200);
    expect(opened.setCookie?.name).not.toBe(SESSION_COOKIE); // only the browser's sign-in binding
    expect(landed.statusCode).toBe(302);
    expect(landed.setCookie!.attributes).toEqual(
      expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/']),
    );
    return token;
  }

  beforeAll(async () => {
    env = await devServerEnv();
    h = await harness(env, 'web-access');
    h.startWorker();
    await upsertSites(h.db, exampleSites);
    await ops.launch(env.client, h.db, h.taskQueue, config('web-a', FACULTY_A, COORD_A));
    await ops.launch(env.client, h.db, h.taskQueue, config('web-b', FACULTY_B, ADMIN));
    await waitFor('both records', async () =>
      (await h.db.collection('collaboratives').countDocuments({ slug: { $in: ['web-a', 'web-b'] } })) === 2
        ? true
        : undefined,
    );
    web = await serveWeb(env, h, {
      key: KEY,
      baseUrl: BASE,
      admins: [ADMIN],
      rateLimits: { signin: 1000, links: 1000 },
    });
    call = web.call;
    for (const who of [ADMIN, FACULTY_A, FACULTY_B, COORD_A]) sessions[who] = await signIn(who);
  }, 120_000);
  afterAll(async () => {
    await web?.app.close();
    await h?.close();
    await env?.teardown();
  });

  it('shows faculty their own collaborative and refuses another’s with 403, on pages and API', async () => {
    expect(
      (await call({ url: '/c/web-a', cookie: { [SESSION_COOKIE]: sessions[FACULTY_A]! } })).statusCode,
    ).toBe(200);
    const other = await call({ url: '/c/web-b', cookie: { [SESSION_COOKIE]: sessions[FACULTY_A]! } });
    expect(other.statusCode).toBe(403);
    expect(other.body).not.toContain('web-b');
    const api = await call({
      url: '/api/collaboratives/web-b',
      headers: { authorization: `Bearer ${sessions[FACULTY_A]}` },
    });
    expect(api.statusCode).toBe(403);
    const list = await call({
      url: '/api/collaboratives',
      headers: { authorization: `Bearer ${sessions[FACULTY_A]}` },
    });
    expect(list.json().map((c: { slug: string }) => c.slug)).toEqual(['web-a']);
    expect((await call({ url: '/c/web-a' })).headers.get('location')).toBe('/signin');
    // The template previews with a collaborative's data: its own faculty, no one else.
    const own = { [SESSION_COOKIE]: sessions[FACULTY_A]! };
    for (const url of [
      '/c/web-a/templates',
      '/c/web-a/templates/decision',
      '/c/web-a/templates/decision/body',
    ])
      expect((await call({ url, cookie: own })).statusCode).toBe(200);
    for (const url of [
      '/c/web-b/templates',
      '/c/web-b/templates/decision',
      '/c/web-b/templates/decision/body',
    ]) {
      const refused = await call({ url, cookie: own });
      expect(refused.statusCode).toBe(403);
      expect(refused.body).not.toContain('Harbor');
    }
    expect((await call({ url: '/c/web-a/templates' })).headers.get('location')).toBe('/signin');
  });

  it('refuses a sign-in link that was tampered with, has expired, or was used already', async () => {
    const token = await issueSignin(h.db, KEY, FACULTY_A, Date.now());
    const [body, sig] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), e: ADMIN }),
    ).toString('base64url');
    const tampered = await call({ url: `/signin/${forged}.${sig}` });
    expect(tampered.statusCode).toBe(403);
    expect(tampered.body).toContain('data-reason="tampered"');
    expect(tampered.setCookie).toBeUndefined();

    const old = await issueSignin(h.db, KEY, FACULTY_A, Date.now() - 16 * 60_000);
    const expired = await call({ url: `/signin/${old}` });
    expect(expired.statusCode).toBe(403);
    expect(expired.body).toContain('data-reason="expired"');

    const url = `/signin/${token}`;
    const opened = await call({ url });
    expect(opened.statusCode).toBe(200); // opening it spends nothing
    const confirm = signinConfirmation(opened);
    expect(opened.setCookie!.attributes).toEqual(
      expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/signin']),
    );
    // A login CSRF: another site's page posting the link (its own, or anyone's) has neither this
    // browser's cookie nor its token, or says it comes from elsewhere: no one is signed in, nothing is spent.
    for (const attempt of [
      {},
      { ...confirm, cookie: { [SIGNIN_COOKIE]: 'another-browser' } },
      { ...confirm, payload: { _csrf: 'guessed' } },
    ]) {
      const forgedPost = await call({ method: 'POST', url, ...attempt });
      expect(forgedPost.statusCode).toBe(403);
      expect(forgedPost.body).toContain('data-reason="unconfirmed"');
      expect(forgedPost.setCookie).toBeUndefined();
    }
    const fromElsewhere: Record<string, string>[] = [
      { origin: 'https://attacker.example' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'null', 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of fromElsewhere) {
      const crossSite = await call({ method: 'POST', url, ...confirm, headers });
      expect(crossSite.statusCode).toBe(403);
      expect(crossSite.headers.get('content-type')).toMatch(/text\/html/);
      expect(crossSite.body).toContain('refused: this request comes from another site');
      expect(crossSite.setCookie).toBeUndefined();
    }
    // The app's own page: its origin, or "null" (Referrer-Policy: no-referrer) with same-origin.
    const landed = await call({
      method: 'POST',
      url,
      ...confirm,
      headers: { origin: 'null', 'sec-fetch-site': 'same-origin' },
    });
    expect(landed.statusCode).toBe(302);
    expect(landed.setCookie?.name).toBe(SESSION_COOKIE);
    for (const reuse of [{}, { method: 'POST', ...confirm }]) {
      const reused = await call({ url, ...reuse });
      expect(reused.statusCode).toBe(403);
      expect(reused.body).toContain('data-reason="used"');
    }

    const unknown = signLink(KEY, { p: 'signin', e: ADMIN, x: Date.now() + 60_000, n: 'never-issued' });
    expect((await call({ url: `/signin/${unknown}` })).statusCode).toBe(403);
    expect((await call({ method: 'POST', url: `/signin/${unknown}` })).statusCode).toBe(403);
    expect((await call({ method: 'POST', url: `/signin/${forged}.${sig}` })).statusCode).toBe(403);
  });

  it('refuses a form post or an API write without its CSRF token, and takes it with one', async () => {
    const cookie = { [SESSION_COOKIE]: sessions[FACULTY_A]! };
    const form = { siteId: 'bayview', text: 'Well done' };
    const noToken = await call({ method: 'POST', url: '/c/web-a/feedback', cookie, payload: form });
    expect(noToken.statusCode).toBe(403);
    const wrong = await call({
      method: 'POST',
      url: '/c/web-a/feedback',
      cookie,
      payload: { ...form, _csrf: csrfToken(KEY, 'another-session') },
    });
    expect(wrong.statusCode).toBe(403);
    const api = await call({
      method: 'POST',
      url: '/api/collaboratives/web-a/feedback',
      cookie,
      payload: form,
    });
    expect(api.statusCode).toBe(403);
    expect(api.json().problems[0]).toMatch(/CSRF/);
    // With the token the request reaches the workflow (which refuses: bayview has no team yet).
    const nonce = JSON.parse(Buffer.from(sessions[FACULTY_A]!.split('.')[0]!, 'base64url').toString())
      .n as string;
    const ok = await call({
      method: 'POST',
      url: '/api/collaboratives/web-a/feedback',
      cookie,
      headers: { 'x-csrf-token': csrfToken(KEY, nonce) },
      payload: form,
    });
    expect(ok.statusCode).toBe(422);
    expect(ok.json().problems.join(' ')).toMatch(/bayview/);
  });

  it('rejects operator-injection payloads in any field by validation, before any query or workflow', async () => {
    const coordinator = { authorization: `Bearer ${sessions[COORD_A]}` };
    const faculty = { authorization: `Bearer ${sessions[FACULTY_A]}` };
    const injections = [{ $gt: '' }, { $ne: null }, { $where: 'sleep(1000)' }, ['$gt']];
    let tried = 0;
    for (const bad of injections) {
      for (const [url, headers, body] of [
        ['/api/collaboratives/web-a/decisions', faculty, { siteId: bad, decision: 'accept' }],
        ['/api/collaboratives/web-a/decisions', faculty, { siteId: 'bayview', decision: bad }],
        ['/api/collaboratives/web-a/reschedule', coordinator, { milestone: bad, date: '2030-01-01' }],
        ['/api/collaboratives/web-a/feedback', faculty, { siteId: 'bayview', text: bad }],
        ['/api/collaboratives/web-a/attendance', faculty, { siteId: 'bayview', session: bad, present: [] }],
        ['/api/collaboratives/web-a/cancel', coordinator, { reason: bad, confirm: 'yes' }],
      ] as const) {
        const res = await call({ method: 'POST', url, headers, payload: body });
        tried++;
        expect(res.statusCode).toBe(422);
        expect(res.json().problems.length).toBeGreaterThan(0);
      }
      const apply = signLink(KEY, {
        p: 'apply',
        e: 'ana.ruiz@bayview.example.org',
        c: 'web-a',
        s: 'bayview',
        x: Date.now() + 60_000,
      });
      const res = await call({
        method: 'POST',
        url: `/api/apply/${apply}`,
        payload: { readiness: bad, commitCoreDataSet: true },
      });
      tried++;
      expect(res.statusCode).toBe(422);
      // The sign-in form answers a redirect to itself, which shows the problem beside the field.
      const signin = await call({ method: 'POST', url: '/signin', payload: { email: bad } });
      tried++;
      const shown = await followRedirect(call, signin);
      expect(shown.body).toContain('id="f-email-error"');
      expect(shown.body).toContain('aria-invalid="true"');
    }
    // An operator smuggled in a form field's name is an unknown field, not a query.
    const form = await call({
      method: 'POST',
      url: '/api/collaboratives/web-a/feedback',
      headers: faculty,
      payload: 'siteId[$gt]=&text=hello',
    });
    expect(form.statusCode).toBe(422);
    expect(await h.db.collection('feedback').countDocuments({})).toBe(0);
    expect(await h.db.collection('applications').countDocuments({})).toBe(0);
    console.log(
      `[web] operator-injection payloads tried: ${tried + 1}, all rejected (422, or the form shown again with its problem)`,
    );
  });

  it('answers every API route for anonymous (401), wrong role (403), wrong collaborative (403) and the right caller', async () => {
    // What the right caller gets for a GET, or a POST of an empty body `{}`: the data, or the
    // validation's refusal (422, web/context.ts problemsOf) naming a missing field.
    const problem = (re: RegExp) => (body: any) =>
      expect(body.problems).toEqual(expect.arrayContaining([expect.stringMatching(re)]));
    const RIGHT: Record<string, { who: string; status: number; body: (body: any) => void }> = {
      'GET /api/collaboratives': {
        who: FACULTY_A,
        status: 200,
        body: (b) => expect(b.map((c: { slug: string }) => c.slug)).toEqual(['web-a']),
      },
      'POST /api/collaboratives': { who: COORD_A, status: 422, body: problem(/^slug: required$/) },
      'GET /api/collaboratives/{slug}': {
        who: FACULTY_A,
        status: 200,
        body: (b) => expect(b.slug).toBe('web-a'),
      },
      'GET /api/collaboratives/{slug}/applications': {
        who: FACULTY_A,
        status: 200,
        body: (b) => expect(b).toEqual([]),
      },
      'GET /api/collaboratives/{slug}/compliance': {
        who: COORD_A,
        status: 200,
        body: (b) => expect(b.slug).toBe('web-a'),
      },
      'GET /api/collaboratives/{slug}/emails': {
        who: COORD_A,
        status: 200,
        body: (b) => expect(b.slug).toBe('web-a'),
      },
      'POST /api/collaboratives/{slug}/decisions': {
        who: FACULTY_A,
        status: 422,
        body: problem(/^siteId: required$/),
      },
      'POST /api/collaboratives/{slug}/reschedule': {
        who: COORD_A,
        status: 422,
        body: problem(/^milestone: required$/),
      },
      'POST /api/collaboratives/{slug}/cancel': {
        who: COORD_A,
        status: 422,
        body: problem(/^reason: required$/),
      },
      'POST /api/collaboratives/{slug}/attendance': {
        who: FACULTY_A,
        status: 422,
        body: problem(/^siteId: required$/),
      },
      'POST /api/collaboratives/{slug}/feedback': {
        who: FACULTY_A,
        status: 422,
        body: problem(/^siteId: required$/),
      },
      // CSV and PDF answers are checked as text (their first bytes; decoding as text drops the BOM).
      ...Object.fromEntries(
        ops.EXPORT_KINDS.map((k) => [
          `GET /api/collaboratives/{slug}/exports/${k}.csv`,
          {
            who: ['compliance', 'metrics'].includes(k) ? COORD_A : FACULTY_A,
            status: 200,
            body: (b: string) => expect(b).toMatch(/^siteId,site,/),
          },
        ]),
      ),
      'GET /api/collaboratives/{slug}/report': {
        who: FACULTY_A,
        status: 200,
        body: (b) => expect(b).toMatchObject({ slug: 'web-a', state: 'so-far' }),
      },
      'GET /api/collaboratives/{slug}/report.pdf': {
        who: FACULTY_A,
        status: 200,
        body: (b: string) => expect(b.slice(0, 5)).toBe('%PDF-'),
      },
      // The directory: administrators only (a coordinator gets 403, below).
      'GET /api/sites': {
        who: ADMIN,
        status: 200,
        body: (b) => expect(b.total).toBe(exampleSites.length),
      },
      'POST /api/sites': { who: ADMIN, status: 422, body: problem(/^siteId: required$/) },
      'GET /api/sites/{siteId}': { who: ADMIN, status: 200, body: (b) => expect(b.siteId).toBe('bayview') },
      'POST /api/sites/{siteId}': { who: ADMIN, status: 422, body: problem(/^name: required$/) },
      'POST /api/sites/{siteId}/active': { who: ADMIN, status: 422, body: problem(/^active: required$/) },
      'POST /api/sites/import': { who: ADMIN, status: 422, body: problem(/^text: required$/) },
      'POST /api/collaboratives/{slug}/withdraw': {
        who: COORD_A,
        status: 422,
        body: problem(/^siteId: required$/),
      },
      'POST /api/collaboratives/{slug}/add-faculty': {
        who: COORD_A,
        status: 422,
        body: problem(/^name: required$/),
      },
      'POST /api/collaboratives/{slug}/add-site': {
        who: COORD_A,
        status: 422,
        body: problem(/^siteId: required$/),
      },
    };
    // A route added to the API must say here what its right caller gets.
    expect(
      API_ROUTES.filter((x) => x.auth === 'session')
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual(Object.keys(RIGHT).sort());
    const lines: string[] = [];
    for (const r of API_ROUTES.filter((x) => x.auth === 'session')) {
      const expected = RIGHT[`${r.method} ${r.path}`]!;
      const url = r.path.replace('{slug}', 'web-a').replace('{siteId}', 'bayview');
      const hit = (who?: string) =>
        call({
          method: r.method,
          url,
          headers: who ? { authorization: `Bearer ${sessions[who]}` } : {},
          ...(r.method === 'POST' ? { payload: {} } : {}),
        });
      expect((await hit()).statusCode).toBe(401);
      const coordinatorOnly = !!r.roles && !r.roles.includes('faculty');
      const facultyOnly = !!r.roles && !r.roles.includes('coordinator');
      if (r.roles) {
        if (coordinatorOnly) expect((await hit(FACULTY_A)).statusCode).toBe(403);
        if (facultyOnly) expect((await hit(COORD_A)).statusCode).toBe(403);
        expect((await hit(FACULTY_B)).statusCode).toBe(403);
        expect(expected.who).toBe(coordinatorOnly ? COORD_A : FACULTY_A);
      }
      if (r.admin) expect((await hit(COORD_A)).statusCode).toBe(403);
      const right = await hit(expected.who);
      expect(`${r.method} ${r.path}: ${right.statusCode}`).toBe(`${r.method} ${r.path}: ${expected.status}`);
      expected.body(r.produces ? right.body : right.json());
      lines.push(
        `${r.method} ${r.path}: anonymous 401, ${r.admin ? 'coordinator 403, ' : ''}${r.roles ? `${coordinatorOnly ? 'faculty 403, ' : ''}${facultyOnly ? 'coordinator 403, ' : ''}other collaborative 403, ` : ''}right ${right.statusCode}`,
      );
    }
    for (const r of API_ROUTES.filter((x) => x.auth === 'apply-link' || x.auth === 'team-link')) {
      const url = r.path.replace('{token}', 'not-a-token');
      expect((await call({ method: 'POST', url, payload: {} })).statusCode).toBe(403);
      lines.push(`${r.method} ${r.path}: bad link 403`);
    }
    console.log(`[web] authorisation per API route:\n  ${lines.join('\n  ')}`);
    expect(lines.length).toBeGreaterThanOrEqual(12);
  });

  it('lets only administrators and coordinators launch, and signs out only from its own button', async () => {
    const facultyLaunch = await call({
      method: 'POST',
      url: '/api/collaboratives',
      headers: { authorization: `Bearer ${sessions[FACULTY_A]}` },
      payload: config('web-c', FACULTY_A, FACULTY_A),
    });
    expect(facultyLaunch.statusCode).toBe(403);
    expect(facultyLaunch.json().problems[0]).toMatch(/administrators and by coordinators/);
    expect(
      (await call({ url: '/launch', cookie: { [SESSION_COOKIE]: sessions[FACULTY_A]! } })).statusCode,
    ).toBe(403);
    const taken = await call({
      method: 'POST',
      url: '/api/collaboratives',
      headers: { authorization: `Bearer ${sessions[COORD_A]}` },
      payload: config('web-b', FACULTY_A, COORD_A),
    });
    expect(taken.statusCode).toBe(409);

    const cookie = { [SESSION_COOKIE]: sessions[COORD_A]! };
    const forged = await call({ method: 'POST', url: '/signout', cookie });
    expect(forged.headers.get('location')).toBe('/');
    expect(forged.setCookie).toBeUndefined();
    const nonce = JSON.parse(Buffer.from(sessions[COORD_A]!.split('.')[0]!, 'base64url').toString())
      .n as string;
    const own = await call({
      method: 'POST',
      url: '/signout',
      cookie,
      payload: { _csrf: csrfToken(KEY, nonce) },
    });
    expect(own.headers.get('location')).toBe('/signin');
    expect(own.setCookie).toMatchObject({ name: SESSION_COOKIE, value: '' });
  });

  it('answers an unknown address without repeating it (its path may hold a signed token)', async () => {
    const token = signLink(KEY, {
      p: 'apply',
      e: 'pi@x.example.org',
      x: Date.now() + 60_000,
      n: 'secret-nonce',
    });
    const page = await call({ url: `/apply/${token}/nowhere` });
    expect(page.statusCode).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.body).toContain('There is no page at this address');
    const api = await call({ url: `/api/apply/${token}/nowhere` });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toEqual({ problems: ['no such API route (GET); see /api/openapi.json'] });
    for (const r of [page, api]) expect(r.body).not.toContain(token.slice(0, 20));
  });

  it('sets security headers and publishes its OpenAPI document', async () => {
    const res = await call({ url: '/signin' });
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    // Served over plain http (BASE): no HSTS, no upgrade-insecure-requests, which would send browsers to https.
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(res.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(res.headers.get('x-frame-options')).toBeTruthy();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const doc = (await call({ url: '/api/openapi.json' })).json();
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/collaboratives/{slug}/decisions', '/api/team/{token}/metrics']),
    );
    expect(
      doc.paths['/api/collaboratives/{slug}/decisions'].post.requestBody.content['application/json'].schema
        .properties.decision.enum,
    ).toEqual(['accept', 'waitlist', 'decline']);
    // Served over https: HSTS and upgrade-insecure-requests.
    const secure = await serveWeb(env, h, { key: KEY, baseUrl: 'https://lc.example.org' });
    try {
      const viaHttps = await secure.call({ url: '/signin' });
      expect(viaHttps.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(viaHttps.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
    } finally {
      await secure.app.close();
    }
  });

  it('logs one JSON line per request, by route pattern, with no token from the address', async () => {
    const stream = new PassThrough();
    const lines: string[] = [];
    stream.on('data', (b: Buffer) => lines.push(...b.toString().split('\n').filter(Boolean)));
    const logged = await serveWeb(env, h, { key: KEY, baseUrl: BASE, logger: { stream } });
    const team = signLink(KEY, {
      p: 'team',
      e: 'lena.weiss@bayview.example.org',
      c: 'web-a',
      s: 'bayview',
      x: Date.now() + 60_000,
    });
    try {
      await logged.call({ url: `/team/${team}` });
      await logged.call({ url: `/team/${team}/metrics` });
      await logged.call({ url: `/team/${team}%zz/nowhere` });
      await logged.call({ url: '/c/web-a', cookie: { [SESSION_COOKIE]: sessions[COORD_A]! } });
      await logged.call({
        url: `/api/collaboratives`,
        headers: { authorization: `Bearer ${sessions[ADMIN]}` },
      });
    } finally {
      await logged.app.close();
    }
    const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
    expect(requests.map((r) => [r.method, r.route, r.status, r.user])).toEqual([
      ['GET', '/team/:token', 200, 'team member (signed link)'],
      ['GET', '/team/:token/metrics', 303, 'team member (signed link)'],
      ['GET', '(no route)', 400, 'anonymous'], // an address that cannot be decoded
      ['GET', '/c/:slug', 200, COORD_A],
      ['GET', '/api/collaboratives', 200, ADMIN],
    ]);
    for (const r of requests) expect(typeof r.ms).toBe('number');
    const all = lines.join('\n');
    for (const secret of [
      team.split('.')[0]!.slice(0, 24),
      team.split('.')[1]!,
      sessions[ADMIN]!.slice(0, 24),
    ])
      expect(all).not.toContain(secret);
    console.log(
      `[web] request log: ${requests.length} lines, e.g. ${lines.find((l) => l.includes('/team/:token'))}`,
    );
  });

  it('limits the rate of sign-in requests', async () => {
    const strict = await serveWeb(env, h, { key: KEY, baseUrl: BASE, rateLimits: { signin: 3, links: 3 } });
    const strictCall = strict.call;
    const codes: number[] = [];
    for (let i = 0; i < 5; i++)
      codes.push(
        (await strictCall({ method: 'POST', url: '/signin', payload: { email: 'nobody@example.org' } }))
          .statusCode,
      );
    await strict.app.close();
    expect(codes).toEqual([303, 303, 303, 429, 429]);
  });

  it('applies a request sent twice with the same Idempotency-Key once (a retry after a lost answer)', async () => {
    const pi = exampleSites.find((x) => x.siteId === 'harbor')!.piEmail;
    const apply = signLink(KEY, { p: 'apply', e: pi, c: 'web-a', s: 'harbor', x: Date.now() + 600_000 });
    const body = applicationFor('harbor', pi);
    const send = (headers: Record<string, string>) =>
      call({ method: 'POST', url: `/api/apply/${apply}`, headers, payload: body });
    const first = await send({ 'idempotency-key': 'retry-of-one-request' });
    const again = await send({ 'idempotency-key': 'retry-of-one-request' });
    expect([first.statusCode, again.statusCode]).toEqual([200, 200]);
    // The repeat is answered with the first outcome; a new request is a new version.
    expect(again.json()).toEqual(first.json());
    expect(first.json()).toMatchObject({ siteId: 'harbor' });
    const next = await send({ 'idempotency-key': 'another-request' });
    expect(next.json().version).toBe(first.json().version + 1);
    const stored = await h.db
      .collection('applications')
      .findOne({ collaborative: 'web-a', siteId: 'harbor' });
    expect(stored).toMatchObject({ version: first.json().version + 1 });
  });
});
