/**
 * `npm run lc -- <command>`: the coordinators' and faculty's command line.
 * Each command validates its input with the domain schemas and prints a message a person can
 * act on; it exits 1 on bad input or an input the collaborative refuses, and 2 when a service
 * cannot be reached. The work is done by app/, which a web app reuses.
 */
import path from 'node:path';
import { Command } from 'commander';
import type { Client } from '@temporalio/client';
import type { Db, MongoClient } from 'mongodb';
import { ValidationError } from '../domain/errors';
import { PREWORK_ITEMS } from '../domain/inputs';
import { readSettings, type Settings } from '../domain/settings';
import { formatInZone } from '../domain/time';
import * as ops from '../app';
import * as cliArgs from './args';
import * as cliFormat from './format';

let settings: Settings | undefined;
const open: { mongo?: MongoClient; client?: Client } = {};

/** The settings: read by `main` before anything else; read here when the program is driven in-process (tests). */
function config(): Settings {
  return (settings ??= readSettings(process.env));
}

async function db(): Promise<Db> {
  const { MONGODB_URI, MONGODB_DB } = config();
  const { client, db } = await ops.openDatabase(MONGODB_URI, MONGODB_DB);
  open.mongo = client;
  return db;
}

async function temporal(): Promise<Client> {
  open.client = await ops.connectClient(config());
  return open.client;
}

const program = new Command()
  .name('lc')
  .description(
    'Run Learning Collaboratives on Temporal: the network directory, launching, the lifecycle, metrics, status and reports.',
  )
  .showHelpAfterError()
  .addHelpText(
    'after',
    `
Environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TASK_QUEUE, MONGODB_URI, MONGODB_DB (see README).

Examples:
  npm run lc -- sites import examples/sites.csv
  npm run lc -- launch examples/demo.yaml
  npm run lc -- apply demo examples/application.yaml
  npm run lc -- decide demo bayview accept --by jcohen@faculty.example.org
  npm run lc -- reschedule demo LS2 2027-09-20T09:30 --by sam.rivera@network.example.org
  npm run lc -- submit-metrics tf-cbt-2027 bayview 2027-06 examples/metrics.yaml --by lena.weiss@bayview.example.org
  npm run lc -- status demo
  npm run lc -- compliance tf-cbt-2027 --csv .data/tf-cbt-2027-compliance.csv
  npm run lc -- emails demo --status failed
  npm run lc -- preview decision

Each command's --help shows its examples, e.g. npm run lc -- attend --help`,
  );

const sites = program.command('sites').description('the network directory of sites and their PIs');
sites
  .command('import <file>')
  .description('validate a .csv or .yaml file of sites and upsert them by site id (all rows or none)')
  .addHelpText(
    'after',
    `
CSV columns: siteId,name,piName,piEmail[,timeZone][,active]
YAML: a list of the same fields (or "sites:" with a list).

Example:
  npm run lc -- sites import examples/sites.csv`,
  )
  .action(async (file: string) => {
    const r = await ops.importSites(await db(), file);
    console.log(`imported ${r.count} sites from ${file}: ${r.inserted} new, ${r.updated} updated`);
  });
sites
  .command('list')
  .description('list the sites of the network directory')
  .option('--active', 'only active sites')
  .action(async (o: { active?: boolean }) => {
    const list = await ops.listSites(await db(), { activeOnly: o.active });
    if (!list.length)
      return console.log('the directory is empty; import sites with `npm run lc -- sites import <file>`');
    const w = Math.max(...list.map((s) => s.siteId.length), 4);
    console.log(`${'SITE'.padEnd(w)}  ACTIVE  PI`);
    for (const s of list)
      console.log(
        `${s.siteId.padEnd(w)}  ${s.active ? 'yes   ' : 'no    '}  ${s.piName} <${s.piEmail}> — ${s.name}`,
      );
    console.log(`${list.length} sites`);
  });

