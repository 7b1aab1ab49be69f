import { describe, expect, it } from 'vitest';
import { ACTION_IDS, REWRITE_ACTIONS } from '../../lib/engine/actions';
import {
  CONTEXT_LIMITS,
  HEADLINE_MAX_CHARS,
  MAX_TARGET_CHARS,
  PromptError,
  SUMMARY_MAX_CHARS,
  buildMessages,
  clipAfter,
  clipBefore,
  describeLanguage,
  endsSentence,
  isGraphemeBoundary,
  preparePrompt,
  sentenceAt,
  sentenceEnds,
  suggestedMaxNewTokens,
} from '../../lib/engine/prompts';
import { cleanOutput } from '../../lib/engine/clean-output';

const user = (messages: { role: string; content: string }[]) => messages.find((m) => m.role === 'user')!.content;
const system = (messages: { role: string; content: string }[]) => messages.find((m) => m.role === 'system')!.content;

describe('sentenceEnds', () => {
  it.each([
    ['One. Two.', [4]],
    ['One. Two. ', [4, 9]],
    ['Dr. Smith arrived. He sat.', [18]],
    ['The U.S. Army is big. Yes.', [21]],
    ['Wait... what? No!', [13]],
    ['Wait... What? No!', [7, 13]],
    ['She said "stop." Then left.', [16]],
    ['It costs 3.5 dollars. Fine.', [21]],
    ['approx. five people came. Ok.', [25]],
    ['So did I. Then we left.', [9]],
    ['J. R. R. Tolkien wrote it. Yes.', [26]],
    ['第一句。第二句。', [4, 8]],
    ['line one\nline two', [8]],
  ])('%j → %j', (text, expected) => {
    expect(sentenceEnds(text)).toEqual(expected);
  });

  it('counts a final terminator only when asked', () => {
    expect(sentenceEnds('Done.', 0, 5, false)).toEqual([]);
    expect(sentenceEnds('Done.', 0, 5, true)).toEqual([5]);
  });

  it.each([
    ['', true],
    ['Hello world.', true],
    ['Hello world', false],
    ['Hello, world and', false],
    ['He said "yes."', true],
    ['A list:\n', true],
    ['Dr.', false],
  ])('endsSentence(%j) = %s', (text, expected) => {
    expect(endsSentence(text)).toBe(expected);
  });
});

describe('grapheme-safe clipping', () => {
  it('never splits a surrogate pair or an emoji sequence', () => {
    const family = '👨‍👩‍👧';
    const text = `${family}x`;
    for (let i = 1; i < family.length; i++) expect(isGraphemeBoundary(text, i)).toBe(false);
    expect(isGraphemeBoundary(text, family.length)).toBe(true);
    expect(isGraphemeBoundary('e\u0301a', 1)).toBe(false);
  });

  it.each([0, 1, 2, 3, 4, 5, 6, 7])('clipBefore inside unbroken emoji runs lands on a boundary (offset %i)', (shift) => {
    const text = '😀'.repeat(40) + 'a'.repeat(shift);
    const { text: clipped, start } = clipBefore(text, text.length, 21);
    expect(isGraphemeBoundary(text, start)).toBe(true);
    expect(clipped.length).toBeLessThanOrEqual(21);
    expect(clipped.charCodeAt(0)).not.toBe(0xde00);
  });

  it('clipBefore starts at a sentence start when one is near the cut', () => {
    const text = 'Alpha beta gamma delta. Second sentence here. Third one now';
    const { text: clipped, truncated } = clipBefore(text, text.length, 45);
    expect(truncated).toBe(true);
    expect(clipped).toBe('Second sentence here. Third one now');
  });

  it('clipBefore falls back to a word start', () => {
    const text = 'word '.repeat(100);
    const { text: clipped } = clipBefore(text, text.length, 23);
    expect(clipped.startsWith('word')).toBe(true);
  });

  it('clipAfter ends at a sentence end or a word end', () => {
    const text = 'First part ends. Second part continues for a while longer';
    expect(clipAfter(text, 0, 30).text).toBe('First part ends.');
    const words = 'aaa bbb ccc ddd eee fff';
    expect(clipAfter(words, 0, 13).text).toBe('aaa bbb ccc');
  });

  it('leaves short text whole', () => {
    expect(clipBefore('short', 5, 100)).toEqual({ text: 'short', start: 0, truncated: false });
    expect(clipAfter('short', 0, 100)).toEqual({ text: 'short', end: 5, truncated: false });
  });
});

