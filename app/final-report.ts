/**
 * A collaborative's final report to read and print: the one stored and emailed when it ended, or,
 * before that, the same report computed from the records so far (not stored: the workflow's is the
 * one of record). The web's printable page, its PDF, the API and the CLI all read it here.
 */
import type { Db } from 'mongodb';
import { formatInZone } from '../domain/time';
import { finalReportPdf, type FinalReportPdfInput } from '../reports/final-report-pdf';
import { currentSchedule } from '../store/collaboratives';
import { computeFinalReport, storedFinalReport, type FinalReport } from '../reports/final-report';
import { dashboardCharts, type PageChart } from './charts';
import { collaborativeRecord } from './collaborative';
import { OperationError } from './errors';
import { checkSlug } from './validate';

export type { FinalReport } from '../reports/final-report';

export interface FinalReportView {
  slug: string;
  title: string;
  practice: string;
  timeZone: string;
  /** `final`: the report sent when the collaborative ended; `so-far`: computed now from the records. */
  state: 'final' | 'so-far';
  /** 'Final report, made 2027-12-01 09:00 (America/New_York).' or 'Report so far, …' */
  status: string;
  report: FinalReport;
  /** The run charts as the collaborative's page draws them (each team, and the mean). */
  charts: PageChart[];
  /** The teams' table: one row per team, the same columns on the page, in the PDF and in the CLI. */
  teamTable: { header: string[]; rows: string[][] };
}

export async function finalReportView(db: Db, slug: string): Promise<FinalReportView> {
  checkSlug(slug);
  const doc = await collaborativeRecord(db, slug);
  const unreadable = (err: Error) => {
    if (err instanceof OperationError) throw err;
    throw new OperationError(`cannot read the report of "${slug}" from MongoDB (${err.message})`);
  };
  const stored = await storedFinalReport(db, slug).catch(unreadable);
  const report = stored ?? (await computeFinalReport(db, slug).catch(unreadable));
  const charts = await dashboardCharts(db, doc).catch(unreadable);
  const tz = doc.config.timeZone;
  const when = formatInZone(new Date(report.generatedAt).toISOString(), tz);
  const sessions = currentSchedule(doc).learningSessions.length;
  return {
    slug,
    title: doc.config.title,
    practice: doc.config.practice,
    timeZone: tz,
    state: stored ? 'final' : 'so-far',
    status: stored
      ? `Final report, made ${when} (${tz}) when the collaborative ended.`
      : `Report so far, as of ${when} (${tz}): the final report is made when the collaborative ends.`,
    report,
    charts,
    teamTable: {
      header: ['Team', 'Status', 'Sessions attended', 'Pre-work done', 'Feedback', 'Metrics (on time)'],
      rows: report.teams.map((t) => [
        t.name,
        t.promoted ? `${t.status} (promoted)` : t.status,
        t.status === 'withdrawn'
          ? '—'
          : `${t.sessionsAttended} of ${sessions}${t.sessionsMissed.length ? ` (missed LS${t.sessionsMissed.map((i) => i + 1).join(', LS')})` : ''}`,
        `${t.prework.length} of 3`,
        String(t.feedback),
        `${t.submitted} (${t.onTime} on time)`,
      ]),
    },
  };
}

/** The report as a PDF file: `<slug>-final-report.pdf`. */
export async function finalReportPdfFile(db: Db, slug: string): Promise<{ filename: string; bytes: Buffer }> {
  const v = await finalReportView(db, slug);
  const input: FinalReportPdfInput = {
    title: v.title,
    subtitle: `${v.practice} · lc/${v.slug}`,
    status: v.status,
    summary: v.report.summary,
    teams: v.teamTable,
    signalSections: v.report.signalSections,
    charts: v.charts,
  };
  return { filename: `${slug}-final-report.pdf`, bytes: await finalReportPdf(input) };
}
