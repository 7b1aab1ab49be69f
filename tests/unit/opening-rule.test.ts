/**
 * The rule for when the panel opens on its own (lib/fields/opening-rule.ts): at a natural point
 * or after a long pause, and only after enough new words; never on nothing new.
 */
import { describe, expect, it } from 'vitest';
import { atNaturalPoint, countWords, pauseDecision } from '../../lib/fields/opening-rule';

describe('opening rule', () => {
  it('tells a sentence or paragraph end from a pause between words', () => {
    expect(atNaturalPoint('The council met on Monday.')).toBe(true);
    expect(atNaturalPoint('Did it? ')).toBe(true);
    expect(atNaturalPoint('She said “no.”')).toBe(true);
    expect(atNaturalPoint('First paragraph.\n')).toBe(true);
    expect(atNaturalPoint('Die Sitzung dauerte …')).toBe(true);
    expect(atNaturalPoint('The council met on')).toBe(false);
    expect(atNaturalPoint('The council met on ')).toBe(false);
    expect(atNaturalPoint('budget,')).toBe(false);
  });

  it('counts words as runs of non-space characters', () => {
    expect(countWords('')).toBe(0);
    expect(countWords('  The council\nmet —  on Monday. ')).toBe(6);
  });

  it('opens at a sentence end once enough new words were written, and waits for a long pause mid-sentence', () => {
    expect(pauseDecision('… met on Monday.', 25, false, 25)).toBe('open');
    expect(pauseDecision('… met on Monday.', 24, false, 25)).toBe('stay-quiet');
    expect(pauseDecision('… met on', 30, false, 25)).toBe('wait-longer');
    expect(pauseDecision('… met on', 30, true, 25)).toBe('open');
    // A few words mid-sentence never open it, however long the pause.
    expect(pauseDecision('… met on', 3, true, 25)).toBe('stay-quiet');
  });

  it('never opens on nothing new (the text the writer dismissed, or less after an undo), whatever the setting', () => {
    expect(pauseDecision('… on Monday.', 0, true, 0)).toBe('stay-quiet');
    expect(pauseDecision('… on Monday.', -4, true, 0)).toBe('stay-quiet');
    expect(pauseDecision('… on Monday.', 1, false, 0)).toBe('open');
  });
});
