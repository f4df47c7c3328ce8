import pino from 'pino';

/** One JSON logger per process; `name` says which service wrote the line. */
export function createLogger(name: string, level = 'info') {
  return pino({ name, level, base: { service: name }, timestamp: pino.stdTimeFunctions.isoTime });
}
export type Logger = ReturnType<typeof createLogger>;
