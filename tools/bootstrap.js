#!/usr/bin/env node
// Entry point for `npm start` and `npm test` on a fresh clone: installs dependencies when
// package-lock.json changed since the last install, then hands over to the TypeScript scripts.
// Plain JavaScript on purpose: it must run before node_modules exists.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'node_modules', '.lc-installed');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/**
 * Runs the long-lived last step as a child this process waits for, passing on the signals that
 * stop it: `kill <pid of npm start>` or a closed terminal must stop the stack, not orphan it
 * (a blocking spawnSync would die on the signal and leave the child running).
 */
function handOver(cmd, args) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
  const pass = (received, sent) => process.on(received, () => child.kill(sent));
  pass('SIGINT', 'SIGINT');
  pass('SIGTERM', 'SIGTERM');
  pass('SIGHUP', 'SIGTERM');
  child.on('error', (err) => {
    console.error(`[lc] cannot run ${cmd}: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0)));
}

function ensureInstalled() {
  const lock = fs.readFileSync(path.join(root, 'package-lock.json'));
  const hash = createHash('sha256').update(lock).digest('hex');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return;
  console.log('[lc] installing dependencies (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
  fs.writeFileSync(stamp, hash);
}

const [command, ...rest] = process.argv.slice(2);
ensureInstalled();
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
if (command === 'start') {
  // Node with tsx's loader, not the tsx CLI: on a Ctrl-C the script gets SIGINT from the terminal
  // and from npm, and the CLI answers a second signal by SIGKILLing it mid-stop.
  handOver(process.execPath, ['--import', 'tsx', 'tools/start.ts', ...rest]);
} else if (command === 'test') {
  run(tsx, ['tools/provision.ts']);
  handOver(path.join(root, 'node_modules', '.bin', 'jest'), ['--runInBand', ...rest]);
} else {
  console.error('usage: bootstrap.js start|test [args…]');
  process.exit(2);
}
