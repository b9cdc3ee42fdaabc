/**
 * PII in Temporal: with LC_ENCRYPTION_KEYS set, every payload is AES-GCM encrypted, so the
 * history stored by the server holds no names or email addresses; holders of the key read them
 * through the client or the codec server (for the Web UI). Keys rotate by putting a new one first.
 */
import { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { createActivities } from '../../activities';
import { parseLaunchConfig, workflowIdFor } from '../../domain/config';
import { AesGcmCodec, dataConverterFor, KeyError, parseKeys } from '../../security/codec';
import { upsertSites } from '../../store/sites';
import { createCodecServer } from '../../tools/codec-server';
import { freePort } from '../../tools/services';
import { createWorker } from '../../workers/worker';
import { collaborativeWorkflow, statusQuery } from '../../workflows';
import { compressedConfig } from '../helpers/configs';
import { devServerEnv, harness, type Harness } from '../helpers/env';

const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const PI = 'ana.ruiz@bayview.example.org';
const FACULTY = 'jcohen@faculty.example.org';

/** Every payload's bytes in a history, decoded from the JSON form the CLI and UI use. */
function payloadTexts(historyJson: string): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.data === 'string' && o.metadata)
        out.push(Buffer.from(o.data, 'base64').toString('latin1'));
      Object.values(o).forEach(walk);
    }
  };
  walk(JSON.parse(historyJson));
  return out;
}

describe('payload codec (unit)', () => {
  const k1 = key('k1');
  const k2 = key('k2');
  const payload = {
    metadata: { encoding: Buffer.from('json/plain') },
    data: Buffer.from(JSON.stringify({ email: PI })),
  };

  it('round-trips, and nothing readable is left in the encoded payload', async () => {
    const codec = new AesGcmCodec(parseKeys(k1));
    const [enc] = await codec.encode([payload]);
    expect(Buffer.from(enc!.data!).toString('latin1')).not.toContain(PI);
    expect(Buffer.from(enc!.metadata!['encryption-key-id']!).toString()).toBe('k1');
    const [dec] = await codec.decode([enc!]);
    expect(Buffer.from(dec!.data!).toString()).toBe(JSON.stringify({ email: PI }));
  });

  it('rotates: the new first key encrypts, the retired one still decrypts; a missing key is a clear error', async () => {
    const [old] = await new AesGcmCodec(parseKeys(k1)).encode([payload]);
    const rotated = new AesGcmCodec(parseKeys(`${k2},${k1}`));
    expect(Buffer.from((await rotated.decode([old!]))[0]!.data!).toString()).toContain(PI);
    const [fresh] = await rotated.encode([payload]);
    expect(Buffer.from(fresh!.metadata!['encryption-key-id']!).toString()).toBe('k2');
    await expect(new AesGcmCodec(parseKeys(k2)).decode([old!])).rejects.toThrow(
      'no key "k1" to decrypt this payload',
    );
  });

  it('detects tampering, and refuses malformed keys without printing them', async () => {
    const [enc] = await new AesGcmCodec(parseKeys(k1)).encode([payload]);
    const data = Buffer.from(enc!.data!);
    data[20] = data[20]! ^ 1;
    await expect(new AesGcmCodec(parseKeys(k1)).decode([{ ...enc!, data }])).rejects.toThrow();
    expect(() => parseKeys('k1:c2hvcnQ=')).toThrow(
      new KeyError('LC_ENCRYPTION_KEYS key "k1": expected 32 bytes (base64), got 5'),
    );
    expect(() => parseKeys(`${k1},${k1}`)).toThrow('lists a key id twice');
  });
});

describe('encrypted histories (dev server)', () => {
  let env: TestWorkflowEnvironment;
  let h: Harness;
  let codecClient: Client;
  let server: http.Server;
  let codecUrl: string;
  const keys = key('2026-11');

  beforeAll(async () => {
    env = await devServerEnv();
    h = await harness(env, 'codec');
    await upsertSites(h.db, [
      { siteId: 'bayview', name: 'Bayview', piName: 'Dr. Ana Ruiz', piEmail: PI, active: true },
    ]);
    codecClient = new Client({
      connection: env.connection,
      dataConverter: dataConverterFor(parseKeys(keys)),
    });
    const port = await freePort();
    server = createCodecServer(new AesGcmCodec(parseKeys(keys)), {
      corsOrigin: 'http://127.0.0.1:8233',
      token: 'secret',
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    codecUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await h.close();
    await env.teardown();
  });

  async function runAnnouncement(slug: string, client: Client, encrypted: boolean): Promise<string> {
    const worker = await createWorker({
      connection: env.nativeConnection,
      taskQueue: `${h.taskQueue}-${slug}`,
      deps: { db: h.db, outbox: h.outbox },
      workflowBundlePath: process.env.LC_TEST_WORKFLOW_BUNDLE!,
      options: encrypted ? { dataConverter: dataConverterFor(parseKeys(keys)) } : {},
    });
    const cfg = parseLaunchConfig({ ...compressedConfig(slug, Date.now()), sites: ['bayview'] });
    await createActivities({ db: h.db, outbox: h.outbox }).recordCollaborative(cfg);
    return worker.runUntil(async () => {
      const handle = await client.workflow.start(collaborativeWorkflow, {
        workflowId: workflowIdFor(slug),
        taskQueue: `${h.taskQueue}-${slug}`,
        args: [cfg],
      });
      for (let i = 0; i < 100 && (await handle.query(statusQuery)).announcedTo < 1; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect((await handle.query(statusQuery)).announcedTo).toBe(1); // the client with the key reads the query
      return historyToJSON(await env.client.workflow.getHandle(workflowIdFor(slug)).fetchHistory());
    });
  }

  it('stores no plaintext address or name in the history (and the check would see one)', async () => {
    const plain = payloadTexts(await runAnnouncement('plain', env.client, false));
    expect(plain.some((t) => t.includes(FACULTY))).toBe(true); // control: unencrypted, the address is there
    const encrypted = payloadTexts(await runAnnouncement('secret', codecClient, true));
    expect(encrypted.length).toBeGreaterThan(3);
    for (const needle of [FACULTY, PI, 'Sam Rivera', 'sam.rivera@network.example.org'])
      expect(encrypted.filter((t) => t.includes(needle))).toEqual([]);
  });

  it('decodes for the Web UI through the codec server, to whoever holds the token', async () => {
    const history = JSON.parse(
      historyToJSON(await env.client.workflow.getHandle(workflowIdFor('secret')).fetchHistory()),
    );
    const input = history.events[0].workflowExecutionStartedEventAttributes.input.payloads;
    const post = (token?: string) =>
      fetch(`${codecUrl}/decode`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ payloads: input }),
      });
    expect((await post()).status).toBe(401);
    const res = await post('secret');
    expect(res.status).toBe(200);
    const decoded = (await res.json()) as { payloads: { data: string }[] };
    expect(Buffer.from(decoded.payloads[0]!.data, 'base64').toString()).toContain(FACULTY);
  });
});
