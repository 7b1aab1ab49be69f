import { tokenizeWords } from './tokenize';

/**
 * Newsroom stock phrases: lines every story carries ("did not immediately respond to a request
 * for comment", "This story has been updated …"). A sentence built on one is the writer's habit
 * as much as any suggestion's, so attribution asks for the logged sentence nearly whole before
 * it counts such a sentence as the AI's. English only, and deliberately short: a phrase belongs
 * here only when it says nothing about the story.
 */
const PHRASES = [
  'did not immediately respond to a request for comment',
  'did not immediately respond to requests for comment',
  'did not respond to a request for comment',
  'did not respond to requests for comment',
  'did not immediately return a request for comment',
  'did not return a call seeking comment',
  'did not return calls seeking comment',
  'did not immediately reply',
  'could not be reached for comment',
  'declined to comment',
  'declined to be interviewed',
  'this story has been updated',
  'this story was updated',
  'this article has been updated',
  'this article was updated',
  'this story has been corrected',
  'this article has been corrected',
  'this story was amended',
  'this article was amended',
  'an earlier version of this',
  'contributed reporting',
  'contributed to this report',
  'this is a developing story',
].map((p) => tokenizeWords(p));

const BY_FIRST = new Map<string, string[][]>();
for (const p of PHRASES) BY_FIRST.set(p[0]!, [...(BY_FIRST.get(p[0]!) ?? []), p]);

/** Whether the words (as `tokenizeWords` gives them) contain a stock phrase. */
export function hasStockPhrase(words: readonly string[]): boolean {
  for (let i = 0; i < words.length; i++) {
    for (const p of BY_FIRST.get(words[i]!) ?? []) {
      let k = 1;
      while (k < p.length && words[i + k] === p[k]) k++;
      if (k === p.length) return true;
    }
  }
  return false;
}
