import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError, ConfigError } from './errors';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CliSpec<O extends Options> {
  /** e.g. `npm run import -- --dir DIR [--mapping NAME|FILE] [--dry-run]` */
  usage: string;
  description: string;
  options: O;
  /** One line of help per option name. */
  help: Record<keyof O & string, string>;
  examples?: string[];
}

export function helpText<O extends Options>(spec: CliSpec<O>): string {
  const lines = [`Usage: ${spec.usage}`, '', spec.description, '', 'Options:'];
  for (const [name, opt] of Object.entries(spec.options)) {
    const flag = `--${name}${opt.type === 'string' ? ' VALUE' : ''}`;
    const def = opt.default !== undefined ? ` (default: ${String(opt.default)})` : '';
    lines.push(`  ${flag.padEnd(26)} ${spec.help[name as keyof O & string] ?? ''}${def}`);
  }
  lines.push(`  ${'--help'.padEnd(26)} show this help`);
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

/**
 * Parses argv against the spec; prints help and exits 0 on --help, prints a readable error and the
 * usage and exits 2 on a wrong argument.
 */
export function parseCli<O extends Options>(spec: CliSpec<O>, argv = process.argv.slice(2)) {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(helpText(spec));
    process.exit(0);
  }
  try {
    return parseArgs({ args: argv, options: spec.options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${helpText(spec)}`);
    process.exit(2);
  }
}

/** Runs a CLI's main: readable message and exit 1 on a known error, full detail on an unknown one. */
export function runCli(main: () => Promise<void | number>): void {
  main().then(
    (code) => process.exit(typeof code === 'number' ? code : 0),
    (err: unknown) => {
      if (err instanceof ConfigError) console.error(err.message);
      else if (err instanceof AppError) console.error(`Error (${err.code}): ${err.message}`);
      else console.error(err);
      process.exit(1);
    },
  );
}

/** Parses a positive integer option, naming the option when it is wrong. */
export function intOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) {
    console.error(`--${name}: expected a positive whole number, got "${value}"`);
    process.exit(2);
  }
  return n;
}
