/**
 * The layers are enforced by `npm run lint` (eslint.config.mjs): a forbidden import fails it, an
 * allowed one does not. The probes are written as files of their folders and linted by one run of
 * the ESLint CLI, as `npm run lint` lints the tree; they are removed afterwards.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.join(__dirname, '../..');

const REFUSED: [string, string, RegExp][] = [
  ['cli', "import { COLLECTIONS } from '../store/db';", /cli\/ may import only domain, app, cli/],
  ['cli', "import { teamWorkflowId } from '../workflows';", /cli\/ may import only/],
  ['web', "import { program } from '../cli/lc';", /web\/ may import only/],
  [
    'web',
    "import { COLLECTIONS } from '../store/db';",
    /web\/ may import only domain, security, templates, app, web/,
  ],
  ['web', "import { Outbox } from '../mail/outbox';", /web\/ may import only/],
  ['web', "import { createActivities } from '../activities';", /web\/ may import only/],
  ['store', "import { Outbox } from '../mail/outbox';", /store\/ may import only domain, store/],
  [
    'reports',
    "import { Notifier } from '../mail/notify';",
    /reports\/ may import only domain, store, reports/,
  ],
  ['mail', "import { createActivities } from '../activities';", /mail\/ may import only/],
  ['web', "import { teamStatusQuery } from '../workflows';", /web\/ may import only/],
  ['domain', "import { launch } from '../app';", /domain\/ may import only domain/],
  ['app', "import { startWeb } from '../web/main';", /app\/ may import only/],
  ['activities', "import { launch } from '../app';", /activities\/ may import only/],
  ['templates', "import { COLLECTIONS } from '../store/db';", /templates\/ may import only/],
  ['workflows', "import { launch } from '../app';", /workflows import only domain/],
  ['app', "import { timeSkippingEnv } from '../testing/fixtures';", /app\/ may import only/],
];
const ALLOWED: [string, string][] = [
  ['cli', "import { launch } from '../app';"],
  ['app', "import { COLLECTIONS } from '../store/db';"],
  ['mail', "import { getSites } from '../store/sites';"],
  ['activities', "import { Notifier } from '../mail/notify';"],
  ['web', "import { launch } from '../app';"],
  ['workflows', "import type { ActivityDeps } from '../activities';"],
];

describe('layer boundaries (npm run lint)', () => {
  const probes = [...REFUSED, ...ALLOWED].map(([folder, source], i) => ({
    file: path.join(ROOT, folder, `zz-lint-probe-${process.pid}-${i}.ts`),
    source: `${source}\nexport {};\n`,
  }));
  let messages: Map<string, string[]>;

  beforeAll(async () => {
    try {
      for (const p of probes) fs.writeFileSync(p.file, p.source);
      const eslint = path.join(ROOT, 'node_modules/.bin/eslint');
      const out = await promisify(execFile)(eslint, ['--format', 'json', ...probes.map((p) => p.file)], {
        cwd: ROOT,
        maxBuffer: 16 * 1024 * 1024,
      }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '[]' }));
      const results = JSON.parse(out.stdout) as {
        filePath: string;
        messages: { ruleId: string; message: string }[];
      }[];
      messages = new Map(
        results.map((r) => [
          r.filePath,
          r.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message),
        ]),
      );
    } finally {
      for (const p of probes) fs.rmSync(p.file, { force: true });
    }
  }, 120_000);

  it.each(REFUSED.map((r, i) => [...r, i] as const))('%s/: %s is refused', (_folder, _source, message, i) => {
    expect(messages.get(probes[i]!.file)).toEqual([expect.stringMatching(message)]);
  });

  it.each(ALLOWED.map((a, i) => [...a, REFUSED.length + i] as const))('%s/: %s is allowed', (_f, _s, i) => {
    expect(messages.get(probes[i]!.file)).toEqual([]);
  });
});
