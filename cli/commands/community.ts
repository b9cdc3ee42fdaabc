/** Learning Communities: launch, join, leave, share, meetings, status. */
import { Command } from 'commander';
import * as ops from '../../app';
import * as cliArgs from '../args';
import type { CliContext } from '../context';
import * as cliFormat from '../format';
import { examples } from '../help';

export function register(program: Command, { config, db, temporal }: CliContext): void {
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
      const r = await ops.recordMeetingAttendance(
        await temporal(),
        slug,
        cliArgs.meetingAttendanceFromArgs(o),
      );
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
      console.log(
        o.json ? JSON.stringify(report, null, 2) : cliFormat.communityStatusLines(report).join('\n'),
      );
    });
}
