import { describe, expect, it } from 'vitest';
import { fold, prefixUpper, queryWords, searchTerms, sortKey } from './directoryTerms.ts';

describe('directory terms', () => {
  it('folds case, accents and compatibility forms', () => {
    expect(fold('Zoë')).toBe('zoe');
    expect(fold('José ÅNGSTRÖM')).toBe('jose angstrom');
    expect(fold('Ｊｏｓｅ')).toBe('jose'); // full-width
    // No Unicode decomposition (a stroke or a ligature): folded to what an English keyboard types.
    expect(fold('Łukasz Søren Đorđe')).toBe('lukasz soren dorde');
    expect(fold('STRAẞE Æsa Œuvre Þór ıi')).toBe('strasse aesa oeuvre thor ii');
  });

  it('gives the id, each word, punctuation parts, and every CJK position', () => {
    expect(searchTerms('jl.picard', 'Jean-Luc Picard')).toEqual(['jl.picard', 'jean-luc', 'jean', 'luc', 'picard']);
    expect(searchTerms('wei.zhang', '张伟')).toEqual(['wei.zhang', '张伟', '伟']);
    expect(searchTerms('ou', '欧阳 娜娜')).toEqual(['ou', '欧阳', '阳', '娜娜', '娜']);
    expect(searchTerms('tanaka', '田中 さくら')).toEqual(['tanaka', '田中', '中', 'さくら', 'くら', 'ら']);
    expect(searchTerms('carol', 'Carol Díaz')).toEqual(['carol', 'diaz']);
  });

  it('splits a query on spaces only, longest word first, at most four', () => {
    expect(queryWords('  Ann  SMITH ')).toEqual(['smith', 'ann']);
    expect(queryWords('wei.zh')).toEqual(['wei.zh']);
    expect(queryWords('a b c d e')).toHaveLength(4);
    expect(queryWords('   ')).toEqual([]);
  });

  it('sorts by the folded name and bounds prefixes past every continuation', () => {
    expect(sortKey('  Émile ')).toBe('emile');
    const up = prefixUpper('an');
    for (const s of ['an', 'anna', 'an\u{10FFFE}', 'an😀']) expect(s >= 'an' && s < up).toBe(true);
    expect('ao' < up).toBe(false);
  });
});
