import {
  addDays,
  addMonths,
  daysInMonth,
  monthRange,
  quarterRange,
  yearRange,
  type DateRange,
} from '@erp/semantic/dates';
import type { Sentence } from './sentence';
import { numberOf } from './text';

/**
 * Time in a question, read against the data's as-of date (never the wall clock): years, quarters by
 * number or name, halves, months by name, days, explicit ranges ("between 1 January and 31 December
 * 1997", "from March to May 2025", "Q1 to Q4 1997"), relative periods (this/last year, quarter,
 * month, week, the last N months or days, year/quarter/month to date, yesterday), comparisons (vs
 * last year, same quarter last year, vs the previous month, 2025 vs 2024), anaphora ("that year",
 * "cette année-là") and future periods (which the data cannot answer).
 */
export type Granularity = 'YEAR' | 'QUARTER' | 'MONTH' | 'DAY';
export type CompareMode = 'YEAR_AGO' | 'PREVIOUS_PERIOD';

export interface TimeReading {
  range?: DateRange;
  /** A range that names its parts ("Q1 to Q4 1997", "from March to May"): rows by this grain. */
  granularity?: Granularity;
  compare?: CompareMode;
  /** A second period named explicitly ("2025 vs 2023"): compared with this one. */
  compareRange?: DateRange;
  /** "that year", "cette année-là", "the same period": the period of the previous question. */
  anaphora?: 'year' | 'quarter' | 'month' | 'period';
  /** "next month", "l'année prochaine": after the data. */
  future?: boolean;
  /** Read relative to the as-of date (the answer says which period it took). */
  relative?: boolean;
}

const MONTHS: [number, string[]][] = [
  [1, ['january', 'janvier', 'jan', 'janv']],
  [2, ['february', 'fevrier', 'feb', 'fev', 'fevr']],
  [3, ['march', 'mars', 'mar']],
  [4, ['april', 'avril', 'apr', 'avr']],
  [5, ['may', 'mai']],
  [6, ['june', 'juin', 'jun']],
  [7, ['july', 'juillet', 'jul', 'juil']],
  [8, ['august', 'aout', 'aug']],
  [9, ['september', 'septembre', 'sep', 'sept']],
  [10, ['october', 'octobre', 'oct']],
  [11, ['november', 'novembre', 'nov']],
  [12, ['december', 'decembre', 'dec']],
];
const MONTH_OF = new Map(MONTHS.flatMap(([n, ws]) => ws.map((w): [string, number] => [w, n])));
const MONTH = `(${[...MONTH_OF.keys()].sort((a, b) => b.length - a.length).join('|')})`;
const YEAR = '((?:19|20)\\d\\d)';
const DAY = '(\\d{1,2})(?:st|nd|rd|th|er|eme|e)?';
const ORDINALS: Record<string, number> = {
  first: 1,
  '1st': 1,
  second: 2,
  '2nd': 2,
  third: 3,
  '3rd': 3,
  fourth: 4,
  '4th': 4,
  last: 4,
  final: 4,
  premier: 1,
  premiere: 1,
  '1er': 1,
  '1ere': 1,
  deuxieme: 2,
  seconde: 2,
  '2eme': 2,
  '2e': 2,
  troisieme: 3,
  '3eme': 3,
  '3e': 3,
  quatrieme: 4,
  '4eme': 4,
  '4e': 4,
  dernier: 4,
};
const ORDINAL = `(${Object.keys(ORDINALS).join('|')})`;
const pad = (n: number) => String(n).padStart(2, '0');

const span = (a: DateRange, b: DateRange): DateRange => ({
  from: a.from < b.from ? a.from : b.from,
  to: a.to > b.to ? a.to : b.to,
});
const validDay = (y: number, m: number, d: number) => m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
const dayRange = (y: number, m: number, d: number): DateRange | null =>
  validDay(y, m, d) ? { from: `${y}-${pad(m)}-${pad(d)}`, to: `${y}-${pad(m)}-${pad(d)}` } : null;

/** The latest month (or quarter) with this number on or before the reference day. */
function latestMonth(ref: string, m: number): number {
  const [y, mm] = [Number(ref.slice(0, 4)), Number(ref.slice(5, 7))];
  return m <= mm ? y : y - 1;
}

