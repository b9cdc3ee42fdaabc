/**
 * The demo config: examples/demo.yaml writes its dates as offsets from launch (`+3m`, `+2h`,
 * `+1d`); this turns them into dates. The result is validated like any other config.
 */
import fs from 'node:fs';
import YAML from 'yaml';

const OFFSET = /^\+(\d+)([mhd])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function resolveOffsets(value: unknown, now: number): unknown {
  if (typeof value === 'string') {
    const m = OFFSET.exec(value.trim());
    return m ? new Date(now + Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]).toISOString() : value;
  }
  if (Array.isArray(value)) return value.map((v) => resolveOffsets(v, now));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveOffsets(v, now)]));
  return value;
}

export function loadDemoConfig(file: string, now = Date.now()): unknown {
  return resolveOffsets(YAML.parse(fs.readFileSync(file, 'utf8')), now);
}