program
  .command('launch <config>')
  .description('validate a launch config (.yaml or .json) and start its collaborative workflow lc/<slug>')
  .addHelpText('after', '\nExample:\n  npm run lc -- launch examples/demo.yaml')
  .action(async (file: string) => {
    const input = ops.readStructuredFile(file);
    const id = await ops.launch(await temporal(), await db(), config().TASK_QUEUE, input);
    console.log(id);
  });

// ---- the lifecycle: inputs to a running collaborative (Updates) -------------------------------

const examples = (...lines: string[]) =>
  `\nExamples:\n${lines.map((l) => `  npm run lc -- ${l}`).join('\n')}`;
const list = (items: readonly string[]) => (items.length ? items.join(', ') : '—');

program
  .command('apply <slug> <application>')
  .usage('<slug> <application.yaml|json>')
  .description(
    "submit a site's application (.yaml or .json) while applications are open; submitting again amends it",
  )
  .addHelpText(
    'after',
    `
The file holds the application: siteId, submittedBy (the PI's email), readiness (20+ characters),
commitCoreDataSet: true, commitAllSessions: true, and coreTeam (3–8 members with a senior-leader,
a supervisor and a clinician; a dataManager and a contactPerson). See examples/application.yaml.
${examples('apply demo examples/application.yaml')}`,
  )
  .action(async (slug: string, file: string) => {
    const input = ops.readStructuredFile(file);
    const r = await ops.submitApplication(await temporal(), slug, input, `the application in ${file}`);
    console.log(
      r.version === 1
        ? `application of ${r.siteId} received by lc/${slug} (version 1)`
        : `application of ${r.siteId} amended in lc/${slug} (version ${r.version}; it replaces version ${r.version - 1})`,
    );
  });

program
  .command('decide <slug> <siteId> <decision>')
  .usage('<slug> <siteId> <accept|waitlist|decline> --by <facultyEmail> [--notes "…"]')
  .description("record a faculty member's decision on a site's application (after applications close)")
  .option('--by <facultyEmail>', 'the deciding faculty member (required)')
  .option('--notes <text>', 'notes for the record')
  .addHelpText(
    'after',
    `
Decisions are sent to the sites together, once every application is decided (or when decisions are due).
${examples(
  'decide demo bayview accept --by jcohen@faculty.example.org',
  'decide demo harbor waitlist --by jcohen@faculty.example.org --notes "strong; no place left"',
)}`,
  )
  .action(async (slug: string, siteId: string, decision: string, o: { by?: string; notes?: string }) => {
    const r = await ops.recordDecision(await temporal(), slug, {
      siteId,
      decision,
      by: o.by,
      notes: o.notes,
    });
    console.log(`decision recorded in lc/${slug}: ${r.siteId} → ${r.decision}`);
  });

program
  .command('attend <slug> <siteId>')
  .usage('<slug> <siteId> --session <n> --present a@x,b@y [--absent c@z] --by <email>')
  .description("record who of a team's core team attended a learning session (sessions numbered from 1)")
  .option('--session <n>', 'the learning session: 1 for LS1, 2 for LS2, … (required)')
  .option('--present <emails>', 'comma-separated emails of the members who attended')
  .option('--absent <emails>', 'comma-separated emails of the members who did not')
  .option('--by <email>', 'who records it (required)')
  .addHelpText(
    'after',
    examples(
      'attend demo bayview --session 1 --present leader@bayview.example.org,clinician@bayview.example.org --absent supervisor@bayview.example.org --by sam.rivera@network.example.org',
    ),
  )
  .action(
    async (
      slug: string,
      siteId: string,
      o: { session?: string; present?: string; absent?: string; by?: string },
    ) => {
      const input = cliArgs.attendanceFromArgs({ slug, siteId, ...o });
      const r = await ops.recordAttendance(await temporal(), slug, siteId, input);
      console.log(
        `attendance recorded for ${siteId} at LS${r.session + 1} of lc/${slug}: ${r.present} present, ${
          input.attendees.filter((a) => !a.present).length
        } absent`,
      );
    },
  );