export interface Clock {
  /** The as-of date: "now" for relative periods. */
  today: string;
  /** The first day with data ("until March" starts there). */
  first: string;
  language: 'en' | 'fr';
}

/** What the steps of readTime share: the sentence, the reading so far, the as-of date's parts. */
interface Reader {
  sentence: Sentence;
  clock: Clock;
  out: TimeReading;
  found: DateRange[];
  ref: string;
  Y: number;
  Mo: number;
  Q: number;
  monthStart: string;
  cut: (re: RegExp) => RegExpExecArray | null;
  take: (range: DateRange | null, g?: Granularity) => void;
}

const month = (w: string | undefined) => (w ? MONTH_OF.get(w) : undefined);

/** 12/31/1997 is American, 31/12/1997 European; when both read, the question's language decides. */
function numericDate(s: string, usDates: boolean): DateRange | null {
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m) return dayRange(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{2,4})$/.exec(s);
  if (!m) return null;
  const y = Number(m[3]!.length === 2 ? `20${m[3]}` : m[3]);
  let [a, b] = [Number(m[1]), Number(m[2])];
  if (a > 12 || (!usDates && b <= 12)) [a, b] = [b, a];
  return dayRange(y, a, b);
}

/** The free words as one string; a regex match is turned back into the words it covers (marked read). */
function cutter(sentence: Sentence) {
  return (re: RegExp): RegExpExecArray | null => {
    const ws = sentence.words;
    for (let i = 0; i < ws.length; i++) {
      if (sentence.used[i]) continue;
      // the longest run of free words from i
      let j = i;
      while (j < ws.length && !sentence.used[j]) j++;
      const run = ws.slice(i, j).map((w) => w.text);
      const text = ` ${run.join(' ')} `;
      const m = new RegExp(re.source, re.flags.replace('g', '')).exec(text);
      if (m) {
        const before = text.slice(0, m.index + (m[0].startsWith(' ') ? 1 : 0)).trim();
        const startWord = before ? before.split(' ').length : 0;
        const count = m[0].trim() ? m[0].trim().split(' ').length : 0;
        sentence.mark(i + startWord, i + startWord + count);
        return m;
      }
      i = j;
    }
    return null;
  };
}

/** Reads the time expressions of the sentence (taking their words). */
export function readTime(sentence: Sentence, clock: Clock): TimeReading {
  const out: TimeReading = {};
  const ref = clock.today;
  const Mo = Number(ref.slice(5, 7));
  const found: DateRange[] = [];
  const rd: Reader = {
    sentence,
    clock,
    out,
    found,
    ref,
    Y: Number(ref.slice(0, 4)),
    Mo,
    Q: Math.floor((Mo - 1) / 3) + 1,
    monthStart: `${ref.slice(0, 7)}-01`,
    cut: cutter(sentence),
    take: (range, g) => {
      if (!range) return;
      found.push(range);
      if (g) out.granularity = g;
    },
  };
  // in this order: a comparison or a range first, so that its words are not read as a period alone
  readComparison(rd);
  readRanges(rd);
  readRelative(rd);
  readQuartersAndHalves(rd);
  readThisAndLast(rd);
  readDated(rd);
  readWithoutYear(rd);

  if (found.length === 1) out.range = found[0];
  else if (found.length >= 2) {
    // Two periods named: the later one is asked, compared with the earlier ("2025 vs 2024").
    const sorted = [...found].sort((a, b) => (a.from < b.from ? 1 : -1));
    out.range = sorted[0];
    out.compareRange = sorted[1];
  }
  return out;
}

