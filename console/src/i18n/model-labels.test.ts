import { describe, expect, test } from 'vitest';
import { DIMENSIONS, MEASURES } from '@erp/semantic/model';
import en from './en';
import fr from './fr';

/**
 * The explorer names every measure, dimension, level and fixed member of the semantic model in the
 * reader's language: a missing label would fall back to the API's English title on a French screen.
 */
describe.each([
  ['en', en],
  ['fr', fr],
] as const)('%s labels of the semantic model', (_lang, words) => {
  const labels = words.model as {
    measures: Record<string, string>;
    dimensions: Record<string, string>;
    levels: Record<string, Record<string, string>>;
    members: Record<string, Record<string, Record<string, string>>>;
  };
  test('every measure', () => {
    expect(MEASURES.map((m) => m.name).filter((n) => !labels.measures[n])).toEqual([]);
  });
  test('every dimension, level and fixed member', () => {
    const missing = DIMENSIONS.flatMap((d) => [
      ...(labels.dimensions[d.name] ? [] : [d.name]),
      ...d.levels.flatMap((l) => [
        ...(labels.levels[d.name]?.[l.level] ? [] : [`${d.name}.${l.level}`]),
        ...(l.fixedMembers ?? [])
          .filter((m) => !labels.members[d.name]?.[l.level]?.[m])
          .map((m) => `${d.name}.${l.level}.${m}`),
      ]),
    ]);
    expect(missing).toEqual([]);
  });
});
