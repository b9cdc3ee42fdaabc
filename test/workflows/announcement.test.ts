/**
 * The first vertical slice against the real dev server, FerretDB and an SMTP server:
 * launch → announcement to every PI → records in MongoDB → status; a duplicate launch is refused.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import * as ops from '../../app';
import { ValidationError } from '../../domain/errors';
import type { CollaborativeDoc } from '../../store/collaboratives';
import { COLLECTIONS } from '../../store/db';
import { upsertSites } from '../../store/sites';
import { statusQuery } from '../../workflows';
import { compressedConfig } from '../helpers/configs';
import { devServerEnv, harness, type Harness } from '../helpers/env';
import { exampleSites as sites } from '../helpers/people';
import { waitFor } from '../helpers/wait';

const active = sites.filter((s) => s.active);

describe('launch → announcement (dev server)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let running: Promise<void>;

  beforeAll(async () => {
    env = await devServerEnv();
    h = await harness(env, 'announce');
    running = h.worker.run();
    await upsertSites(h.db, sites);
  });
  afterAll(async () => {
    h.worker.shutdown();
    await running;
    await h.close();
    await env.teardown();
  });

  it('announces to the PI of every active site exactly once, with the timeline, and keeps the records', async () => {
    const config = compressedConfig('slice', Date.now());
    const id = await ops.launch(env.client, h.db, h.taskQueue, config);
    expect(id).toBe('lc/slice');

    await waitFor('announcements', async () => (h.sink.received.length >= active.length ? true : undefined));
    const handle = env.client.workflow.getHandle(id);
    const status = await waitFor('announcedTo', async () => {
      const s = await handle.query(statusQuery);
      return s.announcedTo === active.length ? s : undefined;
    });
    expect(status).toMatchObject({ slug: 'slice', announcedTo: 12, unknownSites: [] });

    // One announcement per active PI, none to the inactive site; no call invitation before one registers.
    expect(h.sink.received).toHaveLength(12);
    for (const site of active) {
      const mails = h.sink.to(site.piEmail);
      expect(mails.map((x) => x.parsed.subject)).toEqual(['Announcing the Test collaborative slice']);
      const m = mails[0]!.parsed;
      expect(m.text).toContain(`Dear ${site.piName},`);
      expect(m.text).toContain(`Timeline (${site.timeZone})`);
      expect(m.text).toMatch(/Applications close\s+\w{3} \d+ \w{3} \d{4}, \d\d:\d\d/);
      expect(m.text).toMatch(/Learning session 3\s+.*Venue 3/);
      expect(m.html).toContain('<table');
      expect(m.replyTo?.text).toContain('sam.rivera@network.example.org');
    }
    expect(h.sink.to('mia.kowalski@northwind.example.org')).toHaveLength(0);

    // A PI registers (twice: a retry): one invitation, in the zone of the site, under its business key.
    const site = active[0]!;
    const r = { call: 0, siteId: site.siteId, name: site.piName, email: site.piEmail };
    expect(await ops.registerForCall(env.client, h.db, h.outbox, 'slice', r)).toMatchObject({
      invitation: 'sent',
    });
    expect(await ops.registerForCall(env.client, h.db, h.outbox, 'slice', r)).toMatchObject({
      invitation: 'already-sent',
    });
    const invite = await waitFor('the invitation', async () =>
      h.sink.to(site.piEmail).find((x) => x.parsed.subject?.startsWith('Invitation')),
    );
    expect(invite.raw).toMatch(/Content-Type: text\/calendar; (charset=utf-8; )?method=REQUEST/i);
    expect(invite.raw).toContain(`TZID=${site.timeZone}`);
    expect(h.sink.to(site.piEmail)).toHaveLength(2);
    expect(h.sink.received).toHaveLength(13);
    // A site that was not announced is refused by the workflow.
    await expect(
      ops.registerForCall(env.client, h.db, h.outbox, 'slice', {
        ...r,
        siteId: 'northwind',
        email: 'mia.kowalski@northwind.example.org',
      }),
    ).rejects.toThrow('site "northwind" was not invited to this collaborative');

    // Records: the collaborative and one outbox record per email, all sent.
    const doc = await h.db
      .collection<CollaborativeDoc>(COLLECTIONS.collaboratives)
      .findOne({ slug: 'slice' });
    expect(doc).toMatchObject({ slug: 'slice', workflowId: 'lc/slice' });
    expect(['announcement', 'informational-calls', 'applications']).toContain(doc!.phase);
    expect(doc!.announcedTo!.sort()).toEqual(active.map((s) => s.siteId).sort());
    const log = await h.outbox.log('slice');
    expect(log).toHaveLength(13);
    expect(log.filter((e) => e.purpose === 'announcement')).toHaveLength(12);
    expect(log.filter((e) => e.purpose === 'info-call-invite').map((e) => e.key)).toEqual([
      `slice:info-call-invite:0:${site.piEmail}`,
    ]);
    expect(log.every((e) => e.status === 'sent')).toBe(true);
    expect(await ops.callRegistrations(h.db, 'slice')).toEqual([
      expect.objectContaining({ collaborative: 'slice', ...r }),
    ]);

    // The phase is a search attribute, queryable like in the Temporal UI.
    const desc = await handle.describe();
    expect(desc.typedSearchAttributes.get({ name: 'LcKind', type: 'KEYWORD' } as never)).toBe(
      'collaborative',
    );
  });

  it('refuses a second launch of the same slug with a clear message, and starts no second workflow', async () => {
    const config = compressedConfig('slice', Date.now());
    await expect(ops.launch(env.client, h.db, h.taskQueue, config)).rejects.toThrow(
      'a collaborative with slug "slice" was already launched (workflow lc/slice); choose another slug',
    );
    const runs = [];
    for await (const w of env.client.workflow.list({ query: `WorkflowId = 'lc/slice'` })) runs.push(w);
    expect(runs).toHaveLength(1);
  });

  it('rejects an invalid config listing each bad field, before anything starts', async () => {
    const config = compressedConfig('bad-one', Date.now());
    config.faculty = [{ name: '', email: 'x' }];
    config.timeZone = 'Nowhere/Land';
    const err = await ops.launch(env.client, h.db, h.taskQueue, config).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).problems).toEqual(
      expect.arrayContaining([
        'faculty[0].name: a name is required',
        'faculty[0].email: not a valid email address',
        expect.stringMatching(/^timeZone: unknown time zone/),
      ]),
    );
    await expect(env.client.workflow.getHandle('lc/bad-one').describe()).rejects.toThrow();
  });

  it('refuses sites that are not in the directory', async () => {
    const config = compressedConfig('unknown-sites', Date.now());
    config.sites = ['bayview', 'atlantis'];
    await expect(ops.launch(env.client, h.db, h.taskQueue, config)).rejects.toThrow(
      /not in the network directory: atlantis/,
    );
  });

  it('can be cancelled, and the phase follows', async () => {
    const config = compressedConfig('to-cancel', Date.now(), {
      announcement: 30,
      open: 30,
      info: 32,
      close: 35,
      decisions: 38,
      prework: 39,
      ls: 40,
      end: 100,
    });
    await ops.launch(env.client, h.db, h.taskQueue, config);
    const handle = env.client.workflow.getHandle('lc/to-cancel');
    await handle.executeUpdate('cancel', {
      args: [{ reason: 'testing', by: 'sam.rivera@network.example.org' }],
    });
    const result = await handle.result();
    expect(result.phase).toBe('cancelled');
    expect(h.sink.received.filter((m) => m.parsed.subject?.includes('to-cancel'))).toHaveLength(0);
  });
});