/** Future periods, a comparison ("vs last year"), the period of the previous question. */
function readComparison(rd: Reader): void {
  const { out, cut } = rd;
  let r: RegExpExecArray | null;
  // Future periods: the data cannot say.
  if (
    cut(
      / (next|coming|upcoming|prochaine?s?|a venir|suivante?s?) (year|quarter|month|week|annee|trimestre|mois|semaine|an) | (l annee|le mois|le trimestre|la semaine|l an) (prochaine?|suivante?) | (forecast|forecasts|predict|prediction|predictions|projection|projections|prevision|previsions|prevoir|prevu|will we|will it) /,
    )
  )
    out.future = true;

  // Comparisons first: "vs last year" is not the period itself.
  const VS =
    '(?:vs|versus|v|compared to|compared with|compare to|compare with|against|over|relative to|with|to|par rapport a|par rapport au|contre|compare a|compare au|compares a|face a|avec|a)';
  const LAST_YEAR =
    '(?:the )?(?:last year|previous year|prior year|the year before|a year ago|one year ago|year ago|same period last year|same period a year ago|same period of last year|same time last year|same quarter last year|same month last year|same quarter of last year|same month of last year|same quarter a year ago|same month a year ago|n 1|le meme trimestre de l an dernier|le meme trimestre de l annee derniere|meme trimestre de l an dernier|meme trimestre de l annee derniere|le meme mois de l an dernier|le meme mois de l annee derniere|meme mois de l an dernier|la meme periode de l an dernier|la meme periode de l annee derniere|meme periode de l an dernier|meme periode de l annee derniere|la meme periode de l annee precedente|l annee derniere|l an dernier|l annee precedente|l an passe|l annee passee|annee derniere|an dernier|la meme periode l an dernier|la meme periode l annee derniere|meme periode l an dernier|meme periode l annee derniere|le meme trimestre l an dernier|le meme trimestre l annee derniere|meme trimestre l an dernier|le meme mois l an dernier|le meme mois l annee derniere|meme mois l an dernier|il y a un an)';
  const PREVIOUS =
    '(?:the )?(?:previous period|prior period|period before|previous month|prior month|the month before|month before|last month|previous quarter|prior quarter|the quarter before|quarter before|previous week|the week before|la periode precedente|periode precedente|le mois precedent|mois precedent|le mois d avant|le mois dernier|le trimestre precedent|trimestre precedent|le trimestre d avant|la semaine precedente)';
  if (
    cut(new RegExp(` ${VS} ${LAST_YEAR} `)) ||
    cut(/ (year over year|yoy|y o y|sur un an|en glissement annuel|d une annee sur l autre|annee sur annee) /)
  )
    out.compare = 'YEAR_AGO';
  else if (
    cut(new RegExp(` ${VS} ${PREVIOUS} `)) ||
    cut(
      / (month over month|mom|quarter over quarter|qoq|week over week|d un mois sur l autre|mois sur mois|d un trimestre sur l autre) /,
    )
  )
    out.compare = 'PREVIOUS_PERIOD';

  // Anaphora: the period of the previous question.
  if (
    (r = cut(
      / (that year|the same year|cette annee la|la meme annee|cette annee ci la|that quarter|the same quarter|ce trimestre la|le meme trimestre|that month|the same month|ce mois la|le meme mois|the same period|that period|la meme periode|cette periode la|then|at that time|a cette epoque|a ce moment la) /,
    ))
  ) {
    const t = r[1]!;
    out.anaphora = /year|annee/.test(t)
      ? 'year'
      : /quarter|trimestre/.test(t)
        ? 'quarter'
        : /month|mois/.test(t)
          ? 'month'
          : 'period';
  }
}