program
  .command('reschedule <slug> <milestone> <date>')
  .usage('<slug> <milestone> <date> --by <email>')
  .description("move a milestone of the schedule; the date is read in the collaborative's time zone")
  .option('--by <email>', 'a coordinator or faculty member (required)')
  .addHelpText(
    'after',
    `
Milestones: announcement, applicationsOpen, applicationsClose, decisionsDue, prework, end,
informationalCalls[i], learningSessions[i] (0-based), or LS1, LS2, … and call1, call2, … (from 1).
A date is 2027-05-20 (09:00), 2027-05-20T09:30 — both in the collaborative's time zone — or
carries its offset: 2027-05-20T09:30-04:00. A moved learning session keeps its length.
${examples(
  'reschedule demo LS2 2027-09-20 --by sam.rivera@network.example.org',
  'reschedule demo applicationsClose 2027-03-08T17:00 --by sam.rivera@network.example.org',
  "reschedule demo 'learningSessions[2]' 2028-01-31T09:30-08:00 --by sam.rivera@network.example.org",
)}`,
  )
  .action(async (slug: string, milestone: string, date: string, o: { by?: string }) => {
    const r = await ops.reschedule(await temporal(), await db(), slug, { milestone, date, by: o.by! });
    console.log(
      `${r.milestone} of lc/${slug} moved to ${formatInZone(r.at, r.timeZone)} (${r.at}); schedule version ${r.version}`,
    );
  });

program
  .command('withdraw <slug> <siteId>')
  .usage('<slug> <siteId> --reason "…" [--by <email>] [--promote-late]')
  .description(
    'withdraw an accepted team; until LS1 begins, the first team on the waiting list takes its place',
  )
  .option('--reason <text>', 'why the team withdraws (required)')
  .option('--by <email>', 'who records it')
  .option(
    '--promote-late',
    'after LS1 has begun, still give the place to the first waitlisted team (it joins late and catches up)',
  )
  .addHelpText(
    'after',
    examples(
      'withdraw demo fairview --reason "lost its clinical supervisor" --by sam.rivera@network.example.org',
      'withdraw demo fairview --reason "merged with another site" --promote-late',
    ),
  )
  .action(
    async (slug: string, siteId: string, o: { reason?: string; by?: string; promoteLate?: boolean }) => {
      const r = await ops.withdraw(await temporal(), slug, {
        siteId,
        reason: o.reason,
        by: o.by,
        ...(o.promoteLate ? { promoteLate: true } : {}),
      });
      console.log(
        `${r.siteId} withdrew from lc/${slug}${r.promoted ? `; ${r.promoted} is promoted from the waiting list` : ''}`,
      );
    },
  );

program
  .command('cancel <slug>')
  .usage('<slug> --reason "…" --by <coordinatorEmail>')
  .description('cancel the whole collaborative (coordinators only): the sites are told and the teams close')
  .option('--reason <text>', 'why it is cancelled (required)')
  .option('--by <coordinatorEmail>', 'a coordinator of the collaborative (required)')
  .addHelpText(
    'after',
    examples('cancel demo --reason "funding withdrawn" --by sam.rivera@network.example.org'),
  )
  .action(async (slug: string, o: { reason?: string; by?: string }) => {
    await ops.cancel(await temporal(), slug, { reason: o.reason, by: o.by });
    console.log(`lc/${slug} is cancelled: the invited sites are told and its teams close`);
  });

program
  .command('feedback <slug> <siteId>')
  .usage('<slug> <siteId> --by <facultyEmail> --text "…"')
  .description("record a faculty member's feedback to an accepted team (the team is emailed)")
  .option('--by <facultyEmail>', 'the faculty member (required)')
  .option('--text <text>', 'the feedback (required)')
  .addHelpText(
    'after',
    examples(
      'feedback demo bayview --by jcohen@faculty.example.org --text "Good progress on the trauma narrative."',
    ),
  )
  .action(async (slug: string, siteId: string, o: { by?: string; text?: string }) => {
    const r = await ops.recordFeedback(await temporal(), slug, { siteId, by: o.by, text: o.text });
    console.log(`feedback #${r.n} for ${r.siteId} recorded in lc/${slug}`);
  });

