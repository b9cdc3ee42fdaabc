/** The network directory (`sites import`, `sites list`), `launch` and its `rehearse`. */
import { Command } from 'commander';
import * as ops from '../../app';
import type { CliContext } from '../context';
import * as cliFormat from '../format';
import { examples } from '../help';

export function register(program: Command, { config, db, temporal }: CliContext): void {
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

  program
    .command('rehearse <config>')
    .usage('<config.yaml|json> [--csv [file]]')
    .description(
      'list every email a launch config will send — when, to whom, which template — without launching it',
    )
    .option('--csv [file]', 'write the list as CSV to the file (to standard output when no file is named)')
    .addHelpText(
      'after',
      `
  The rehearsal reads the network directory for the config's sites and walks the same agendas,
  recipient rules and templates the running collaborative uses, under one scenario (printed first):
  every site applies and is accepted, teams do their pre-work, attend and report on time, nothing
  bounces. Core-team members are not known until a site applies: they are listed by role
  (e.g. data-manager@bayview.example.invalid). Times are in each recipient's own zone.
  ${examples('rehearse examples/collaborative.yaml', 'rehearse examples/collaborative.yaml --csv .data/rehearsal.csv', 'rehearse examples/collaborative.yaml --csv > rehearsal.csv')}`,
    )
    .action(async (file: string, o: { csv?: string | boolean }) => {
      const r = await ops.rehearse(await db(), ops.parseConfigText(ops.readTextFile(file), file));
      if (o.csv === true) return void process.stdout.write(ops.rehearsalCsv(r));
      if (o.csv) {
        const out = cliFormat.writeFileOrFail(o.csv, ops.rehearsalCsv(r));
        return console.log(`${r.emails.length} emails written to ${out}`);
      }
      for (const line of cliFormat.rehearsalLines(r)) console.log(line);
    });
}