/** Explicit ranges: days, quarters, months, years. */
function readRanges(rd: Reader): void {
  const { sentence, cut, take } = rd;
  const usDates = rd.clock.language === 'en';
  let r: RegExpExecArray | null;
  // Explicit day ranges: "between 1 January and 31 December 1997", "du 1er janvier au 31 mars 1997".
  const dayRe = new RegExp(
    ` (?:between|from|du|entre|de|depuis)? ?(?:the |le )?${DAY} (?:of )?${MONTH}(?: ${YEAR})? (?:and|to|until|till|through|thru|au|et|a|jusqu au|-) (?:the |le )?${DAY} (?:of )?${MONTH} ${YEAR} `,
  );
  while ((r = cut(dayRe))) {
    const y2 = Number(r[6]);
    const y1 = r[3] ? Number(r[3]) : y2;
    const a = dayRange(y1, month(r[2])!, Number(r[1]));
    const b = dayRange(y2, month(r[5])!, Number(r[4]));
    if (a && b) take({ from: a.from, to: b.to });
  }
  const usDayRe = new RegExp(
    ` (?:between|from)? ?${MONTH} ${DAY}(?: ${YEAR})? (?:and|to|until|till|through|thru|-) ${MONTH} ${DAY} ${YEAR} `,
  );
  while ((r = cut(usDayRe))) {
    const y2 = Number(r[6]);
    const a = dayRange(r[3] ? Number(r[3]) : y2, month(r[1])!, Number(r[2]));
    const b = dayRange(y2, month(r[4])!, Number(r[5]));
    if (a && b) take({ from: a.from, to: b.to });
  }
  const numRe =
    / (?:between|from|du|entre|de)? ?(\d{4}-\d{2}-\d{2}|\d{1,2}\/\d{1,2}\/\d{2,4}) (?:and|to|until|till|through|au|et|a|jusqu au|-) (\d{4}-\d{2}-\d{2}|\d{1,2}\/\d{1,2}\/\d{2,4}) /;
  while ((r = cut(numRe))) {
    const a = numericDate(r[1]!, usDates);
    const b = numericDate(r[2]!, usDates);
    if (a && b) take({ from: a.from, to: b.to });
  }
  // Quarter ranges: "Q1 to Q4 1997", "from Q2 2024 to Q1 2025", "du T1 au T3 2025".
  const qRange = new RegExp(
    ` (?:from |between |du |de |entre )?(?:the )?(?:q|t)([1-4])(?: ${YEAR})? (?:to|and|through|until|au|a|et|-) (?:the )?(?:q|t)([1-4]) ${YEAR} `,
  );
  while ((r = cut(qRange))) {
    const y2 = Number(r[4]);
    take(
      span(quarterRange(r[2] ? Number(r[2]) : y2, Number(r[1])), quarterRange(y2, Number(r[3]))),
      'QUARTER',
    );
  }
  // Month ranges: "from March to May 2025", "between January 2024 and June 2025", "de mars a mai 2025".
  const mRange = new RegExp(
    ` (?:from |between |de |du mois de |d |entre |du )?${MONTH}(?: ${YEAR})? (?:to|and|through|thru|until|till|au|a|et|-) ${MONTH} ${YEAR} `,
  );
  while ((r = cut(mRange))) {
    const y2 = Number(r[4]);
    const m1 = month(r[1])!;
    const m2 = month(r[3])!;
    const y1 = r[2] ? Number(r[2]) : m1 <= m2 ? y2 : y2 - 1;
    take(span(monthRange(y1, m1), monthRange(y2, m2)));
  }
  // Year ranges: "from 2023 to 2025", "between 1996 and 1998", "de 2024 a 2025", "2023-2025".
  const yRange = new RegExp(
    ` (?:from |between |de |entre |du )?${YEAR} (?:to|and|through|thru|until|till|au|a|et|-) ${YEAR} `,
  );
  while ((r = cut(yRange))) {
    const a = Number(r[1]);
    const b = Number(r[2]);
    // "2024 and 2025" after a comparison word is two periods, not a range
    if (sentence.has('compare') || sentence.has('comparer') || sentence.has('vs')) {
      take(yearRange(a));
      take(yearRange(b));
    } else take(span(yearRange(Math.min(a, b)), yearRange(Math.max(a, b))));
  }
}

