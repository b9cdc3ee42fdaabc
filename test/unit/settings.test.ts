/**
 * The process configuration (domain/settings.ts) and how it reaches Temporal
 * (security/temporal-connection.ts): defaults, one named problem per bad variable, the production
 * requirements, worker tuning, and TLS / API key options built from real files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConnectionOptions } from '@temporalio/client';
import type { NativeConnectionOptions } from '@temporalio/worker';
import { ValidationError } from '../../domain/errors';
import { readSettings, SETTINGS_KEYS, workerTuning } from '../../domain/settings';
import {
  describeTemporalConnection,
  temporalConnectionOptions,
  type TemporalConnectionOptions,
} from '../../security/temporal-connection';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');
const SIGNING_KEY = 'x'.repeat(32);

/** The problems readSettings reports for `env`, one line each ([] when it accepts it). */
function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    readSettings(env);
    return [];
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    expect(err.message).toMatch(/^the environment is invalid:\n/);
    return err.problems;
  }
}

describe('settings from the environment', () => {
  it('defaults to the local stack that npm start runs', () => {
    const s = readSettings({});
    expect(s).toMatchObject({
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: 'default',
      TASK_QUEUE: 'lc-orchestrator',
      MONGODB_URI: 'mongodb://127.0.0.1:27027/',
      MONGODB_DB: 'lc',
      SMTP_URL: 'smtp://127.0.0.1:1025',
      MAIL_RATE_PER_SECOND: 0,
      LC_WEB_PORT: 3000,
      LC_WEB_HOST: '127.0.0.1',
      LC_LINK_TTL_DAYS: 45,
      LC_LOG_LEVEL: 'info',
      LC_HTTP_HOST: '127.0.0.1',
      LC_CODEC_PORT: 8888,
    });
    for (const k of [
      'LC_SIGNING_KEY',
      'LC_WEB_BASE_URL',
      'LC_ENCRYPTION_KEYS',
      'TEMPORAL_TLS',
      'TEMPORAL_API_KEY',
      'LC_WORKER_MAX_CACHED_WORKFLOWS',
      'LC_HTTP_PORT',
    ] as const)
      expect(s[k]).toBeUndefined();
    expect(workerTuning(s)).toEqual({});
  });

  it('reads every value with its type, treats empty values as unset and ignores other variables', () => {
    const s = readSettings({
      LC_WEB_PORT: '8080',
      LC_LINK_TTL_DAYS: '30',
      MAIL_RATE_PER_SECOND: '2.5',
      TEMPORAL_TLS: 'true',
      LC_HTTP_PORT: '9464',
      LC_WORKER_MAX_CONCURRENT_ACTIVITIES: '20',
      LC_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '10',
      LC_WORKER_MAX_CACHED_WORKFLOWS: '500',
      LC_LOG_LEVEL: 'debug',
      LC_ENCRYPTION_KEYS: `new:${KEY_B}, old:${KEY_A}`,
      LC_WEB_ADMINS: 'a@x.org, b@y.org',
      MONGODB_URI: '',
      SMTP_URL: '   ',
      HOME: '/somewhere',
    });
    expect(s).toMatchObject({
      LC_WEB_PORT: 8080,
      LC_LINK_TTL_DAYS: 30,
      MAIL_RATE_PER_SECOND: 2.5,
      TEMPORAL_TLS: true,
      LC_HTTP_PORT: 9464,
      LC_LOG_LEVEL: 'debug',
      MONGODB_URI: 'mongodb://127.0.0.1:27027/',
      SMTP_URL: 'smtp://127.0.0.1:1025',
    });
    expect(s).not.toHaveProperty('HOME');
    expect(workerTuning(s)).toEqual({
      maxConcurrentActivityTaskExecutions: 20,
      maxConcurrentWorkflowTaskExecutions: 10,
      maxCachedWorkflows: 500,
    });
    expect(readSettings({ TEMPORAL_TLS: '0' }).TEMPORAL_TLS).toBe(false);
    expect(readSettings({ LC_WORKER_MAX_CACHED_WORKFLOWS: '0' }).LC_WORKER_MAX_CACHED_WORKFLOWS).toBe(0);
    expect(readSettings({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233' }).TEMPORAL_ADDRESS).toBe(
      'ns.acct.tmprl.cloud:7233',
    );
    expect(readSettings({ TEMPORAL_ADDRESS: '[::1]:7233' }).TEMPORAL_ADDRESS).toBe('[::1]:7233');
  });

  it.each<[string, string]>([
    ['TEMPORAL_ADDRESS', 'temporal.example.org'],
    ['TEMPORAL_ADDRESS', 'http://temporal:7233'],
    ['TEMPORAL_TLS', 'yes'],
    ['LC_WORKER_MAX_CONCURRENT_ACTIVITIES', '0'],
    ['LC_WORKER_MAX_CONCURRENT_ACTIVITIES', 'many'],
    ['LC_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS', '2.5'],
    ['LC_WORKER_MAX_CACHED_WORKFLOWS', '-1'],
    ['LC_HTTP_PORT', '0'],
    ['LC_HTTP_PORT', '70000'],
    ['TEMPORAL_METRICS_PORT', 'metrics'],
    ['MONGODB_URI', 'postgres://db/lc'],
    ['MONGODB_DB', 'lc/prod'],
    ['SMTP_URL', 'http://mail.example.org'],
    ['MAIL_FROM', 'x'],
    ['MAIL_RATE_PER_SECOND', '-1'],
    ['MAIL_RATE_PER_SECOND', 'fast'],
    ['LC_WEB_PORT', 'http'],
    ['LC_WEB_PORT', '65536'],
    ['LC_WEB_BASE_URL', 'lc.example.org'],
    ['LC_SIGNING_KEY', 'too-short'],
    ['LC_LINK_TTL_DAYS', '0'],
    ['LC_LINK_TTL_DAYS', '400'],
    ['LC_WEB_ADMINS', 'admin@x.org, not-an-email'],
    ['LC_LOG_LEVEL', 'verbose'],
    ['LC_ENCRYPTION_KEYS', 'no-key-here'],
    ['LC_ENCRYPTION_KEYS', `k1:${Buffer.alloc(16).toString('base64')}`],
    ['LC_ENCRYPTION_KEYS', `k1:${KEY_A},k1:${KEY_B}`],
    ['LC_CODEC_PORT', '99999'],
    ['LC_CODEC_CORS_ORIGIN', 'temporal-ui'],
  ])('names %s when its value %j is bad', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: \\S`));
    // The message never repeats a secret's value.
    if (/KEY/.test(name)) expect(problems[0]).not.toContain(value);
  });

  it('lists every bad variable at once, with the cross-checks', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      LC_WEB_PORT: 'x',
      MONGODB_URI: 'mysql://db',
      TEMPORAL_TLS_CERT: '/certs/client.pem',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'LC_ENCRYPTION_KEYS',
      'LC_SIGNING_KEY',
      'LC_WEB_BASE_URL',
      'LC_WEB_PORT',
      'MONGODB_URI',
      'TEMPORAL_TLS_KEY',
    ]);
  });

  describe('with NODE_ENV=production', () => {
    const production = { NODE_ENV: 'production' };
    const encrypted = { ...production, LC_ENCRYPTION_KEYS: `k1:${KEY_A}` };

    it('requires the signing key, the web base URL and payload encryption', () => {
      expect(problemsOf(production)).toEqual([
        'LC_SIGNING_KEY: is required when NODE_ENV=production (openssl rand -hex 32)',
        'LC_WEB_BASE_URL: is required when NODE_ENV=production (the public URL of the web app)',
        'LC_ENCRYPTION_KEYS: is required when NODE_ENV=production (<id>:<key>, the key from openssl rand -base64 32)',
      ]);
      expect(problemsOf({ ...encrypted, LC_SIGNING_KEY: SIGNING_KEY })).toEqual([
        expect.stringMatching(/^LC_WEB_BASE_URL: is required/),
      ]);
      expect(problemsOf({ ...encrypted, LC_WEB_BASE_URL: 'https://lc.example.org' })).toEqual([
        expect.stringMatching(/^LC_SIGNING_KEY: is required/),
      ]);
      expect(
        problemsOf({ ...production, LC_SIGNING_KEY: SIGNING_KEY, LC_WEB_BASE_URL: 'https://lc.example.org' }),
      ).toEqual([expect.stringMatching(/^LC_ENCRYPTION_KEYS: is required/)]);
      // An empty value (as compose passes an unset one) is missing too.
      expect(
        problemsOf({ ...production, LC_SIGNING_KEY: '', LC_WEB_BASE_URL: '', LC_ENCRYPTION_KEYS: '' }),
      ).toHaveLength(3);
    });

    it('still checks them', () => {
      expect(
        problemsOf({ ...encrypted, LC_SIGNING_KEY: 'short', LC_WEB_BASE_URL: 'https://lc.example.org' }),
      ).toEqual([expect.stringMatching(/^LC_SIGNING_KEY: must be at least 32 characters/)]);
    });

    it('accepts them', () => {
      const s = readSettings({
        ...encrypted,
        LC_SIGNING_KEY: SIGNING_KEY,
        LC_WEB_BASE_URL: 'https://lc.example.org',
      });
      expect(s).toMatchObject({ NODE_ENV: 'production', LC_SIGNING_KEY: SIGNING_KEY });
    });

    it('does not require them otherwise', () => {
      expect(problemsOf({ NODE_ENV: 'development' })).toEqual([]);
      expect(problemsOf({ NODE_ENV: 'test' })).toEqual([]);
    });
  });

  it('wants a client certificate and its key together, and no TLS files with TEMPORAL_TLS=false', () => {
    expect(problemsOf({ TEMPORAL_TLS_CERT: '/c.pem' })).toEqual([
      expect.stringMatching(/^TEMPORAL_TLS_KEY: is required with TEMPORAL_TLS_CERT/),
    ]);
    expect(problemsOf({ TEMPORAL_TLS_KEY: '/c.key' })).toEqual([
      expect.stringMatching(/^TEMPORAL_TLS_CERT: is required with TEMPORAL_TLS_KEY/),
    ]);
    expect(problemsOf({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA: '/ca.pem' })).toEqual([
      'TEMPORAL_TLS: is false, but TEMPORAL_TLS_CA is set: unset one of them',
    ]);
  });

  it('knows every key it validates', () => {
    expect(new Set(SETTINGS_KEYS).size).toBe(SETTINGS_KEYS.length);
    for (const k of SETTINGS_KEYS) expect(k).toMatch(/^[A-Z][A-Z0-9_]+$/);
    expect(SETTINGS_KEYS).toEqual(
      expect.arrayContaining(['LC_WEB_PORT', 'LC_WEB_BASE_URL', 'LC_SIGNING_KEY', 'LC_LINK_TTL_DAYS']),
    );
  });
});

describe('connecting to Temporal', () => {
  let dir: string;
  const PEM = (what: string) =>
    `-----BEGIN ${what}-----\n${Buffer.from(what).toString('base64')}\n-----END ${what}-----\n`;
  const file = (name: string, content: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, content);
    return p;
  };
  const optionsFor = (env: Record<string, string>) => temporalConnectionOptions(readSettings(env));

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lc-tls-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('connects in plaintext to the address when nothing else is set', () => {
    const o = optionsFor({ TEMPORAL_ADDRESS: 'temporal:7233' });
    expect(o).toEqual({ address: 'temporal:7233' });
    expect(describeTemporalConnection(o)).toBe('temporal:7233 (plaintext)');
  });

  it('builds mTLS from the certificate, key and CA files, with the server name', () => {
    const cert = file('client.pem', PEM('CERTIFICATE'));
    const key = file('client.key', PEM('PRIVATE KEY'));
    const ca = file('ca.pem', PEM('CERTIFICATE'));
    const o = optionsFor({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CERT: cert,
      TEMPORAL_TLS_KEY: key,
      TEMPORAL_TLS_CA: ca,
      TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal.internal',
    });
    expect(o).toEqual({
      address: 'temporal.internal:7233',
      tls: {
        serverNameOverride: 'frontend.temporal.internal',
        serverRootCACertificate: fs.readFileSync(ca),
        clientCertPair: { crt: fs.readFileSync(cert), key: fs.readFileSync(key) },
      },
    });
    expect(describeTemporalConnection(o)).toBe('temporal.internal:7233 (mTLS)');
  });

  it('uses TLS with an API key (Temporal Cloud), and never puts the key in the description', () => {
    const o = optionsFor({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: 'secret-key' });
    expect(o).toEqual({ address: 'ns.acct.tmprl.cloud:7233', tls: {}, apiKey: 'secret-key' });
    expect(describeTemporalConnection(o)).toBe('ns.acct.tmprl.cloud:7233 (TLS + API key)');
    // Plaintext with a key only when asked for explicitly (a local proxy that terminates TLS).
    expect(optionsFor({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' })).toEqual({
      address: '127.0.0.1:7233',
      tls: false,
      apiKey: 'k',
    });
  });

  it('uses TLS with the system roots when TEMPORAL_TLS=true, and with only a CA', () => {
    expect(optionsFor({ TEMPORAL_TLS: 'true' })).toEqual({ address: '127.0.0.1:7233', tls: {} });
    const ca = file('only-ca.pem', PEM('CERTIFICATE'));
    expect(optionsFor({ TEMPORAL_TLS_CA: ca }).tls).toEqual({ serverRootCACertificate: fs.readFileSync(ca) });
  });

  it('stops with the variable naming a file it cannot read or that is not PEM', () => {
    const key = file('k.key', PEM('PRIVATE KEY'));
    const notPem = file('cert.der', '\u0030\u0082 binary');
    const problems = (env: Record<string, string>) => {
      try {
        optionsFor(env);
        return [];
      } catch (err) {
        expect(err).toBeInstanceOf(ValidationError);
        return (err as ValidationError).problems;
      }
    };
    expect(
      problems({
        TEMPORAL_TLS_CERT: notPem,
        TEMPORAL_TLS_KEY: key,
        TEMPORAL_TLS_CA: path.join(dir, 'missing.pem'),
      }),
    ).toEqual([
      `TEMPORAL_TLS_CERT: ${notPem} is not a PEM file (no -----BEGIN …----- line)`,
      `TEMPORAL_TLS_CA: cannot read ${path.join(dir, 'missing.pem')} (ENOENT)`,
    ]);
  });

  it('gives options that both the client and the worker connections take', () => {
    const o: TemporalConnectionOptions = optionsFor({ TEMPORAL_API_KEY: 'k' });
    const client: ConnectionOptions = { ...o, connectTimeout: '5 seconds' };
    const worker: NativeConnectionOptions = o;
    expect(client.apiKey).toBe(worker.apiKey);
  });
});
