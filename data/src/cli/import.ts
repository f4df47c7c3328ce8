import path from 'node:path';
import {
  baseEnv,
  type CliSpec,
  connectDatabases,
  migrateOltp,
  parseCli,
  parseEnv,
  repoRoot,
  runCli,
  ValidationError,
} from '@erp/kit';
import {
  checkReadableDirectory,
  formatSummary,
  importDirectory,
  isNativeDirectory,
  MAPPINGS,
  resolveMapping,
} from '../import';

const spec: CliSpec<{
  dir: { type: 'string' };
  mapping: { type: 'string' };
  'dry-run': { type: 'boolean'; default: boolean };
}> = {
  usage: 'npm run import -- --dir DIR --mapping NAME|FILE [--dry-run]',
  description:
    'Imports CSV / .csv.gz files into the OLTP through a column mapping, all or nothing (one transaction); re-importing the same files changes nothing.',
  options: {
    dir: { type: 'string' },
    mapping: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  },
  help: {
    dir: "folder of the source files (default: the mapping's own folder)",
    mapping: `${Object.keys(MAPPINGS).join(', ')}, or a mapping file (data/MAPPINGS.md); may be left out for a folder in the native format`,
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
  // Decided before any database work: a wrong folder or mapping is a one-line error.
  const dir = args.dir ?? (args.mapping ? undefined : 'data/native');
  if (dir) checkReadableDirectory(path.resolve(repoRoot(), dir));
  const mappingName =
    args.mapping ?? (dir && isNativeDirectory(path.resolve(repoRoot(), dir)) ? 'native' : undefined);
  if (!mappingName)
    throw new ValidationError(
      'mapping',
      undefined,
      `required: ${dir} is not in the native format; use --mapping ${Object.keys(MAPPINGS).join('|')} or a mapping file`,
    );
  const mapping = resolveMapping(mappingName);
  const env = parseEnv(baseEnv);
  const dbs = await connectDatabases(env, { log: () => undefined });
  try {
    await migrateOltp(dbs.oltpUrl);
    // Every step says when it starts; one running longer than a few seconds keeps a progress line
    // (rows, rows/s, ETA where the share done is known) on stderr, redrawn in place on a terminal.
    const started = Date.now();
    const summary = await importDirectory({
      url: dbs.oltpUrl,
      dir,
      mapping,
      dryRun: args['dry-run'],
      log: (line) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${line}\n`),
    });
    console.log(formatSummary(summary));
    return summary.status === 'failed' ? 1 : 0;
  } finally {
    await dbs.close();
  }
});
