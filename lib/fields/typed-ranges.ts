/**
 * Which characters of a field the writer typed, kept as ranges across edits without reading the
 * field on every keystroke. The field is read only at checkpoints (the writer leaves the field,
 * pastes, undoes, or an accepted suggestion is about to go in); between two checkpoints the
 * changed region of the text (common prefix and suffix removed) is the writer's when nothing
 * else touched the field in that interval and it is no longer than what the trusted key input
 * in it could have produced. Anything else (a page script, another writer, a paste, the AI)
 * makes the region not typed: the honest default is "not seen".
 */
export type Range = [number, number];

/** Room for what typing produces beyond its characters (an editor's smart quotes, autocorrect). */
const SLACK_CHARS = 16;
const SLACK_SHARE = 0.1;

export interface TypedRangeTracker {
  /** The text the ranges refer to (the last checkpoint's). */
  text: string;
  ranges: Range[];
}

export function startTracking(text: string): TypedRangeTracker {
  return { text, ranges: [] };
}

/** The changed region between two texts: [start, oldEnd) in `before` became [start, newEnd) in `after`. */
export function changedRegion(before: string, after: string): { start: number; oldEnd: number; newEnd: number } {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let suffix = 0;
  while (suffix < max - start && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  return { start, oldEnd: before.length - suffix, newEnd: after.length - suffix };
}

/**
 * Moves the tracker to `next` (the field's text now). `typedChars` is what the writer's trusted
 * key input inserted since the last checkpoint; `foreign` says something else changed the field
 * in that interval (a paste, a drop, undo/redo, the extension's own insertion).
 */
export function checkpoint(tracker: TypedRangeTracker, next: string, typedChars: number, foreign: boolean): TypedRangeTracker {
  if (next === tracker.text) return tracker;
  const { start, oldEnd, newEnd } = changedRegion(tracker.text, next);
  const shift = newEnd - oldEnd;
  const kept: Range[] = [];
  for (const [a, b] of tracker.ranges) {
    // The parts before and after the changed region survive; inside it, what was there is gone.
    if (a < start) kept.push([a, Math.min(b, start)]);
    if (b > oldEnd) kept.push([Math.max(a, oldEnd) + shift, b + shift]);
  }
  const inserted = newEnd - start;
  const typed = !foreign && inserted > 0 && inserted <= typedChars + Math.max(SLACK_CHARS, typedChars * SLACK_SHARE);
  if (typed) kept.push([start, newEnd]);
  return { text: next, ranges: merge(kept) };
}

function merge(ranges: Range[]): Range[] {
  const sorted = ranges.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Range[] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}
