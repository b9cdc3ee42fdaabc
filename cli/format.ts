/** Terminal formatting: what the CLI prints for reports and statuses, and writing files. */
import fs from 'node:fs';
import path from 'node:path';
import { CommunityStatusReport } from '../app/community';
import { agendaItemLabel } from '../domain/agenda-labels';
import { CELLS, COMPLIANCE_LABELS, COMPLIANCE_SYMBOLS, ComplianceReport } from '../app/compliance';
import { EMAIL_STATUSES, EmailLog } from '../app/email-log';
import { OperationError } from '../app/errors';
import type { FinalReportView } from '../app/final-report';
import type { Rehearsal } from '../app/rehearsal';
import { formatInZone } from '../domain/time';

export const pct = (n: number, of: number) => (of ? `${((100 * n) / of).toFixed(1)}%` : '—');

/**
 * The matrix as people read it: one row per team, one column per period (✓ on time, L late,
 * ✗ missing, · not yet due), each team's on-time share of the periods due, then the totals.
 */
export function complianceLines(r: ComplianceReport): string[] {
  const out = [
    `Metrics compliance of ${r.title} (lc/${r.slug}) as of ${formatInZone(r.asOf, r.timeZone)}`,
    `${COMPLIANCE_SYMBOLS['on-time']} on time   ${COMPLIANCE_SYMBOLS.late} late   ${COMPLIANCE_SYMBOLS.missing} missing   ${COMPLIANCE_SYMBOLS['not-yet-due']} not yet due`,
    '',
  ];
  if (!r.teams.length) return [...out, `no team of lc/${r.slug} reports metrics yet (none is accepted)`];
  const w = Math.max(4, ...r.teams.map((t) => t.siteId.length));
  const col = Math.max(7, ...r.periods.map((p) => p.length));
  const centre = (s: string) => s.padStart(Math.ceil((col + s.length) / 2)).padEnd(col);
  out.push(`${'TEAM'.padEnd(w)}  ${r.periods.map(centre).join(' ')}  ON TIME`);
  for (const t of r.teams) {
    const due = t.cells.filter((c) => c !== 'not-yet-due').length;
    const onTime = t.cells.filter((c) => c === 'on-time').length;
    out.push(
      `${t.siteId.padEnd(w)}  ${t.cells.map((c) => centre(COMPLIANCE_SYMBOLS[c])).join(' ')}  ${`${onTime}/${due}`.padStart(7)}`,
    );
  }
  const all = r.teams.length * r.periods.length;
  const due = all - r.totals['not-yet-due'];
  const label = Math.max(...CELLS.map((c) => COMPLIANCE_LABELS[c].length));
  const count = String(all).length;
  out.push(
    '',
    `totals: ${all} team-periods (${r.teams.length} teams × ${r.periods.length} periods)`,
    ...CELLS.map(
      (c) =>
        `  ${COMPLIANCE_SYMBOLS[c]} ${COMPLIANCE_LABELS[c].padEnd(label)}  ${String(r.totals[c]).padStart(count)}  ${pct(r.totals[c], all).padStart(6)}`,
    ),
    `of the ${due} due: ${pct(r.totals['on-time'], due)} on time, ${pct(r.totals.late, due)} late, ${pct(r.totals.missing, due)} missing`,
  );
  return out;
}

export function writeFileOrFail(file: string, content: string | Uint8Array): string {
  const full = path.resolve(file);
  try {
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  } catch (err) {
    throw new OperationError(`cannot write ${file}: ${(err as Error).message}`, 'input');
  }
  return full;
}