/** Relative periods: the last N months, year to date… */
function readRelative(rd: Reader): void {
  const { out, ref, Y, Q, monthStart, cut, take } = rd;
  let r: RegExpExecArray | null;
  // Relative periods.
  const N =
    '(\\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|twenty|thirty|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|dix huit|vingt|trente)';
  const lastN = (n: number, unit: string): DateRange => {
    if (/^(month|months|mois)$/.test(unit)) return { from: addMonths(monthStart, -(n - 1)), to: ref };
    if (/^(quarter|quarters|trimestre|trimestres)$/.test(unit))
      return { from: addMonths(monthStart, -(3 * n - 1)), to: ref };
    if (/^(year|years|annee|annees|an|ans)$/.test(unit))
      return { from: addMonths(monthStart, -(12 * n - 1)), to: ref };
    if (/^(week|weeks|semaine|semaines)$/.test(unit)) return { from: addDays(ref, -(7 * n - 1)), to: ref };
    return { from: addDays(ref, -(n - 1)), to: ref };
  };
  const UNIT = '(months?|days?|weeks?|quarters?|years?|mois|jours?|semaines?|trimestres?|annees?|ans)';
  if (
    (r = cut(
      new RegExp(
        ` (?:over |in |during |for |within )?(?:the )?(?:last|past|previous|trailing|rolling) ${N} ${UNIT} `,
      ),
    )) ||
    (r = cut(
      new RegExp(
        ` (?:sur |pendant |durant |au cours des |dans )?(?:les )?${N} (?:derniers|dernieres|precedents|precedentes) ${UNIT} `,
      ),
    )) ||
    (r = cut(
      new RegExp(
        ` (?:sur |pendant )?(?:les )?${N} ${UNIT} (?:glissants|glissantes|ecoules|ecoulees|derniers|dernieres) `,
      ),
    ))
  ) {
    out.relative = true;
    take(lastN(numberOf(r[1]!.replace(' ', '')) ?? (r[1] === 'dix huit' ? 18 : 1), r[2]!));
  } else if (
    cut(
      / (ltm|ttm|last twelve months|trailing twelve months|past twelve months|the past year|over the past year|past year|last 12 months|l annee ecoulee|sur un an glissant|12 mois glissants|douze derniers mois) /,
    )
  ) {
    out.relative = true;
    take(lastN(12, 'months'));
  } else if (
    cut(
      / (year to date|ytd|so far this year|this year so far|since the beginning of the year|since the start of the year|since january(?! (?:19|20)\d\d)|depuis le debut de l annee|depuis le debut d annee|depuis janvier(?! (?:19|20)\d\d)|cumul annuel|annee a date|en cumul) /,
    )
  ) {
    out.relative = true;
    take({ from: `${Y}-01-01`, to: ref });
  } else if (cut(/ (quarter to date|qtd|since the beginning of the quarter|depuis le debut du trimestre) /)) {
    out.relative = true;
    take({ from: quarterRange(Y, Q).from, to: ref });
  } else if (
    cut(/ (month to date|mtd|so far this month|since the beginning of the month|depuis le debut du mois) /)
  ) {
    out.relative = true;
    take({ from: monthStart, to: ref });
  }
}

/** Quarters and halves with their year. */
function readQuartersAndHalves(rd: Reader): void {
  const { cut, take } = rd;
  let r: RegExpExecArray | null;
  // Quarters and halves with their year first ("the last quarter of 2024" is Q4 2024, not relative).
  const qWithYear = [
    new RegExp(
      ` (?:in |for |during |the |au |le |du |en |pour le )?(?:q|t)([1-4]) (?:of |de |du |en )?${YEAR} `,
    ),
    new RegExp(` (?:in |for |during |en )?${YEAR} (?:q|t)([1-4]) `),
    new RegExp(
      ` (?:in |for |during |the |au |le |du |pour le )?${ORDINAL} (?:quarter|trimestre) (?:of |de |du |en |in )?${YEAR} `,
    ),
  ];
  for (const [i, re] of qWithYear.entries()) {
    while ((r = cut(re))) {
      if (i === 0) take(quarterRange(Number(r[2]), Number(r[1])));
      else if (i === 1) take(quarterRange(Number(r[1]), Number(r[2])));
      else take(quarterRange(Number(r[2]), ORDINALS[r[1]!]!));
    }
  }
  const halfRe = [
    new RegExp(` (?:in |for |the |au |le |du |en )?(?:h|s)([12]) (?:of |de |du |en )?${YEAR} `),
    new RegExp(
      ` (?:in |for |the |au |le |du )?(first|second|premier|second|deuxieme|1er) (?:half|semestre) (?:of |de |du |en |in )?${YEAR} `,
    ),
  ];
  for (const [i, re] of halfRe.entries()) {
    while ((r = cut(re))) {
      const h = i === 0 ? Number(r[1]) : /first|premier|1er/.test(r[1]!) ? 1 : 2;
      const y = Number(r[2]);
      take({ from: `${y}-${h === 1 ? '01' : '07'}-01`, to: `${y}-${h === 1 ? '06-30' : '12-31'}` });
    }
  }
}

