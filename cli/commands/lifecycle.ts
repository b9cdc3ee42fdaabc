/** The lifecycle of a running collaborative: applications, decisions, attendance, pre-work, withdrawal, cancellation, feedback, rescheduling, added faculty and late sites, status. */
import { Command } from 'commander';
import * as ops from '../../app';
import { PREWORK_ITEMS } from '../../domain/inputs';
import { agendaItemLabel } from '../../domain/agenda-labels';
import { formatInZone } from '../../domain/time';
import * as cliArgs from '../args';
import type { CliContext } from '../context';
import { examples, list } from '../help';

export function register(program: Command, { db, temporal, outbox }: CliContext): void {
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
    .command('add-faculty <slug> <name> <email>')
    .usage('<slug> "<name>" <email> --by <coordinatorEmail>')
    .description(
      'add a faculty member to a running collaborative (coordinators only): they may then sign in, review and decide',
    )
    .option('--by <coordinatorEmail>', 'a coordinator of the collaborative (required)')
    .addHelpText(
      'after',
      examples(
        'add-faculty demo "Dr. Rae Okafor" rae.okafor@faculty.example.org --by sam.rivera@network.example.org',
      ),
    )
    .action(async (slug: string, name: string, email: string, o: { by?: string }) => {
      const r = await ops.addFaculty(await temporal(), await db(), slug, { name, email, by: o.by });
      console.log(`${r.email} is faculty of lc/${slug} (${r.faculty} faculty members now)`);
    });

  program
    .command('add-site <slug> <siteId>')
    .usage('<slug> <siteId> --by <coordinatorEmail>')
    .description(
      'announce a running collaborative to one more site of the directory, until applications close (coordinators only)',
    )
    .option('--by <coordinatorEmail>', 'a coordinator of the collaborative (required)')
    .addHelpText(
      'after',
      `
  The site must be active in the network directory and not announced to yet; its PI receives the
  same announcement email as the others (once) and may apply.
  ${examples('add-site demo lakeside --by sam.rivera@network.example.org')}`,
    )
    .action(async (slug: string, siteId: string, o: { by?: string }) => {
      const r = await ops.announceLateSite(await temporal(), await db(), slug, { siteId, by: o.by });
      console.log(`lc/${slug} is announced to ${r.siteId} (${r.announcedTo} sites now)`);
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
    .command('register <slug>')
    .usage('<slug> --call <n> --site <siteId> --name "…" --email <email>')
    .description(
      'register someone of an announced site for an informational call; they are emailed its calendar invitation (once) and, the day before, its reminder',
    )
    .option('--call <n>', 'the informational call, numbered from 1 as in the emails (required)')
    .option('--site <siteId>', 'the site they come from: one the collaborative was announced to (required)')
    .option('--name <name>', "the registrant's name (required)")
    .option('--email <email>', "the registrant's email: where the invitation and reminder go (required)")
    .addHelpText(
      'after',
      `
  Only those registered receive a call's invitation and reminder. A PI can register themself or a
  colleague; registering the same email again sends nothing more. Calls that took place are refused.
  ${examples(
    'register demo --call 1 --site bayview --name "Ana Ruiz" --email ana.ruiz@bayview.example.org',
  )}`,
    )
    .action(async (slug: string, o: { call?: string; site?: string; name?: string; email?: string }) => {
      const r = await ops.registerForCall(await temporal(), await db(), await outbox(), slug, {
        call: cliArgs.callFromArg(o.call),
        siteId: o.site,
        name: o.name,
        email: o.email,
      });
      const invitation = {
        sent: 'its calendar invitation is sent',
        'already-sent': 'the invitation was sent before',
        failed: 'the invitation was refused by the mail server (see `lc emails`)',
      }[r.invitation];
      console.log(
        `${r.email} (${r.siteId}) registered for informational call ${r.call + 1} of lc/${slug}; ${invitation}`,
      );
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
      console.log(
        `  next milestone: ${next ? `${agendaItemLabel(next.name)} on ${formatInZone(next.at, s.timeZone)}` : '—'}`,
      );
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
}