/** The log as people read it: one line per email (failed ones with their error), then a count line. */
export function emailLogLines(log: EmailLog): string[] {
  const when = (iso: string) => formatInZone(iso, log.timeZone);
  const out: string[] = [];
  if (log.emails.length) {
    const rows = log.emails.map((e) => [when(e.at), e.status, e.purpose, e.to] as const);
    const w = [0, 1, 2, 3].map((i) =>
      Math.max(['WHEN', 'STATUS', 'PURPOSE', 'TO'][i]!.length, ...rows.map((r) => r[i]!.length)),
    );
    const line = (cells: readonly string[], rest: string) =>
      `${cells.map((c, i) => c.padEnd(w[i]!)).join('  ')}  ${rest}`;
    out.push(line(['WHEN', 'STATUS', 'PURPOSE', 'TO'], 'SUBJECT'));
    log.emails.forEach((e, i) => {
      out.push(line(rows[i]!, `${e.subject}${e.attempts > 1 ? ` (${e.attempts} attempts)` : ''}`));
      if (e.error) out.push(`    ${e.status === 'failed' ? 'error' : 'last error'}: ${e.error}`);
    });
    out.push('');
  }
  const counts = EMAIL_STATUSES.map((s) => `${log.counts[s]} ${s}`).join(', ');
  const filtered = log.matching !== log.total ? ` (of ${log.total} in all)` : '';
  out.push(
    log.matching === 0
      ? `no emails of lc/${log.slug} match${filtered}`
      : `${log.matching} email${log.matching === 1 ? '' : 's'} of lc/${log.slug}${filtered}: ${counts}` +
          (log.emails.length < log.matching ? `; showing the newest ${log.emails.length} (see --limit)` : ''),
  );
  return out;
}

/** The status as people read it. */
export function communityStatusLines(s: CommunityStatusReport): string[] {
  const when = (iso: string) => formatInZone(iso, s.timeZone);
  const next = s.nextMeeting;
  const kinds = (['barrier', 'solution', 'innovation'] as const).map((k) => `${s.shares[k]} ${k}`).join(', ');
  const out = [
    `${s.title} (lcom/${s.slug})`,
    `  phase:          ${s.phase}`,
    `  next meeting:   ${
      next
        ? `${next.meeting + 1} (${next.kind}) on ${when(next.start)} — ${next.venue ?? next.link ?? (next.kind === 'remote' ? 'online' : 'venue to be announced')}`
        : '—'
    }`,
    `  next milestone: ${s.nextMilestone ? `${agendaItemLabel(s.nextMilestone.name)} on ${when(s.nextMilestone.at)}` : '—'}`,
    `  announced to:   ${s.announcedTo} sites${s.unknownSites.length ? ` (unknown: ${s.unknownSites.join(', ')})` : ''}`,
    `  members:        ${s.members}${s.formerMembers ? ` (${s.formerMembers} left)` : ''}`,
    `  shared:         ${s.shares.total} (${kinds}); ${s.digestsSent} digest${s.digestsSent === 1 ? '' : 's'} sent`,
    `  meetings:       ${s.meetings}; summaries sent for: ${s.summaries.length ? s.summaries.map((m) => m + 1).join(', ') : '—'}`,
  ];
  if (s.rejected.length) {
    out.push(`  rejected inputs (${s.rejected.length}):`);
    for (const r of s.rejected) out.push(`    ${when(r.at)}  ${r.input}: ${r.message}`);
  }
  return out;
}

/** The final report as the terminal shows it: its state, the summary, the teams' table, the signals. */
export function finalReportLines(v: FinalReportView): string[] {
  const t = v.teamTable;
  const widths = t.header.map((h, i) => Math.max(h.length, ...t.rows.map((r) => r[i]!.length)));
  const row = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [
    `Final report: ${v.title} (lc/${v.slug})`,
    v.status,
    '',
    ...v.report.summary,
    '',
    ...(t.rows.length ? [row(t.header), ...t.rows.map(row)] : ['No team took part.']),
    ...v.report.signalSections.flatMap((s) => ['', `${s.heading}:`, ...s.items.map((i) => `  - ${i}`)]),
  ];
}

/** A rehearsal: the scenario, then one line per email in time order (local time and zone of the recipient). */
export function rehearsalLines(r: Rehearsal): string[] {
  return [
    `Rehearsal of ${r.slug} (${r.title}): ${r.emails.length} emails`,
    'Scenario:',
    ...r.scenario.map((s) => `  - ${s}`),
    ...(r.unknownSites.length ? [`Not in the directory (skipped): ${r.unknownSites.join(', ')}`] : []),
    '',
    ...r.emails.map(
      (e) =>
        `${e.localTime} ${e.timeZone}  ${e.template}  ${e.role} ${e.name} <${e.email}>${e.siteId ? ` (${e.siteId})` : ''}  ${e.subject}`,
    ),
  ];
}
