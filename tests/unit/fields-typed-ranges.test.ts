import { describe, expect, it } from 'vitest';
import { changedRegion, checkpoint, startTracking } from '../../lib/fields/typed-ranges';

/**
 * The content script's record of which characters the writer typed (#12, part 2), moved from
 * checkpoint to checkpoint: the changed region is the writer's only when it is no longer than
 * what trusted key input inserted and nothing else touched the field.
 */
describe('typed ranges across checkpoints', () => {
  const BEFORE = 'The council met on Tuesday.';

  it('text the writer typed after existing text is typed; the existing text is not', () => {
    const next = `${BEFORE} It voted for the plan.`;
    const t = checkpoint(startTracking(BEFORE), next, ' It voted for the plan.'.length, false);
    expect(t.ranges).toEqual([[BEFORE.length, next.length]]);
  });

  it('a change bigger than the typing is not typed (a page script, another writer)', () => {
    const next = `${BEFORE} It voted for the plan, and a long paragraph arrived from elsewhere.`;
    expect(checkpoint(startTracking(BEFORE), next, 5, false).ranges).toEqual([]);
  });

  it('a paste, drop, undo or our own insertion is not typed, and what was typed before it is kept, shifted', () => {
    let t = checkpoint(startTracking(''), 'Hello there.', 12, false);
    expect(t.ranges).toEqual([[0, 12]]);
    // Something foreign inserted at the start: the typed range moves with its text.
    t = checkpoint(t, 'AI TEXT. Hello there.', 0, true);
    expect(t.ranges).toEqual([[9, 21]]);
    expect(t.text.slice(9, 21)).toBe('Hello there.');
  });

  it('deleting typed text drops it; typing over a selection replaces the range', () => {
    let t = checkpoint(startTracking(BEFORE), `${BEFORE} Plan passed.`, 13, false);
    t = checkpoint(t, BEFORE, 0, false);
    expect(t.ranges).toEqual([]);
    // The writer selects "Tuesday" and types "Monday": what changed ("Tues" → "Mon") is typed.
    t = checkpoint(startTracking(BEFORE), BEFORE.replace('Tuesday', 'Monday'), 6, false);
    expect(t.ranges).toEqual([[19, 22]]);
    expect(t.text.slice(19, 22)).toBe('Mon');
  });

  it('typing in two places between checkpoints counts the region between only when the typing covers it', () => {
    // Without a checkpoint between the two places, the region spans the old text: not typed.
    const next = 'Yes. The council met on Tuesday. Yes.';
    expect(checkpoint(startTracking(BEFORE), next, 10, false).ranges).toEqual([]);
  });

  it('the changed region ignores the common prefix and suffix', () => {
    expect(changedRegion('abcdef', 'abXYef')).toEqual({ start: 2, oldEnd: 4, newEnd: 4 });
    expect(changedRegion('aaa', 'aaaa')).toEqual({ start: 3, oldEnd: 3, newEnd: 4 });
    expect(changedRegion('same', 'same')).toEqual({ start: 4, oldEnd: 4, newEnd: 4 });
  });
});