/** This/last year, quarter, month, week, yesterday. */
function readThisAndLast(rd: Reader): void {
  const { out, ref, Y, Mo, Q, monthStart, cut, take } = rd;
  // This/last year, quarter, month, week, yesterday.
  const rel = (re: RegExp, range: () => DateRange) => {
    if (cut(re)) {
      out.relative = true;
      take(range());
    }
  };
  const weekStart = (iso: string) => addDays(iso, -((new Date(`${iso}T00:00:00Z`).getUTCDay() + 6) % 7));
  rel(
    / (?:in |for |during |de |du |pendant )?(this year|current year|the current year|cette annee|l annee en cours|annee en cours|l annee courante|annee courante|cet exercice) /,
    () => ({ from: `${Y}-01-01`, to: ref }),
  );
  rel(
    / (?:in |for |during |de |du |pendant |en |sur )?(last year|previous year|prior year|the previous year|the year before|l annee derniere|annee derniere|l an dernier|l an passe|l annee passee|l annee precedente|annee precedente|n 1) /,
    () => yearRange(Y - 1),
  );
  rel(
    / (?:in |for |during |de |du |pendant )?(this quarter|current quarter|the current quarter|ce trimestre ci|ce trimestre|le trimestre en cours|trimestre en cours) /,
    () => ({ from: quarterRange(Y, Q).from, to: ref }),
  );
  rel(
    / (?:in |for |during |de |du |au |pendant |sur )?(?:the )?(last quarter|previous quarter|prior quarter|le trimestre dernier|trimestre dernier|le dernier trimestre|dernier trimestre|le trimestre precedent|trimestre precedent) /,
    () => (Q === 1 ? quarterRange(Y - 1, 4) : quarterRange(Y, Q - 1)),
  );
  rel(
    / (?:in |for |during |de |du |pendant )?(this month|current month|the current month|ce mois ci|ce mois|le mois en cours|mois en cours) /,
    () => ({ from: monthStart, to: ref }),
  );
  rel(
    / (?:in |for |during |de |du |au |pendant |sur )?(?:the )?(last month|previous month|prior month|le mois dernier|mois dernier|le mois precedent|mois precedent|le dernier mois|dernier mois) /,
    () => (Mo === 1 ? monthRange(Y - 1, 12) : monthRange(Y, Mo - 1)),
  );
  rel(/ (?:in |for |during |de |pendant )?(this week|current week|cette semaine) /, () => ({
    from: weekStart(ref),
    to: ref,
  }));
  rel(
    / (?:in |for |during |de |pendant )?(?:the )?(last week|previous week|la semaine derniere|semaine derniere|la semaine precedente) /,
    () => ({ from: addDays(weekStart(ref), -7), to: addDays(weekStart(ref), -1) }),
  );
  rel(/ (yesterday|today|hier|aujourd hui|the last day|le dernier jour) /, () => ({ from: ref, to: ref }));
}

