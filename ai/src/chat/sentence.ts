import { closeEnough, type Word } from './text';

/** A phrase to look for: its normalised words, and what it stands for. */
export interface Phrase<T> {
  words: string[];
  value: T;
}

export interface Match<T> {
  value: T;
  start: number;
  /** Exclusive. */
  end: number;
}

export const phrase = <T>(text: string, value: T): Phrase<T> => ({
  words: text.split(' ').filter(Boolean),
  value,
});

/** Phrases indexed by their first word, longest first, for quick lookups over large lists (members). */
export class PhraseIndex<T> {
  private readonly byFirst = new Map<string, Phrase<T>[]>();
  readonly firsts: string[] = [];
  constructor(phrases: Phrase<T>[]) {
    for (const p of phrases) {
      if (!p.words.length) continue;
      const list = this.byFirst.get(p.words[0]!);
      if (list) list.push(p);
      else {
        this.byFirst.set(p.words[0]!, [p]);
        this.firsts.push(p.words[0]!);
      }
    }
    for (const list of this.byFirst.values()) list.sort((a, b) => b.words.length - a.words.length);
  }
  candidates(first: string, fuzzy: boolean, own?: ReadonlySet<string>): Phrase<T>[] {
    const exact = this.byFirst.get(first) ?? [];
    if (!fuzzy || exact.length || own?.has(first)) return exact;
    return this.firsts.filter((f) => closeEnough(first, f)).flatMap((f) => this.byFirst.get(f)!);
  }
}

/**
 * The words of a question, and which of them a reading has already used: each phrase found is
 * taken (a word stands for one thing), the longest first, so "product category" is one level, not
 * a product and a category.
 */
export class Sentence {
  readonly used: boolean[];
  constructor(readonly words: Word[]) {
    this.used = words.map(() => false);
  }

  text(i: number): string | undefined {
    return this.words[i]?.text;
  }

  free(i: number): boolean {
    return i >= 0 && i < this.words.length && !this.used[i];
  }

  mark(start: number, end: number): void {
    for (let i = start; i < end; i++) this.used[i] = true;
  }

  /** Does the phrase start at i, on free words (typos tolerated when fuzzy)? */
  private fits(words: string[], i: number, fuzzy: boolean, own?: ReadonlySet<string>): boolean {
    if (i + words.length > this.words.length) return false;
    for (let k = 0; k < words.length; k++) {
      if (this.used[i + k]) return false;
      const typed = this.words[i + k]!.text;
      if (typed !== words[k] && !(fuzzy && !own?.has(typed) && closeEnough(typed, words[k]!))) return false;
    }
    return true;
  }

  /**
   * Every non-overlapping occurrence of the phrases, longest first, in question order; taken. With
   * `fuzzy`, a typo is tolerated, but never on a word in `own`: a word the reader knows as it is
   * ("vendues") is not a misspelling of another ("vendeuses").
   */
  take<T>(
    phrases: PhraseIndex<T> | Phrase<T>[],
    opts: {
      fuzzy?: boolean;
      keep?: boolean;
      own?: ReadonlySet<string>;
      accept?: (m: Match<T>) => boolean;
    } = {},
  ): Match<T>[] {
    const index = phrases instanceof PhraseIndex ? phrases : new PhraseIndex(phrases);
    const found: Match<T>[] = [];
    // Longest phrases first across the whole question: a long phrase wins over a shorter one inside it.
    const all: Match<T>[] = [];
    for (let i = 0; i < this.words.length; i++) {
      if (this.used[i]) continue;
      for (const p of index.candidates(this.words[i]!.text, Boolean(opts.fuzzy), opts.own)) {
        if (this.fits(p.words, i, Boolean(opts.fuzzy), opts.own))
          all.push({ value: p.value, start: i, end: i + p.words.length });
      }
    }
    all.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
    const taken = this.used.slice();
    for (const m of all) {
      let clear = true;
      for (let i = m.start; i < m.end; i++) if (taken[i]) clear = false;
      if (!clear || (opts.accept && !opts.accept(m))) continue;
      for (let i = m.start; i < m.end; i++) taken[i] = true;
      found.push(m);
    }
    if (!opts.keep) for (const m of found) this.mark(m.start, m.end);
    return found.sort((a, b) => a.start - b.start);
  }

  /** The first occurrence of any of the phrases (taken unless keep). */
  first<T>(phrases: Phrase<T>[], opts: { fuzzy?: boolean; keep?: boolean } = {}): Match<T> | undefined {
    return this.take(phrases, opts)[0];
  }

  /** Whether a phrase occurs anywhere (used or not), without taking it. */
  has(words: string): boolean {
    const w = words.split(' ');
    for (let i = 0; i + w.length <= this.words.length; i++)
      if (w.every((x, k) => this.words[i + k]!.text === x)) return true;
    return false;
  }

  /** The free words left, in order. */
  rest(): Word[] {
    return this.words.filter((_w, i) => !this.used[i]);
  }
}
