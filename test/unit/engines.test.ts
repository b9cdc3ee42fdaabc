/**
 * The Node the README promises (package.json `engines`) runs every package the lock file installs:
 * a dependency that wants a newer Node makes `npm ci` warn and may not run at all.
 */
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';

const ROOT = path.join(__dirname, '../..');

describe('engines', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
  const oldest = semver.minVersion(pkg.engines.node)!.version;

  it('promises the Node that the README names', () => {
    expect(oldest).toBe('20.19.0');
    expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain('Needs Node 20.19+');
    expect(lock.packages[''].engines).toEqual(pkg.engines);
  });

  it('installs no package that needs a newer Node than the oldest it promises', () => {
    const needNewer = Object.entries(lock.packages as Record<string, { engines?: { node?: string } }>)
      .filter(([name, p]) => name && p.engines?.node && !semver.satisfies(oldest, p.engines.node))
      .map(([name, p]) => `${name.replace(/^.*node_modules\//, '')} wants Node ${p.engines!.node}`);
    expect(needNewer).toEqual([]);
  });
});
