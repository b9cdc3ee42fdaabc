/** Launch configs for tests: the example collaborative with its dates moved to start near "now". */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export function exampleConfig(): Record<string, any> {
  return YAML.parse(fs.readFileSync(path.join(__dirname, '../../examples/collaborative.yaml'), 'utf8'));
}

/** The example Learning Community, as written (dates not yet read). */
export function exampleCommunity(): Record<string, any> {
  return YAML.parse(fs.readFileSync(path.join(__dirname, '../../examples/community.yaml'), 'utf8'));
}

/**
 * A compressed config whose milestones are `offsets` (in seconds) from `now`: the same shape a
 * coordinator writes, with the dates compressed — never a special code path in the workflow.
 */
export function compressedConfig(
  slug: string,
  now: number,
  minutes: Record<string, number> = {},
): Record<string, any> {
  const at = (m: number) => new Date(now + m * 60_000).toISOString();
  const m = {
    announcement: 0,
    open: 0,
    info: 2,
    close: 5,
    decisions: 8,
    prework: 9,
    ls: 10,
    end: 60,
    ...minutes,
  };
  const c = exampleConfig();
  c.slug = slug;
  c.title = `Test collaborative ${slug}`;
  c.scheduleChecks = 'compressed';
  c.schedule = {
    announcement: at(m.announcement),
    informationalCalls: [{ start: at(m.info), durationMinutes: 30 }],
    applicationsOpen: at(m.open),
    applicationsClose: at(m.close),
    decisionsDue: at(m.decisions),
    prework: at(m.prework),
    learningSessions: [0, 1, 2].map((i) => ({
      start: at(m.ls + i * 10),
      end: at(m.ls + i * 10 + 2),
      venue: `Venue ${i + 1}`,
    })),
    consultation: [],
    end: at(m.end),
  };
  return c;
}
