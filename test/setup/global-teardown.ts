import fs from 'node:fs';
import type { Service } from '../../tools/services';

export default async function globalTeardown(): Promise<void> {
  const services = (globalThis as { __lcServices?: Service[] }).__lcServices ?? [];
  await Promise.all(services.map((s) => s.stop()));
  const runDir = process.env.LC_TEST_RUN_DIR;
  if (runDir && !process.env.LC_KEEP_TEST_DATA) fs.rmSync(runDir, { recursive: true, force: true });
}
