import { beforeAll, describe, expect, it } from 'vitest';
import { binaryInlined } from 'harper.js/binaryInlined';
import { SuggestionKind, type Lint } from 'harper.js';
import { createRequestHandler, type RequestHandlerDependencies } from '../../lib/background/request-handler';
import { senderScope } from '../../lib/background/sender-scope';
import { parseRequest, PROOFREAD_MAX_TEXT } from '../../lib/messaging';
import { createProofreader, toProofreadLints, type Proofreader } from '../../lib/proofread/proofreader';

/**
 * Proofreading (#14 part 3): lints carry UTF-16 offsets of the text sent (what harper.js gives,
 * pinned here with text outside the BMP and a combining accent), every fix is a replacement of
 * the span, and `proofread.lint` is validated, bounded and open to content scripts.
 */

const OWN = { id: 'ext-id', pagesOrigin: 'chrome-extension://ext-id/' };
const content = senderScope({ id: OWN.id, url: 'https://news.example/compose', origin: 'https://news.example' }, OWN)!;

/** A Harper lint as the WASM hands it out, for the suggestion kinds Harper seldom offers. */
function fakeLint(start: number, end: number, fixes: [SuggestionKind, string][]): Lint {
  return {
    span: () => ({ start, end }),
    message: () => 'message',
    lint_kind: () => 'Spelling',
    suggestions: () => fixes.map(([kind, text]) => ({ kind: () => kind, get_replacement_text: () => text })),
  } as unknown as Lint;
}

describe('lints as the protocol carries them', () => {
  it('turns every fix into the replacement of the span, and drops overlapping lints', () => {
    const text = 'I saw teh cat';
    const lints = toProofreadLints(text, [
      fakeLint(6, 9, [[SuggestionKind.Replace, 'the'], [SuggestionKind.Remove, ''], [SuggestionKind.InsertAfter, ' big']]),
      fakeLint(0, 1, []),
      fakeLint(7, 10, [[SuggestionKind.Replace, 'x']]),
    ]);
    expect(lints.map((l) => [l.start, l.end])).toEqual([
      [0, 1],
      [6, 9],
    ]);
    expect(lints[1]!.suggestions).toEqual(['the', '', 'teh big']);
  });

  it('clamps spans to the text', () => {
    expect(toProofreadLints('abc', [fakeLint(2, 9, [])]).map((l) => [l.start, l.end])).toEqual([[2, 3]]);
  });
});

describe('Harper in Node', () => {
  let proofreader: Proofreader;
  beforeAll(() => {
    proofreader = createProofreader(binaryInlined);
  });

  it('finds "an test" with offsets into the UTF-16 text, after emoji and combining marks too', async () => {
    for (const text of ['This is an test.', '😀😀 This is an test.', '𝒜 👩‍💻 This is an test.', 'Cafe\u0301 menu. This is an test.']) {
      const lints = await proofreader.lint(text);
      const article = lints.find((l) => text.slice(l.start, l.end) === 'an');
      expect(article, text).toBeDefined();
      expect(article!.start).toBe(text.indexOf('an test'));
      expect(article!.suggestions).toContain('a');
      expect(article!.message.length).toBeGreaterThan(0);
    }
  });

  it('finds nothing in a correct sentence', async () => {
    expect(await proofreader.lint('This is a test.')).toEqual([]);
  });
});

describe('proofread.lint request', () => {
  const handle = (lint: Proofreader['lint']) =>
    createRequestHandler({ proofreader: () => ({ lint }) } as unknown as RequestHandlerDependencies);

  it('is validated at the receiver', () => {
    expect(parseRequest({ type: 'proofread.lint', text: 'Hi.' })).toEqual({ type: 'proofread.lint', text: 'Hi.' });
    expect(parseRequest({ type: 'proofread.lint', text: 5 })).toBeNull();
    expect(parseRequest({ type: 'proofread.lint' })).toBeNull();
    expect(parseRequest({ type: 'proofread.lint', text: 'x'.repeat(2_000_001) })).toBeNull();
  });

  it('is answered for a content script, and refuses text over the cap with a clear error', async () => {
    const seen: string[] = [];
    const handler = handle(async (text) => {
      seen.push(text);
      return [{ start: 0, end: 1, message: 'm', kind: 'Spelling', suggestions: ['x'] }];
    });
    expect(await handler({ type: 'proofread.lint', text: 'A' }, content)).toEqual({
      ok: true,
      lints: [{ start: 0, end: 1, message: 'm', kind: 'Spelling', suggestions: ['x'] }],
    });
    const refused = await handler({ type: 'proofread.lint', text: 'x'.repeat(PROOFREAD_MAX_TEXT + 1) }, content);
    expect(refused).toMatchObject({ ok: false, code: 'too-long' });
    expect((refused as { error: string }).error).toContain(String(PROOFREAD_MAX_TEXT));
    expect(seen).toEqual(['A']);
    expect(await handler({ type: 'proofread.lint', text: 'x'.repeat(PROOFREAD_MAX_TEXT) }, content)).toMatchObject({ ok: true });
  });

  it('answers a failing linter with a failure, not an exception', async () => {
    const handler = handle(async () => {
      throw new Error('wasm gone');
    });
    expect(await handler({ type: 'proofread.lint', text: 'A' }, content)).toEqual({ ok: false, code: 'unknown', error: 'wasm gone' });
  });
});
