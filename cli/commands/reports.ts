/**
 * Metrics and reports: submitting metrics, compliance (and its CSV), the CSV exports, the final
 * report (and its PDF), the email log, template previews.
 */
import { Command } from 'commander';
import path from 'node:path';
import * as ops from '../../app';
import * as cliArgs from '../args';
import type { CliContext } from '../context';
import * as cliFormat from '../format';
import { ValidationError } from '../../domain/errors';
import { examples, list } from '../help';

export function register(program: Command, { db, temporal, config }: CliContext): void {
  program
    .command('submit-metrics <slug> <siteId> <period> <values>')
    .usage('<slug> <siteId> <period> <values.yaml|json> --by <email>')
    .description(
      "submit a team's metrics for a reporting period (YYYY-MM); submitting a period again amends it",
    )
    .option('--by <email>', "who submits: usually the team's data manager (required)")
    .addHelpText(
      'after',
      `
  The file (.yaml or .json) holds the values object: one key per measure of the collaborative's
  metrics.measures, e.g. children_served: 14, fidelity: 86.5, cds_used: true (yes/no measures take
  true or false), notes: "…". See examples/metrics.yaml. The team workflow checks the values against
  the measures and the period against the schedule; a refusal says why and changes nothing.
  ${examples(
    'submit-metrics tf-cbt-2027 bayview 2027-06 examples/metrics.yaml --by lena.weiss@bayview.example.org',
    'submit-metrics tf-cbt-2027 bayview 2027-06 june.json --by lena.weiss@bayview.example.org',
  )}`,
    )
    .action(async (slug: string, siteId: string, period: string, file: string, o: { by?: string }) => {
      const input = cliArgs.metricsFromArgs({ slug, siteId, period, file, by: o.by });
      const r = await ops.submitMetrics(await temporal(), slug, siteId, input);
      console.log(
        `metrics of ${siteId} for ${r.period} recorded in lc/${slug} (${r.late ? 'late' : 'on time'})${
          r.amendment ? '; they replace the earlier submission' : ''
        }`,
      );
    });

  program
    .command('compliance <slug>')
    .usage('<slug> [--csv <file>]')
    .description("show which teams submitted each period's metrics: on time, late, missing or not yet due")
    .option('--csv <file>', 'also write the matrix as CSV, one row per team and period')
    .addHelpText(
      'after',
      `
  One row per accepted (or completed) team, one column per reporting period:
    ✓ on time (by the due date plus the grace days)   L late   ✗ missing   · not yet due
  then each team's on-time periods of those due, and the totals with percentages.
  The CSV has the columns siteId,period,status (status: on-time, late, missing, not-yet-due).
  ${examples('compliance tf-cbt-2027', 'compliance tf-cbt-2027 --csv .data/tf-cbt-2027-compliance.csv')}`,
    )
    .action(async (slug: string, o: { csv?: string }) => {
      ops.checkSlug(slug);
      const r = await ops.complianceReport(await db(), slug, Date.now());
      for (const line of cliFormat.complianceLines(r)) console.log(line);
      if (o.csv) {
        const file = cliFormat.writeFileOrFail(o.csv, ops.complianceCsv(r));
        console.log(`wrote ${r.teams.length * r.periods.length} rows (siteId,period,status) to ${file}`);
      }
    });

  program
    .command('export <slug> <kind>')
    .usage(`<slug> <${ops.EXPORT_KINDS.join('|')}> [--out <file>]`)
    .description("one of a collaborative's records as a CSV file, as the web app's downloads give it")
    .option(
      '--out <file>',
      'write the file there (UTF-8 with a byte-order mark, as Excel wants); else print it',
    )
    .addHelpText(
      'after',
      `
  The kinds, one row per:
    applications  application (its latest version): the four criteria, the core team, the decision
    decisions     application: its decision (or undecided), by whom, when, the notes sent
    teams         team: its status, promoted from the waiting list or not, the pre-work done
    attendance    person and learning session recorded: present or absent
    compliance    team and reporting period: on-time, late, missing or not-yet-due (as of now)
    metrics       submission (team × period): who sent it, when, late or not, one column per measure
  Times are in the collaborative's time zone, which each time column's header names. A cell that a
  spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) is written
  with a ' in front. compliance and metrics need a collaborative that collects metrics.
  ${examples(
    'export tf-cbt-2027 applications --out .data/tf-cbt-2027-applications.csv',
    'export tf-cbt-2027 metrics > metrics.csv',
  )}`,
    )
    .action(async (slug: string, kind: string, o: { out?: string }) => {
      ops.checkSlug(slug);
      if (!ops.isExportKind(kind))
        throw new ValidationError('the export', [
          `kind: "${kind}" is not an export; one of: ${list(ops.EXPORT_KINDS)}`,
        ]);
      const f = await ops.collaborativeExport(await db(), slug, kind, Date.now());
      if (!o.out) return void process.stdout.write(f.text.replace(/^\uFEFF/, ''));
      const written = cliFormat.writeFileOrFail(o.out, f.text);
      console.log(`wrote ${f.rows} rows of ${ops.EXPORT_TITLES[kind]} to ${written}`);
    });

  program
    .command('report <slug>')
    .usage('<slug> [--pdf <file>] [--json]')
    .description(
      'the final report: the one sent when the collaborative ended, or (before that) the report so far',
    )
    .option('--pdf <file>', 'also write it as a PDF (headings, tables, run charts, page numbers)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
  Prints the summary (applications, decisions, teams, metrics submitted, run-chart signals), one row
  per team (sessions attended, pre-work, feedback, metrics on time) and the signals by meaning. Before
  the collaborative ends it is computed from the records as they are now, and says so; nothing is stored.
  ${examples('report tf-cbt-2027', 'report tf-cbt-2027 --pdf .data/tf-cbt-2027-report.pdf')}`,
    )
    .action(async (slug: string, o: { pdf?: string; json?: boolean }) => {
      const database = await db();
      const v = await ops.finalReportView(database, slug);
      if (o.json)
        console.log(JSON.stringify({ ...v, charts: v.charts.map(({ svg: _svg, ...c }) => c) }, null, 2));
      else for (const line of cliFormat.finalReportLines(v)) console.log(line);
      if (o.pdf) {
        const f = await ops.finalReportPdfFile(database, slug);
        console.log(`wrote the report as a PDF to ${cliFormat.writeFileOrFail(o.pdf, f.bytes)}`);
      }
    });

  program
    .command('emails <slug>')
    .usage('<slug> [--status sent|failed|claimed] [--purpose <kind>] [--to <email>] [--limit N] [--json]')
    .description(
      'the email log of a collaborative (its outbox), newest first; failed emails show their error',
    )
    .option('--status <status>', 'only sent, failed or claimed (being sent) emails')
    .option('--purpose <kind>', 'only emails of this kind (announcement, decision, …; see `preview --list`)')
    .option('--to <email>', 'only emails to this address')
    .option('--limit <n>', `show the newest n (default ${ops.EMAIL_LOG_DEFAULT_LIMIT})`)
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
  Times are in the collaborative's time zone: when an email was sent, failed, or (still being sent) claimed.
  ${examples(
    'emails demo',
    'emails demo --status failed',
    'emails demo --purpose decision --to ana.ruiz@bayview.example.org',
    'emails demo --limit 200 --json',
  )}`,
    )
    .action(
      async (
        slug: string,
        o: { status?: string; purpose?: string; to?: string; limit?: string; json?: boolean },
      ) => {
        ops.checkEmailLogRequest(slug, o);
        const log = await ops.emailLog(await db(), slug, o);
        if (o.json) return console.log(JSON.stringify(log, null, 2));
        for (const line of cliFormat.emailLogLines(log)) console.log(line);
      },
    );

  program
    .command('preview [template]')
    .usage('<template> [--collaborative <slug>] [--out <file>] [--text] | --list')
    .description(
      "render an email template with sample data, or with a collaborative's own data, to an HTML file (or its text part)",
    )
    .option('--list', 'list the templates (with --collaborative: those it sends)')
    .option(
      '--collaborative <slug>',
      "render with this collaborative's data: its schedule, people, a real announced site (personal links faked)",
    )
    .option('--out <file>', 'where to write (default .data/preview/<template>.html, or .txt with --text)')
    .option('--text', 'the plain-text part: printed, or written to --out when given')
    .addHelpText(
      'after',
      `
  The sample data is the collaborative of examples/collaborative.yaml and the sites of
  examples/sites.csv (templates/samples.ts). A template whose sample lacks a value it needs fails.
  With --collaborative, the data is that collaborative's, read from MongoDB as the notify activity reads it.
  ${examples('preview --list', 'preview decision', 'preview session-invite --collaborative demo --text', 'preview metrics-reminder --text', 'preview final-report --out /tmp/report.html')}`,
    )
    .action(
      async (
        template: string | undefined,
        o: { list?: boolean; out?: string; text?: boolean; collaborative?: string },
      ) => {
        const slug = o.collaborative;
        if (o.list) {
          const list = slug
            ? (await ops.collaborativeTemplateList(await db(), slug)).templates
            : ops.templateList();
          const w = Math.max(...list.map((t) => t.name.length));
          for (const t of list) console.log(`${t.name.padEnd(w)}  ${t.description}`);
          return console.log(`${list.length} templates`);
        }
        const { name, rendered } = slug
          ? await ops.collaborativePreview(await db(), slug, template ?? '', {
              baseUrl: config().LC_WEB_BASE_URL ?? `http://localhost:${config().LC_WEB_PORT}`,
            })
          : ops.renderPreview(template);
        const extras = [
          ...[rendered.calendar, ...(rendered.moreCalendars ?? [])]
            .filter((c) => c !== undefined)
            .map((c) => `calendar entry (${c.method}): ${c.summary}`),
          ...(rendered.attachments ?? []).map((a) => `attachment: ${a.filename}`),
        ];
        if (o.text && !o.out) {
          console.log(`Subject: ${rendered.subject}\n`);
          process.stdout.write(rendered.text);
          return;
        }
        const file0 = slug ? `${slug}-${name}` : name;
        const out = o.out ?? path.join(ops.PREVIEW_DIR, `${file0}.${o.text ? 'txt' : 'html'}`);
        const file = cliFormat.writeFileOrFail(
          out,
          o.text ? `Subject: ${rendered.subject}\n\n${rendered.text}` : rendered.html,
        );
        console.log(`wrote ${name} to ${file}`);
        console.log(`  subject: ${rendered.subject}`);
        for (const e of extras) console.log(`  ${e}`);
      },
    );
}
