import { migrateDwh } from '@erp/dwh-schema';
import { connectDatabases, createPool, parseCli, runCli } from '@erp/kit';
import { aiEnv, PROVIDERS } from './env';
import { createModel } from './providers/adapters';
import { buildReport, saveReport } from './report';
import { latestPeriod } from './insights';
import type { Audience } from './story';
import type { Language } from './format';

const spec = {
  usage:
    'npm run report -- [--period YYYY-MM|YYYY-Qn|YYYY] [--audience executive|tactical|operational] [--language fr|en] [--provider none|auto|gemini|openai|anthropic|ollama]',
  description:
    'Writes the report of a period from the warehouse (DWH_DATABASE_URL, default: the embedded one): facts computed by the\n' +
    'insight engine, prioritised actions, and a story for the audience, written by templates; with a provider configured\n' +
    '(AI_PROVIDER and its key) the story is rephrased by the model and kept only if every number in it is one of the facts.\n' +
    'Prints the story and stores it with its facts in ai.reports.',
  options: {
    period: { type: 'string' as const },
    audience: { type: 'string' as const, default: 'executive' },
    language: { type: 'string' as const, default: 'fr' },
    provider: { type: 'string' as const },
  },
  help: {
    period: 'the month, quarter or year (default: the month of the latest sale)',
    audience: 'executive, tactical or operational',
    language: 'fr or en',
    provider: 'none (templates only), auto (first configured) or a provider name (default: AI_PROVIDER)',
  },
  examples: [
    'npm run report',
    'npm run report -- --period 2026-10 --audience operational --language en',
    'npm run report -- --provider none',
  ],
};

runCli(async () => {
  const args = parseCli(spec);
  if (!['executive', 'tactical', 'operational'].includes(args.audience!)) {
    console.error(`--audience: expected executive, tactical or operational, got "${args.audience}"`);
    return 2;
  }
  if (!['fr', 'en'].includes(args.language!)) {
    console.error(`--language: expected fr or en, got "${args.language}"`);
    return 2;
  }
  if (args.provider !== undefined && !['none', 'auto', ...PROVIDERS].includes(args.provider)) {
    console.error(
      `--provider: expected none, auto or one of ${PROVIDERS.join(', ')}, got "${args.provider}"`,
    );
    return 2;
  }
  if (args.period !== undefined && !/^\d{4}(-\d{2}|-Q[1-4])?$/i.test(args.period)) {
    console.error(`--period: expected YYYY-MM, YYYY-Qn or YYYY, got "${args.period}"`);
    return 2;
  }
  const env = aiEnv();
  const model = createModel({
    ...env,
    ...(args.provider ? { AI_PROVIDER: args.provider as typeof env.AI_PROVIDER } : {}),
  });
  const dbs = env.DWH_DATABASE_URL ? undefined : await connectDatabases(env);
  const dwhUrl = env.DWH_DATABASE_URL ?? dbs!.dwhUrl;
  await migrateDwh(dwhUrl); // ai.reports is the warehouse's (dwh-schema migrations)
  const pool = createPool(dwhUrl, { applicationName: 'erp-ai-report' });
  try {
    const report = await buildReport(pool, {
      period: args.period ?? (await latestPeriod(pool)),
      audience: args.audience as Audience,
      language: args.language as Language,
      model,
    });
    console.log(report.text);
    const id = await saveReport(pool, report);
    console.log(
      `\n(${report.insights.facts.length} facts, ${report.recommendations.length} actions; source: ${report.source}${report.fallbackReason ? ` — ${report.fallbackReason}` : ''}; stored as ai.reports #${id})`,
    );
  } finally {
    await pool.end();
    await dbs?.close();
  }
});
