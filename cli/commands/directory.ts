/** The network directory (`sites import`, `sites list`) and `launch`. */
import { Command } from 'commander';
import * as ops from '../../app';
import type { CliContext } from '../context';

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
}
