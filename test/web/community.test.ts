/**
 * A Learning Community's join link, against the real stack: the PI's announcement carries a
 * signed link that the site's people use to join (giving their own name and email); a bad email
 * is shown next to its field; a changed link is refused.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import * as ops from '../../app';
import { upsertSites } from '../../store/sites';
import { csrfToken } from '../../web/auth';
import { communityStatusQuery } from '../../workflows';
import { compressedConfig, exampleCommunity } from '../helpers/configs';
import { devServerEnv, harness, type Harness } from '../helpers/env';
import type { httpClient } from '../helpers/http';
import { exampleSites } from '../helpers/people';
import { waitFor } from '../helpers/wait';
import { followRedirect, serveWeb, webAddress, type ServedWeb } from '../helpers/web';

const KEY = 'community-web-signing-key-'.padEnd(48, 'z');
const SLUG = 'lcom-web';
const PI = 'ana.ruiz@bayview.example.org';

describe("a Learning Community's join link (real stack)", () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let web: ServedWeb;
  let call: ReturnType<typeof httpClient>;
  let base: string;

  beforeAll(async () => {
    const { port, baseUrl } = await webAddress();
    base = baseUrl;
    env = await devServerEnv();
    h = await harness(env, 'web-lcom', { links: { baseUrl: base, key: KEY, ttlDays: 30 } });
    h.startWorker();
    await upsertSites(h.db, exampleSites);
    const at = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
    await ops.launchCommunity(env.client, h.db, h.taskQueue, {
      ...exampleCommunity(),
      slug: SLUG,
      sites: ['bayview'],
      announcement: at(-1),
      start: at(-1),
      end: at(120),
      meetings: [{ kind: 'remote', first: at(60), everyDays: 1, durationMinutes: 30 }],
      digestEveryDays: 1,
    });
    web = await serveWeb(env, h, { key: KEY, baseUrl: base, port });
    call = web.call;
  }, 120_000);
  afterAll(async () => {
    await web?.app.close();
    await h?.close();
    await env?.teardown();
  });

  it("lets the site's people join through the PI's link, shows a bad email by its field, refuses a changed link", async () => {
    const mail = await waitFor('the announcement to the PI', async () =>
      h.sink.received.find((m) => m.envelopeTo.includes(PI) && /^Join the /.test(m.parsed.subject ?? '')),
    );
    const url = new RegExp(`${base.replace(/[.:/]/g, '\\$&')}/join/([\\w.-]+)`).exec(mail.parsed.text ?? '');
    expect(url).not.toBeNull();
    const token = url![1]!;
    const page = await call({ url: `/join/${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Bayview Child Trauma Center');

    const _csrf = csrfToken(KEY, token);
    const bad = await call({
      method: 'POST',
      url: `/join/${token}`,
      payload: { _csrf, name: 'Priya Shah', email: 'not-an-email' },
    });
    // Post/redirect/get: the form again, the problem beside its field, what was typed kept.
    const shown = await followRedirect(call, bad);
    expect(shown.body).toMatch(/<p class="field-error" id="f-email-error">[\s\S]*not a valid email address/);
    expect(shown.body).toContain('value="Priya Shah"');
    expect(shown.body).toContain('value="not-an-email"');

    const joined = await call({
      method: 'POST',
      url: `/join/${token}`,
      payload: { _csrf, name: 'Priya Shah', email: 'priya.shah@bayview.example.org' },
    });
    expect((await followRedirect(call, joined)).body).toContain('you have joined');
    const handle = env.client.workflow.getHandle(`lcom/${SLUG}`);
    expect((await handle.query(communityStatusQuery)).members).toBe(1);
    await waitFor('the welcome email', async () =>
      h.sink.received.find((m) => m.envelopeTo.includes('priya.shah@bayview.example.org')),
    );

    // A collaborative cannot take the community's slug (its records are the community's).
    await expect(
      ops.launch(env.client, h.db, h.taskQueue, compressedConfig(SLUG, Date.now())),
    ).rejects.toThrow(`a community with slug "${SLUG}" was already launched (workflow lcom/${SLUG})`);

    const changed = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA');
    const refused = await call({ url: `/join/${changed}` });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('data-reason="tampered"');
  });
});