describe('sentenceAt', () => {
  const text = 'First sentence here. Second one is this. Third.';
  it.each([
    [5, 'First sentence here.'],
    [20, 'First sentence here.'],
    [21, 'First sentence here.'],
    [25, 'Second one is this.'],
    [text.length, 'Third.'],
  ])('caret %i → %j', (caret, expected) => {
    const range = sentenceAt(text, caret);
    expect(text.slice(range.start, range.end)).toBe(expected);
  });

  it('takes the next line after a line break', () => {
    const t = 'Line one.\nLine two goes';
    const range = sentenceAt(t, 10);
    expect(t.slice(range.start, range.end)).toBe('Line two goes');
  });

  it('bounds an enormous sentence', () => {
    const t = 'word '.repeat(5000);
    const range = sentenceAt(t, 12_000);
    expect(range.end - range.start).toBeLessThanOrEqual(MAX_TARGET_CHARS);
    expect(range.start).toBeLessThanOrEqual(12_000);
    expect(range.end).toBeGreaterThanOrEqual(12_000);
  });
});

describe('buildMessages', () => {
  it('returns role/content messages for every action', () => {
    const text = 'I wrote this sentence. And this one too.';
    for (const action of ACTION_IDS) {
      const messages = buildMessages({ action, text, caret: 10, ...(action === 'fit' ? { limit: 20 } : {}) });
      expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
      for (const m of messages) expect(m.content.length).toBeGreaterThan(20);
      expect(system(messages)).toMatch(/same language/);
    }
  });

  it('continue asks for one or two sentences and includes the text before the caret', () => {
    const text = 'The meeting went well. We agreed to';
    const m = buildMessages({ action: 'continue', text, caret: text.length });
    expect(user(m)).toContain('We agreed to');
    expect(user(m)).toMatch(/next one or two sentences/);
    expect(user(m)).toMatch(/middle of a sentence/);
  });

  it('continue also comes as the start of the model\'s own reply: the task in the request, the text (trimmed) as the reply', () => {
    const text = 'The meeting went well. We agreed to \n';
    const p = preparePrompt({ action: 'continue', text, caret: text.length });
    expect(p.continuation?.reply).toBe('The meeting went well. We agreed to');
    const request = p.continuation!.messages;
    expect(request.map((m) => m.role)).toEqual(['system', 'user']);
    expect(request[1]!.content).toMatch(/^Task: Continue this text/);
    expect(request[1]!.content).not.toContain('We agreed');
    // Text after the caret goes in the request, for reference.
    const middle = preparePrompt({ action: 'continue', text: 'Start here. End there.', caret: 11 });
    expect(middle.continuation?.reply).toBe('Start here.');
    expect(middle.continuation!.messages[1]!.content).toContain('End there.');
    // Nothing before the caret: nothing to go on from.
    expect(preparePrompt({ action: 'continue', text: '  End there.', caret: 1 }).continuation).toBeUndefined();
    expect(preparePrompt({ action: 'shorten', text: 'One two three four.', caret: 0, selection: { start: 0, end: 19 } }).continuation).toBeUndefined();
  });

  it('continue includes text after the caret for reference only', () => {
    const text = 'Start here. End there.';
    const m = buildMessages({ action: 'continue', text, caret: 11 });
    expect(user(m)).toContain('End there.');
    expect(user(m)).toMatch(/do not repeat it/);
  });

  it('rewrites operate on the selection', () => {
    const text = 'Keep this. Change this part please. Keep that.';
    const start = text.indexOf('Change');
    const end = text.indexOf('Keep that') - 1;
    const p = preparePrompt({ action: 'formal', text, caret: end, selection: { start, end } });
    expect(p.sourceText).toBe('Change this part please.');
    expect(p.replace).toEqual({ start, end: start + 'Change this part please.'.length });
    expect(user(p.messages)).toMatch(/Passage:\n"""\nChange this part please\.\n"""/);
    expect(user(p.messages)).toMatch(/formal/);
  });

  it('rewrites without a selection use the sentence at the caret', () => {
    const text = 'First one. The second sentense has a typo. Third.';
    const caret = text.indexOf('sentense');
    const p = preparePrompt({ action: 'grammar', text, caret });
    expect(p.sourceText).toBe('The second sentense has a typo.');
    expect(p.contextBefore).toBe('First one. ');
    expect(user(p.messages)).toMatch(/spelling, grammar and punctuation/);
  });

  it.each(
    [...REWRITE_ACTIONS].filter((a) => a !== 'fit').map((a) => [a] as const),
  )('%s has its own instruction', (action) => {
    const m = buildMessages({ action, text: 'Some text to change.', caret: 3 });
    const others = [...REWRITE_ACTIONS]
      .filter((a) => a !== action && a !== 'fit')
      .map((a) => user(buildMessages({ action: a, text: 'Some text to change.', caret: 3 })));
    for (const other of others) expect(user(m)).not.toBe(other);
  });

  it('fit names the character limit and the current length', () => {
    const m = buildMessages({ action: 'fit', text: 'A fairly long sentence that needs to fit.', caret: 2, limit: 25 });
    expect(user(m)).toMatch(/at most 25 characters/);
    expect(user(m)).toMatch(/now 41 characters/);
  });

  it.each([undefined, 0, -3, 2.5])('fit refuses a missing or bad limit (%s)', (limit) => {
    expect(() => buildMessages({ action: 'fit', text: 'Some text.', caret: 1, ...(limit !== undefined ? { limit } : {}) })).toThrow(
      PromptError,
    );
  });

  it('headline asks for at most 70 characters', () => {
    const p = preparePrompt({ action: 'headline', text: 'Our team shipped the new release today after months of work.', caret: 0 });
    expect(user(p.messages)).toMatch(new RegExp(`at most ${HEADLINE_MAX_CHARS} characters`));
    expect(p.limit).toBe(HEADLINE_MAX_CHARS);
  });

  it('names the language when one is given', () => {
    const m = buildMessages({ action: 'rephrase', text: 'Das ist ein Satz.', caret: 2, language: 'de' });
    expect(system(m)).toMatch(/German \(de\)/);
    expect(describeLanguage('xx-<script>')).toBeNull();
    expect(describeLanguage('Français')).toBe('Français');
  });

  it.each([
    [{ caret: -1 }],
    [{ caret: 999 }],
    [{ caret: 0, selection: { start: 5, end: 2 } }],
    [{ caret: 0, selection: { start: 0, end: 999 } }],
  ])('rejects ranges outside the text %j', (extra) => {
    expect(() => buildMessages({ action: 'rephrase', text: 'Short text.', ...extra })).toThrow(PromptError);
  });

  it('refuses empty targets and over-long selections', () => {
    expect(() => buildMessages({ action: 'shorten', text: '   ', caret: 1 })).toThrow(/no text/);
    const long = 'x'.repeat(MAX_TARGET_CHARS + 10);
    expect(() => buildMessages({ action: 'shorten', text: long, caret: 0, selection: { start: 0, end: long.length } })).toThrow(
      /at most/,
    );
  });

  it('keeps a 1 MB field cheap: context is clipped to the window', () => {
    const sentence = 'This is one sentence of filler text. ';
    const huge = sentence.repeat(Math.ceil(1_000_000 / sentence.length));
    const caret = Math.floor(huge.length / 2);
    const p = preparePrompt({ action: 'continue', text: huge, caret });
    expect(p.contextBefore.length).toBeLessThanOrEqual(CONTEXT_LIMITS.continue.before);
    expect(p.contextAfter.length).toBeLessThanOrEqual(CONTEXT_LIMITS.continue.after);
    expect(user(p.messages).length).toBeLessThan(CONTEXT_LIMITS.continue.before + CONTEXT_LIMITS.continue.after + 600);
    // Cut at sentence boundaries: the window starts with a capital and ends with a period.
    expect(p.contextBefore).toMatch(/^This is/);
    const r = preparePrompt({ action: 'rephrase', text: huge, caret });
    expect(r.contextBefore.length).toBeLessThanOrEqual(CONTEXT_LIMITS.rewrite.before);
    expect(r.sourceText).toBe('This is one sentence of filler text.');
  });

  it('suggests token budgets that grow with the passage', () => {
    expect(suggestedMaxNewTokens('expand', 400)).toBeGreaterThan(suggestedMaxNewTokens('shorten', 400));
    expect(suggestedMaxNewTokens('fit', 400, 40)).toBeLessThan(suggestedMaxNewTokens('rephrase', 400));
    expect(suggestedMaxNewTokens('expand', 100_000)).toBe(512);
  });
});