program
  .command('prework <slug> <siteId> <item>')
  .usage('<slug> <siteId> <checklist|commitment|baseline> --by <email>')
  .description("mark an item of an accepted team's pre-work as done")
  .option('--by <email>', 'who completed it (required)')
  .addHelpText('after', examples('prework demo bayview checklist --by ana.ruiz@bayview.example.org'))
  .action(async (slug: string, siteId: string, item: string, o: { by?: string }) => {
    const r = await ops.completePrework(await temporal(), slug, siteId, { item, by: o.by });
    const pending = PREWORK_ITEMS.filter((i) => !r.done.includes(i));
    console.log(
      `pre-work of ${siteId} in lc/${slug}: ${item} done (done: ${list(r.done)}; pending: ${list(pending)})`,
    );
  });

program
  .command('status <slug>')
  .description("show a collaborative's phase, next milestone, applications and each team's progress")
  .option('--json', 'print JSON')
  .addHelpText('after', examples('status demo', 'status demo --json'))
  .action(async (slug: string, o: { json?: boolean }) => {
    const s = await ops.statusReport(await temporal(), await db(), slug);
    if (o.json) return console.log(JSON.stringify(s, null, 2));
    const next = s.nextMilestone;
    console.log(`${s.title} (lc/${s.slug})`);
    console.log(`  phase:          ${s.phase}`);
    console.log(`  next milestone: ${next ? `${next.name} on ${formatInZone(next.at, s.timeZone)}` : '—'}`);
    console.log(`  announced to:   ${s.announcedTo} sites`);
    if (s.unknownSites.length) console.log(`  unknown sites:  ${s.unknownSites.join(', ')}`);
    console.log(`  applications:   ${s.applications}`);
    console.log(`  waiting list:   ${list(s.waitlist)}`);
    if (s.rejected.length) {
      console.log(`  rejected inputs (${s.rejected.length}):`);
      for (const r of s.rejected)
        console.log(`    ${formatInZone(r.at, s.timeZone)}  ${r.input}: ${r.message}`);
    }
    if (!s.teams.length) return;
    console.log('  teams:');
    const w = Math.max(...s.teams.map((t) => t.siteId.length));
    for (const t of s.teams) {
      let line = `    ${t.siteId.padEnd(w)}  ${t.state.padEnd(10)}  decision: ${(t.decision ?? '—').padEnd(8)}`;
      line += `  application v${t.applicationVersion}${t.promoted ? ', promoted' : ''}`;
      if (t.team) {
        const attended = ops.sessionsAttended(t.team);
        line += `  | pre-work: ${t.team.preworkDone.length}/${PREWORK_ITEMS.length} (${list(t.team.preworkDone)})`;
        line += `; sessions attended: ${list(attended.map((n) => `LS${n}`))}`;
        line += `; missed: ${list(t.team.missedSessions.map((n) => `LS${n + 1}`))}`;
      } else if (t.teamError) line += `  | team status unavailable: ${t.teamError}`;
      console.log(line.trimEnd());
    }
  });

// ---- Learning Communities --------------------------------------------------------------------------

const lcom = program
  .command('lcom')
  .description('Learning Communities: launch one; people join, share and leave; its status')
  .addHelpText(
    'after',
    `
A Learning Community brings individuals of the network's organisations who share an interest
together over an extended period: face-to-face and remote meetings, and ongoing sharing of
barriers, solutions and innovations (a digest goes to the members every digestEveryDays). No
applications and no teams: people join and leave at any time. See examples/community.yaml.
${examples(
  'lcom launch examples/community.yaml',
  'lcom join tis-2027 --name "Priya Shah" --email priya.shah@harbor.example.org --site harbor',
  'lcom share tis-2027 --kind solution --title "Consent at enrolment" --text "…" --by priya.shah@harbor.example.org',
  'lcom status tis-2027',
)}`,
  );

