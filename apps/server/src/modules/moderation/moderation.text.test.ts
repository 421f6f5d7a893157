import { describe, expect, it } from 'vitest';
import { countLinks, hasBlockedWord, hasProfanity, normalise, textHash } from './moderation.text.ts';

describe('text checks', () => {
  it('finds profanity through leetspeak and case, not in numbers or innocent words', () => {
    expect(hasProfanity('What the FUCK', [])).toBe(true);
    expect(hasProfanity('you a55', [])).toBe(true);
    for (const clean of ['meet in room 455', 'call 717', 'Scunthorpe', 'class assessment', 'cocktail party'])
      expect(hasProfanity(clean, [])).toBe(false);
    expect(hasProfanity('sex education', ['Sex'])).toBe(false);
  });

  it('blocks whole words, normalised', () => {
    expect(hasBlockedWord('Big SPÖILER here', ['spoiler'])).toBe(true);
    expect(hasBlockedWord('spoilers', ['spoiler'])).toBe(false);
    expect(hasBlockedWord('a b c', ['(b)'])).toBe(false);
    expect(hasBlockedWord('a (b) c', ['(b)'])).toBe(true);
    expect(hasBlockedWord('x.y', ['.'])).toBe(false);
  });

  it('counts links and normalises repeats', () => {
    expect(countLinks('https://a.example/x www.b.org c.com and d.io/path')).toBe(4);
    expect(countLinks('version 1.2.3 e.g. this')).toBe(0);
    expect(normalise('  Ｈｅｌｌｏ\n  Wörld ')).toBe('hello world');
    expect(textHash('Hello  world')).toBe(textHash('hello world'));
  });

  it('does not read a mentioned person’s id as words', () => {
    expect(hasProfanity('look @[Bo](0190a0a0-a55e-7000-8000-000000000001)', [])).toBe(false);
  });
});