/** Since/until, single days, months and years. */
function readDated(rd: Reader): void {
  const { clock, ref, cut, take } = rd;
  const usDates = clock.language === 'en';
  let r: RegExpExecArray | null;
  // Since / until a month or a year.
  if ((r = cut(new RegExp(` (?:since|from|depuis|a partir de|a compter de) ${MONTH}(?: ${YEAR})? `)))) {
    const m = month(r[1])!;
    take({ from: monthRange(r[2] ? Number(r[2]) : latestMonth(ref, m), m).from, to: ref });
  } else if ((r = cut(new RegExp(` (?:since|depuis|a partir de) ${YEAR} `))))
    take({ from: `${r[1]}-01-01`, to: ref });
  if (
    (r = cut(
      new RegExp(` (?:until|till|through|up to|before|jusqu a|jusqu en|jusqu au|avant) ${MONTH} ${YEAR} `),
    ))
  )
    take({ from: clock.first, to: monthRange(Number(r[2]), month(r[1])!).to });
  else if ((r = cut(new RegExp(` (?:until|till|through|up to|jusqu a|jusqu en) ${YEAR} `))))
    take({ from: clock.first, to: `${r[1]}-12-31` });

  // Single days: "on 15 March 2025", "le 3 mai 2025", "March 15, 2025", 2025-03-15, 15/03/2025.
  while ((r = cut(new RegExp(` (?:on |le |the )?${DAY} (?:of )?${MONTH} ${YEAR} `))))
    take(dayRange(Number(r[3]), month(r[2])!, Number(r[1])));
  while ((r = cut(new RegExp(` (?:on )?${MONTH} ${DAY} ${YEAR} `))))
    take(dayRange(Number(r[3]), month(r[1])!, Number(r[2])));
  while ((r = cut(/ (?:on |le )?(\d{4}-\d{2}-\d{2}|\d{1,2}\/\d{1,2}\/\d{2,4}) /)))
    take(numericDate(r[1]!, usDates));

  // Months with a year: "March 2025", "in mars 2025", "2025-03", "03/2025", "of May 2025".
  while (
    (r = cut(
      new RegExp(
        ` (?:in |during |for |of |en |au mois de |du mois de |pour |de |le mois de )?${MONTH} (?:of |de |d )?${YEAR} `,
      ),
    ))
  )
    take(monthRange(Number(r[2]), month(r[1])!));
  while ((r = cut(/ (?:in |en )?(\d{4})-(\d{2}) /)))
    if (Number(r[2]) >= 1 && Number(r[2]) <= 12) take(monthRange(Number(r[1]), Number(r[2])));
  while ((r = cut(/ (?:in |en )?(\d{1,2})\/(\d{4}) /)))
    if (Number(r[1]) >= 1 && Number(r[1]) <= 12) take(monthRange(Number(r[2]), Number(r[1])));
  // Years: "in 2025", "2025", "FY2025", "l'année 2025".
  while (
    (r = cut(
      new RegExp(
        ` (?:in |for |during |of |en |pour |de |sur |the year |year |l annee |annee |fy |exercice )?${YEAR} `,
      ),
    ))
  )
    take(yearRange(Number(r[1])));
  while ((r = cut(/ fy((?:19|20)\d\d) /))) take(yearRange(Number(r[1])));
}

/** Quarters and months without a year: the latest one up to the as-of date. */
function readWithoutYear(rd: Reader): void {
  const { sentence, out, ref, Y, Q, cut, take } = rd;
  let r: RegExpExecArray | null;
  // Quarters and months without a year: the latest one up to the as-of date.
  const qNoYear = [
    / (?:in |for |during |the |au |le |du |en |pour le )?(?:q|t)([1-4]) /,
    new RegExp(` (?:in |for |during |the |au |le |du |pour le )?${ORDINAL} (?:quarter|trimestre) `),
  ];
  for (const [i, re] of qNoYear.entries()) {
    while ((r = cut(re))) {
      const q = i === 0 ? Number(r[1]) : ORDINALS[r[1]!]!;
      const y = q <= Q ? Y : Y - 1;
      take(quarterRange(y, q));
      out.relative = true;
    }
  }
  // "may" is a verb too: a month only after in/of/en/during or in French ("mai").
  const monthNoYear = new RegExp(
    ` (?:(?:in|during|for|of|en|au mois de|du mois de|pour|the month of|le mois de) )?${MONTH} `,
  );
  let guard = 0;
  while (guard++ < 4) {
    const w = sentence.words;
    // find a free month word (not the English "may" alone, nor "mar"/"dec"/"sept"/"jan" alone that
    // are ordinary words unless a preposition precedes them)
    let at = -1;
    for (let i = 0; i < w.length; i++) {
      if (sentence.used[i]) continue;
      const m = month(w[i]!.text);
      if (!m) continue;
      const prev = w[i - 1]?.text;
      const ambiguous = [
        'may',
        'mar',
        'sept',
        'jan',
        'dec',
        'oct',
        'nov',
        'sep',
        'aug',
        'jun',
        'jul',
        'apr',
        'feb',
        'fev',
        'avr',
        'juil',
      ].includes(w[i]!.text);
      if (ambiguous && !['in', 'during', 'of', 'en', 'de', 'for', 'since', 'depuis'].includes(prev ?? ''))
        continue;
      at = i;
      break;
    }
    if (at < 0) break;
    const m = month(w[at]!.text)!;
    const prev = w[at - 1]?.text;
    const start =
      prev && ['in', 'during', 'for', 'of', 'en', 'pour'].includes(prev) && sentence.free(at - 1)
        ? at - 1
        : at;
    sentence.mark(start, at + 1);
    take(monthRange(latestMonth(ref, m), m));
    out.relative = true;
    void monthNoYear;
  }
}
