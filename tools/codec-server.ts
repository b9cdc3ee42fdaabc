/**
 * `npm run codec-server`: the Temporal codec server for the Web UI, so that people who hold the
 * encryption keys see decrypted payloads in the UI (set the UI's "Codec Server" to this URL).
 * POST /decode and /encode take and return `{ payloads: [{ metadata: {k: base64}, data: base64 }] }`.
 * Listens on loopback by default; LC_CODEC_TOKEN, when set, is required as a Bearer token.
 */
import http from 'node:http';
import type { Payload } from '@temporalio/common';
import { readSettings, type Settings } from '../domain/settings';
import { AesGcmCodec, localEncryptionKeys, parseKeys } from '../security/codec';
import { DATA } from './provisioning';

interface JSONPayload {
  metadata?: Record<string, string> | null;
  data?: string | null;
}

const fromJSON = (p: JSONPayload): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
  ),
  data: p.data ? Buffer.from(p.data, 'base64') : undefined,
});
const toJSON = (p: Payload): JSONPayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: p.data ? Buffer.from(p.data).toString('base64') : undefined,
});

export function createCodecServer(
  codec: AesGcmCodec,
  opts: { corsOrigin: string; token?: string },
): http.Server {
  return http.createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', opts.corsOrigin);
    res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    res.setHeader('Access-Control-Allow-Headers', 'content-type, x-namespace, authorization');
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const route = req.url?.replace(/\/+$/, '');
    if (req.method !== 'POST' || (route !== '/decode' && route !== '/encode'))
      return void res.writeHead(404, { 'content-type': 'text/plain' }).end('POST /decode or /encode');
    if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`)
      return void res.writeHead(401, { 'content-type': 'text/plain' }).end('unauthorized');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { payloads?: JSONPayload[] };
        if (!Array.isArray(body.payloads)) throw new Error('expected { payloads: [...] }');
        const payloads = body.payloads.map(fromJSON);
        const out = route === '/decode' ? await codec.decode(payloads) : await codec.encode(payloads);
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ payloads: out.map(toJSON) }));
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end((err as Error).message);
      }
    });
  });
}

if (require.main === module) {
  let s: Settings;
  try {
    // Beside `npm start`, the key it made for the local stack.
    const keys =
      process.env.LC_ENCRYPTION_KEYS || localEncryptionKeys(process.env.LC_DATA_DIR ?? DATA, false);
    s = readSettings({ ...process.env, LC_ENCRYPTION_KEYS: keys });
  } catch (err) {
    console.error(`[codec] ${(err as Error).message}`);
    process.exit(1);
  }
  if (!s.LC_ENCRYPTION_KEYS) {
    console.error(
      '[codec] LC_ENCRYPTION_KEYS is not set (nor made by npm start): there is nothing to decode with',
    );
    process.exit(1);
  }
  const server = createCodecServer(new AesGcmCodec(parseKeys(s.LC_ENCRYPTION_KEYS)), {
    corsOrigin: s.LC_CODEC_CORS_ORIGIN,
    token: s.LC_CODEC_TOKEN,
  });
  server.listen(s.LC_CODEC_PORT, s.LC_CODEC_HOST, () =>
    console.log(
      `[codec] codec server on http://${s.LC_CODEC_HOST}:${s.LC_CODEC_PORT} (POST /decode, /encode)`,
    ),
  );
}