lcom
  .command('launch <config>')
  .description('validate a community config (.yaml or .json) and start its workflow lcom/<slug>')
  .addHelpText('after', examples('lcom launch examples/community.yaml'))
  .action(async (file: string) => {
    const input = ops.readStructuredFile(file);
    console.log(await ops.launchCommunity(await temporal(), await db(), config().TASK_QUEUE, input));
  });

lcom
  .command('join <slug>')
  .usage('<slug> --name "…" --email <email> [--site <siteId>]')
  .description('someone of the network joins: welcomed, and invited to the meetings to come')
  .option('--name <name>', "the person's name (required)")
  .option('--email <email>', 'their email address (required)')
  .option('--site <siteId>', 'their organisation, by its id in the network directory')
  .addHelpText(
    'after',
    examples('lcom join tis-2027 --name "Priya Shah" --email priya.shah@harbor.example.org --site harbor'),
  )
  .action(async (slug: string, o: { name?: string; email?: string; site?: string }) => {
    const input = { name: o.name, email: o.email, ...(o.site === undefined ? {} : { siteId: o.site }) };
    const r = await ops.joinCommunity(await temporal(), slug, input);
    console.log(
      `${r.email} joined lcom/${slug}${r.membership > 1 ? ` (again: membership ${r.membership})` : ''}; ${r.members} members`,
    );
  });

lcom
  .command('leave <slug>')
  .usage('<slug> --email <email>')
  .description('a member leaves: they hear nothing more from the community')
  .option('--email <email>', "the member's email address (required)")
  .addHelpText('after', examples('lcom leave tis-2027 --email priya.shah@harbor.example.org'))
  .action(async (slug: string, o: { email?: string }) => {
    const r = await ops.leaveCommunity(await temporal(), slug, { email: o.email });
    console.log(`${r.email} left lcom/${slug}; ${r.members} members`);
  });

lcom
  .command('share <slug>')
  .usage('<slug> --kind <barrier|solution|innovation> --title "…" --text "…" --by <memberEmail>')
  .description('a member shares a barrier, a solution or an innovation: it goes out in the next digest')
  .option('--kind <kind>', 'barrier, solution or innovation (required)')
  .option('--title <title>', 'a short title (required)')
  .option('--text <text>', 'what to share (required)')
  .option('--by <memberEmail>', 'the member who shares it (required)')
  .addHelpText(
    'after',
    examples(
      'lcom share tis-2027 --kind barrier --title "Consent forms" --text "Parents do not return them." --by priya.shah@harbor.example.org',
    ),
  )
  .action(async (slug: string, o: { kind?: string; title?: string; text?: string; by?: string }) => {
    const r = await ops.shareWithCommunity(await temporal(), slug, o);
    console.log(`${r.kind} #${r.n} shared with lcom/${slug}; it goes out in the next digest`);
  });

lcom
  .command('attend <slug>')
  .usage('<slug> --meeting <n> --present a@x,b@y --by <facilitatorEmail>')
  .description('record which members attended a meeting (meetings numbered from 1, in time order)')
  .option('--meeting <n>', 'the meeting: 1 for the first (required)')
  .option('--present <emails>', 'comma-separated emails of the members who attended')
  .option('--by <facilitatorEmail>', 'a facilitator of the community (required)')
  .addHelpText(
    'after',
    examples(
      'lcom attend tis-2027 --meeting 1 --present priya.shah@harbor.example.org --by rgerson@faculty.example.org',
    ),
  )
  .action(async (slug: string, o: { meeting?: string; present?: string; by?: string }) => {
    const r = await ops.recordMeetingAttendance(await temporal(), slug, cliArgs.meetingAttendanceFromArgs(o));
    console.log(`attendance of meeting ${r.meeting + 1} recorded in lcom/${slug}: ${r.present} present`);
  });

