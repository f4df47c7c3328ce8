import type { Dataset, Expect, Question, Tag } from './types';

/** A bank's question writer: ids numbered within its data set (n001 on native, w001 on Northwind). */
export function questionWriter(dataset: Dataset, prefix: string) {
  return (
    id: number,
    lang: 'fr' | 'en',
    text: string,
    expect: Expect,
    unit: Question['unit'],
    tags: Tag[],
    sql?: string,
    extra: Partial<Question> = {},
  ): Question => ({
    id: `${prefix}${String(id).padStart(3, '0')}`,
    dataset,
    lang,
    q: text,
    expect,
    unit,
    tags,
    sql,
    ...extra,
  });
}

/**
 * The oracle shapes of a bank over its lines (the CTE `b`) and its revenue: one figure, a breakdown,
 * a comparison, a member's share. `skipEmptyGroups` leaves out the groups whose figure is NULL.
 */
export function oracleShapes(lines: string, revenue: string, skipEmptyGroups = false) {
  const having = (value: string) => (skipEmptyGroups ? ` HAVING ${value} IS NOT NULL` : '');
  return {
    rev: (where: string) => `${lines}SELECT ${revenue} AS value FROM b WHERE ${where}`,
    one: (value: string, where: string) => `${lines}SELECT ${value} AS value FROM b WHERE ${where}`,
    by: (label: string, value: string, where: string, order = 'value DESC') =>
      `${lines}SELECT ${label} AS label, ${value} AS value FROM b WHERE ${where} GROUP BY 1${having(value)} ORDER BY ${order}, label`,
    cmp: (value: string, cur: string, prev: string) =>
      `${lines}SELECT (SELECT ${value} FROM b WHERE ${cur}) AS current, (SELECT ${value} FROM b WHERE ${prev}) AS previous`,
    share: (label: string, member: string, where: string) =>
      `${lines}SELECT ${label} AS label, round(100 * ${revenue} / (SELECT ${revenue} FROM b WHERE ${where}), 2) AS value FROM b WHERE ${where} AND ${label} = '${member}' GROUP BY 1`,
  };
}
