/**
 * Words of a question as the engine reads them: lower case, accents removed, apostrophes and
 * punctuation as spaces (a hyphen joins nothing: "cette année-là" is three words), digits and the
 * date separators kept. Each word remembers where it was in the question and whether it was
 * written in capitals (a hint that it names something).
 */
export interface Word {
  text: string;
  /** As typed (accents and case kept). */
  raw: string;
  index: number;
}

export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** Normalised words; dates such as 2025-03-31 or 31/12/1997 stay one word, "%" becomes "pct". */
export function words(question: string): Word[] {
  const out: Word[] = [];
  const re =
    /\d{4}-\d{2}-\d{2}|\d{1,2}\/\d{1,2}\/\d{2,4}|\d{4}-\d{2}|\d{1,2}\/\d{4}|[\p{L}\p{N}]+(?:[.,]\d+)?|%|€|\$|£/gu;
  for (const m of question.matchAll(re)) {
    const raw = m[0];
    let t = fold(raw);
    if (t === '%') t = 'pct';
    out.push({ text: t, raw, index: out.length });
  }
  return out;
}

/** Words that carry no meaning of their own in a question (EN and FR). */
export const STOPWORDS = new Set(
  (
    'a an the of for in on at to by per with and or is are was were be been do does did has have had what which who whom whose how much many ' +
    'our my we us me i you your they their it its this that these those there here from as about than then so show give tell list display get find ' +
    'please can could would will shall should may might let lets see know want need total overall all any some each every between during over into ' +
    'un une le la les l d de du des au aux et ou a en dans sur sous par pour avec sans est sont etait etaient ete etre fait faire quel quelle quels quelles ' +
    'qui que quoi qu combien nous notre nos je j me moi tu vous votre vos ils elles leur leurs ce cet cette ces c cela ca ici y donne donner montre montrer ' +
    'affiche afficher liste lister indique indiquer dis dire peux pouvez voudrais veux stp svp merci s il plait tout tous toute toutes chaque entre pendant ' +
    'depuis chez ont avons avez ai as a eu fait ete sont soit aussi plus moins tres bien ne pas n was what s t ve ll re d'
  ).split(/\s+/),
);

export const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  fifty: 50,
  hundred: 100,
  un: 1,
  une: 1,
  deux: 2,
  trois: 3,
  quatre: 4,
  cinq: 5,
  sept: 7,
  huit: 8,
  neuf: 9,
  dix: 10,
  onze: 11,
  douze: 12,
  quinze: 15,
  vingt: 20,
  trente: 30,
  cinquante: 50,
  cent: 100,
  dozen: 12,
  douzaine: 12,
};

/** A number written with digits or in words (up to 100), else undefined. */
export function numberOf(word: string | undefined): number | undefined {
  if (!word) return undefined;
  if (/^\d{1,3}$/.test(word)) return Number(word);
  return NUMBER_WORDS[word];
}

/** Damerau–Levenshtein distance capped at 2 (a typo or two in a long word). */
export function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...Array<number>(b.length).fill(0),
  ]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The same word with a typo tolerated: one edit from 5 letters, two from 9. */
export function closeEnough(typed: string, known: string): boolean {
  if (typed === known) return true;
  if (typed.length < 5 || known.length < 5 || /\d/.test(typed)) return false;
  return editDistance(typed, known) <= (known.length >= 9 ? 2 : 1);
}