lcom
  .command('summary <slug>')
  .usage('<slug> --meeting <n> --text "…" --by <facilitatorEmail>')
  .description("send a facilitator's summary of a meeting to the members")
  .option('--meeting <n>', 'the meeting: 1 for the first (required)')
  .option('--text <text>', 'the summary (required)')
  .option('--by <facilitatorEmail>', 'a facilitator of the community (required)')
  .addHelpText(
    'after',
    examples('lcom summary tis-2027 --meeting 1 --text "We mapped …" --by rgerson@faculty.example.org'),
  )
  .action(async (slug: string, o: { meeting?: string; text?: string; by?: string }) => {
    const r = await ops.recordMeetingSummary(await temporal(), slug, cliArgs.meetingSummaryFromArgs(o));
    console.log(`summary of meeting ${r.meeting + 1} sent to ${r.sentTo} members of lcom/${slug}`);
  });

lcom
  .command('status <slug>')
  .option('--json', 'print JSON')
  .description("show a community's phase, next meeting, members and what they shared")
  .addHelpText('after', examples('lcom status tis-2027', 'lcom status tis-2027 --json'))
  .action(async (slug: string, o: { json?: boolean }) => {
    const report = await ops.communityStatusReport(await temporal(), await db(), slug);
    console.log(o.json ? JSON.stringify(report, null, 2) : cliFormat.communityStatusLines(report).join('\n'));
  });

// ---- metrics and reports ------------------------------------------------------------------------

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
  .command('emails <slug>')
  .usage('<slug> [--status sent|failed|claimed] [--purpose <kind>] [--to <email>] [--limit N] [--json]')
  .description('the email log of a collaborative (its outbox), newest first; failed emails show their error')
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
  .usage('<template> [--out <file>] [--text] | --list')
  .description('render an email template with sample data, to an HTML file (or its text part)')
  .option('--list', 'list the templates')
  .option('--out <file>', 'where to write (default .data/preview/<template>.html, or .txt with --text)')
  .option('--text', 'the plain-text part: printed, or written to --out when given')
  .addHelpText(
    'after',
    `
The sample data is the collaborative of examples/collaborative.yaml and the sites of
examples/sites.csv (templates/samples.ts). A template whose sample lacks a value it needs fails.
${examples('preview --list', 'preview decision', 'preview metrics-reminder --text', 'preview final-report --out /tmp/report.html')}`,
  )
  .action((template: string | undefined, o: { list?: boolean; out?: string; text?: boolean }) => {
    if (o.list) {
      const list = ops.templateList();
      const w = Math.max(...list.map((t) => t.name.length));
      for (const t of list) console.log(`${t.name.padEnd(w)}  ${t.description}`);
      return console.log(`${list.length} templates`);
    }
    const { name, rendered } = ops.renderPreview(template);
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
    const out = o.out ?? path.join(ops.PREVIEW_DIR, `${name}.${o.text ? 'txt' : 'html'}`);
    const file = cliFormat.writeFileOrFail(
      out,
      o.text ? `Subject: ${rendered.subject}\n\n${rendered.text}` : rendered.html,
    );
    console.log(`wrote ${name} to ${file}`);
    console.log(`  subject: ${rendered.subject}`);
    for (const e of extras) console.log(`  ${e}`);
  });

async function main() {
  try {
    settings = readSettings(process.env);
    await program.parseAsync(process.argv);
  } catch (err) {
    if (err instanceof ValidationError || err instanceof ops.OperationError) {
      console.error(err.message);
      // 2: a service cannot be reached; 1: bad input, or refused by the collaborative.
      process.exitCode = err instanceof ops.OperationError && err.kind === 'unavailable' ? 2 : 1;
    } else {
      console.error(err);
      process.exitCode = 1;
    }
  } finally {
    await open.mongo?.close();
    await open.client?.connection.close();
  }
}

export { program };

// Run when started as the CLI; importable (by tests, for the help texts) without running.
if (require.main === module) {
  // `lc status demo | head` closes the pipe early: that is the reader's choice, not a failure.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  void main();
}
