import { baseEnv, type CliSpec, connectDatabases, migrateOltp, parseCli, parseEnv, runCli } from '@erp/kit';
import { formatSummary, importDirectory, MAPPINGS } from '../import';

const spec: CliSpec<{
  dir: { type: 'string' };
  mapping: { type: 'string'; default: string };
  'dry-run': { type: 'boolean'; default: boolean };
}> = {
  usage: 'npm run import -- --dir DIR [--mapping NAME|FILE] [--dry-run]',
  description:
    'Imports CSV / .csv.gz files into the OLTP through a column mapping, all or nothing (one transaction); re-importing the same files changes nothing.',
  options: {
    dir: { type: 'string' },
    mapping: { type: 'string', default: 'native' },
    'dry-run': { type: 'boolean', default: false },
  },
  help: {
    dir: "folder of the source files (default: the mapping's own folder)",
    mapping: `${Object.keys(MAPPINGS).join(', ')}, or a module exporting a mapping`,
    'dry-run': 'validate and report what would change, write nothing',
  },
  examples: [
    'npm run import -- --dir data/native',
    'npm run import -- --mapping northwind --dir ../shared/datasets/northwind/csv',
    'npm run import -- --mapping online-retail --dry-run',
  ],
};

runCli(async () => {
  const args = parseCli(spec);
  const env = parseEnv(baseEnv);
  const dbs = await connectDatabases(env, { log: () => undefined });
  try {
    await migrateOltp(dbs.oltpUrl);
    const summary = await importDirectory({
      url: dbs.oltpUrl,
      dir: args.dir,
      mapping: args.mapping,
      dryRun: args['dry-run'],
    });
    console.log(formatSummary(summary));
    return summary.status === 'failed' ? 1 : 0;
  } finally {
    await dbs.close();
  }
});
