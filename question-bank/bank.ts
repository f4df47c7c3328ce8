import { NATIVE } from './native';
import { NORTHWIND } from './northwind';
import type { Question } from './types';

/** The whole bank, data/native first. */
export const BANK: Question[] = [...NATIVE, ...NORTHWIND];

/**
 * BANK_FILTER selects a subset: comma-separated terms, each an id (n012), a dataset (native,
 * northwind), a tag (why, ranking…), a language (fr, en) or words of the question; a question is kept
 * when it matches any term.
 */
export function selected(filter: string | undefined): Question[] {
  if (!filter?.trim()) return BANK;
  const terms = filter
    .split(',')
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
  return BANK.filter((q) =>
    terms.some(
      (t) =>
        q.id === t ||
        q.dataset === t ||
        q.lang === t ||
        q.expect === t ||
        (q.tags as string[]).includes(t) ||
        q.q.toLowerCase().includes(t),
    ),
  );
}

/** The oracle SQL with the data's as-of date in place of :asof. */
export const oracleSql = (q: Question, asOf: string) => q.sql!.replace(/:asof/g, `DATE '${asOf}'`);
