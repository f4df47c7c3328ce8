import type { Dataset, Expect, Question, Tag } from './types';

/** Writes one question of a bank. */
type Write = (
  id: number,
  lang: 'fr' | 'en',
  text: string,
  expect: Expect,
  unit: Question['unit'],
  tags: Tag[],
  sql?: string,
  extra?: Partial<Question>,
) => Question;

/**
 * A bank's question writer: ids numbered within its data set (n001 on native, w001 on Northwind). Its
 * kinds (q.moneyRows, q.topByMoney...) write the common kinds of question.
 */
export function questionWriter(dataset: Dataset, prefix: string) {
  const write: Write = (id, lang, text, expect, unit, tags, sql, extra = {}) => ({
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
  return Object.assign(write, questionKinds(write));
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

/**
 * The common kinds of question (an expectation, a unit and tags fixed), so that a question's line
 * holds only its id, its words, its oracle and its extras.
 */
function questionKinds(q: Write) {
  const kind =
    (expect: Expect, unit: Question['unit'], tags: Tag[]) =>
    (id: number, lang: 'fr' | 'en', text: string, sql?: string, extra?: Partial<Question>): Question =>
      q(id, lang, text, expect, unit, tags, sql, extra);
  return {
    moneyInPeriod: kind('value', 'money', ['period']),
    moneyRelative: kind('value', 'money', ['relative']),
    moneyOfMember: kind('value', 'money', ['member']),
    countInPeriod: kind('value', 'count', ['period']),
    countOfMember: kind('value', 'count', ['member']),
    moneyRows: kind('rows', 'money', ['level']),
    countRows: kind('rows', 'count', ['level']),
    pctRows: kind('rows', 'pct', ['level']),
    moneyRowsOverTime: kind('rows', 'money', ['level', 'period']),
    countRowsOverTime: kind('rows', 'count', ['level', 'period']),
    moneyRowsOfMember: kind('rows', 'money', ['member', 'level']),
    inventoryRows: kind('rows', 'count', ['inventory', 'level']),
    catalogRows: kind('rows', 'count', ['catalog', 'level']),
    notModelledRows: kind('rows', 'money', ['not-modelled', 'level']),
    topByMoney: kind('top', 'money', ['ranking']),
    topByCount: kind('top', 'count', ['ranking']),
    compareMoney: kind('compare', 'money', ['comparison']),
    why: kind('direction', 'money', ['why']),
    shareOf: kind('share', 'pct', ['share', 'member']),
  };
}
