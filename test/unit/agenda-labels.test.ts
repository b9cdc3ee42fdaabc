import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { agendaItemLabel } from '../../domain/agenda-labels';
import { collaborativeAgenda, communityAgenda, teamAgenda } from '../../domain/agenda';
import { parseCommunityConfig } from '../../domain/community';
import { parseLaunchConfig } from '../../domain/config';

const example = (name: string) =>
  parse(fs.readFileSync(path.join(__dirname, '../../examples', name), 'utf8')) as unknown;

describe("an agenda item's key in words", () => {
  it('names indexed items from 1, as people count', () => {
    expect(agendaItemLabel('consultation-invite:0:3')).toBe(
      'the invitation to call 4 of consultation series 1',
    );
    expect(agendaItemLabel('session-reminder:2:7')).toBe('a reminder of learning session 3');
    expect(agendaItemLabel('applications-close')).toBe('applications close');
    expect(agendaItemLabel('metrics-rung:2027-05:1')).toBe('metrics reminder 2 for 2027-05');
  });
  it('gives an unknown or malformed key back as it is', () => {
    expect(agendaItemLabel('something-new:1')).toBe('something-new:1');
    expect(agendaItemLabel('info-call-reminder:x')).toBe('info-call-reminder:x');
  });
  it("words every key of the examples' agendas: collaborative, team and community", () => {
    const c = parseLaunchConfig(example('collaborative.yaml'));
    const at = c.schedule.announcement ?? c.schedule.applicationsOpen;
    const lcom = parseCommunityConfig(example('community.yaml'));
    const keys = [
      ...collaborativeAgenda(c.schedule, at, c.metrics?.ladder),
      ...teamAgenda(c.schedule, c.schedule.decisionsDue, c.metrics?.ladder),
      ...communityAgenda(lcom, lcom.start),
    ].map((i) => i.key);
    const kinds = new Set(keys.map((k) => k.split(':')[0]));
    expect(kinds.size).toBeGreaterThanOrEqual(18);
    for (const k of keys) expect(agendaItemLabel(k)).not.toBe(k);
  });
});
