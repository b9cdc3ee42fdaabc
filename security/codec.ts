/**
 * Encrypts every workflow payload (inputs, results, activity arguments, signals, updates,
 * queries) with AES-256-GCM, so names and email addresses are not readable in Temporal's
 * database. The key id travels in each payload's metadata; rotation = put a new key first and
 * keep the old ones for decryption until no history needs them.
 *
 * Keys come from the environment: LC_ENCRYPTION_KEYS="<id>:<base64 32 bytes>[,<id>:<base64>…]",
 * the first one encrypts. Generate one with `openssl rand -base64 32`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export class KeyError extends Error {}

/** Parses LC_ENCRYPTION_KEYS; throws a KeyError naming what is wrong (never the key itself). */
export function parseKeys(value: string): EncryptionKey[] {
  const keys = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const sep = entry.indexOf(':');
      if (sep < 1) throw new KeyError(`LC_ENCRYPTION_KEYS entry ${i + 1}: expected <id>:<base64 key>`);
      const id = entry.slice(0, sep);
      const key = Buffer.from(entry.slice(sep + 1), 'base64');
      if (key.length !== 32)
        throw new KeyError(`LC_ENCRYPTION_KEYS key "${id}": expected 32 bytes (base64), got ${key.length}`);
      return { id, key };
    });
  if (!keys.length) throw new KeyError('LC_ENCRYPTION_KEYS is empty');
  const ids = new Set(keys.map((k) => k.id));
  if (ids.size !== keys.length) throw new KeyError('LC_ENCRYPTION_KEYS lists a key id twice');
  return keys;
}

export class AesGcmCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: EncryptionKey[]) {
    if (!keys.length) throw new KeyError('at least one encryption key is needed');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys[0]!;
    return payloads.map((p) => {
      const plain = temporal.api.common.v1.Payload.encode(p).finish();
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { [METADATA_ENCODING_KEY]: Buffer.from(ENCODING), [KEY_ID]: Buffer.from(id) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      if (Buffer.from(p.metadata?.[METADATA_ENCODING_KEY] ?? []).toString() !== ENCODING) return p;
      const id = Buffer.from(p.metadata?.[KEY_ID] ?? []).toString();
      const key = this.byId.get(id);
      if (!key)
        throw new KeyError(`no key "${id}" to decrypt this payload; keep retired keys in LC_ENCRYPTION_KEYS`);
      const data = Buffer.from(p.data ?? []);
      const iv = data.subarray(0, IV_BYTES);
      const tag = data.subarray(data.length - TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      const plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

/** The data converter for clients and workers: encrypted when keys are configured. */
export function dataConverterFor(keys: EncryptionKey[] | undefined) {
  return keys?.length ? { payloadCodecs: [new AesGcmCodec(keys)] } : undefined;
}

/**
 * The local stack's key (npm start): made once in `dataDir`, so payloads are encrypted on a
 * developer's machine as in production, and the CLI beside it reads the same file.
 */
export function localEncryptionKeys(dataDir: string, create: boolean): string | undefined {
  const file = path.join(dataDir, 'encryption-keys');
  if (!fs.existsSync(file)) {
    if (!create) return undefined;
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, `local-1:${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  }
  return fs.readFileSync(file, 'utf8').trim();
}