describe('summary (standfirst)', () => {
  const story = 'The council approved the transit budget on Tuesday. Residents spoke for hours about fares and routes.';

  it('summarises the start of the text and inserts at the caret, keeping the text', () => {
    const p = preparePrompt({ action: 'summary', text: story, caret: 0 });
    expect(p.replace).toEqual({ start: 0, end: 0 });
    expect(p.sourceText).toBe(story);
    expect(p.limit).toBe(SUMMARY_MAX_CHARS);
    expect(p.messages.at(-1)!.content).toContain(story);
    expect(p.messages.at(-1)!.content).toMatch(/standfirst/i);
  });

  it('summarises only the selection when there is one', () => {
    const p = preparePrompt({ action: 'summary', text: story, caret: 10, selection: { start: 0, end: 51 } });
    expect(p.sourceText).toBe(story.slice(0, 51));
    expect(p.replace).toEqual({ start: 10, end: 10 });
  });

  it('refuses an empty text', () => {
    expect(() => preparePrompt({ action: 'summary', text: '   ', caret: 0 })).toThrow(PromptError);
  });

  it('is cleaned to one paragraph without a preamble, within its limit', () => {
    const raw = 'Here is a standfirst:\n\nThe council approved the budget after a long night of debate.\n\nLet me know if you want another.';
    const out = cleanOutput(raw, { action: 'summary', sourceText: story, contextBefore: '', limit: 40 });
    expect(out.length).toBeLessThanOrEqual(40);
    expect(out).toMatch(/^The council approved/);
  });
});
