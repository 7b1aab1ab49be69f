import { readFile } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import { binaryInlined } from 'harper.js/binaryInlined';
import { Dialect, LocalLinter } from 'harper.js';
import { lintChunks } from '../../lib/proofread/lint-chunks';
import { createProofreader, toProofreadLints } from '../../lib/proofread/proofreader';

/**
 * Proofreading a field paragraph by paragraph (#14 part 3, the lint budget): the pieces are whole
 * sentences, the findings are exactly Harper's on the whole text, and a paragraph the writer did
 * not change is not linted again.
 */

describe('lintChunks', () => {
  it('cuts after a sentence that ends a line, keeps a hard line break inside a sentence, and loses nothing', () => {
    const text = 'The council met.\n\nIts members said “no.”\nThe mayor, who spoke\nlast, left early\nand';
    const chunks = lintChunks(text);
    expect(chunks.map((chunk) => chunk.text)).toEqual(['The council met.\n\n', 'Its members said “no.”\n', 'The mayor, who spoke\nlast, left early\nand']);
    for (const chunk of chunks) expect(text.slice(chunk.start, chunk.start + chunk.text.length)).toBe(chunk.text);
    expect(chunks.map((chunk) => chunk.text).join('')).toBe(text);
  });

  it('gives one piece for a text without a line break, and for an empty one', () => {
    expect(lintChunks('One sentence. Two sentences.')).toEqual([{ start: 0, text: 'One sentence. Two sentences.' }]);
    expect(lintChunks('')).toEqual([{ start: 0, text: '' }]);
  });
});

describe('the proofreader, paragraph by paragraph', () => {
  /** Newsroom prose of the calibration set and the quality tasks, as long passages. */
  async function passages(): Promise<string[]> {
    const texts: string[] = [];
    for (const file of ['tests/fixtures/calibration/newsroom.json', 'bench/quality/tasks.json']) {
      JSON.stringify(JSON.parse(await readFile(file, 'utf8')), (_key, value: unknown) => {
        if (typeof value === 'string' && value.length > 120) texts.push(value);
        return value;
      });
    }
    return texts;
  }

  it("finds exactly what Harper finds in the whole text, with paragraphs joined by one or two line breaks", async () => {
    const whole = new LocalLinter({ binary: binaryInlined, dialect: Dialect.American });
    const proofreader = createProofreader(binaryInlined);
    const texts = await passages();
    expect(texts.length).toBeGreaterThan(50);
    let pieces = 0;
    for (const passage of texts) {
      for (const text of [passage, passage.replace(/(?<=[.!?]) +/g, '\n'), passage.replace(/(?<=[.!?]) +/g, '\n\n')]) {
        pieces += lintChunks(text).length;
        expect(await proofreader.lint(text), text).toEqual(toProofreadLints(text, await whole.lint(text, { language: 'plaintext' })));
      }
    }
    // The texts did get cut: most passages hold several sentences.
    expect(pieces).toBeGreaterThan(texts.length * 3);
  }, 120_000);

  it('lints again only the paragraph the writer changed, with its findings at their new place', async () => {
    const proofreader = createProofreader(binaryInlined);
    const text = 'The council met on Tuesday.\nIt voted to delay an budget.\nResidents were angry.';
    const first = await proofreader.lint(text);
    expect(first.map((lint) => text.slice(lint.start, lint.end))).toContain('an');
    const linted = vi.spyOn(LocalLinter.prototype, 'lint');
    try {
      const edited = `The city council met on Tuesday.\nIt voted to delay an budget.\nResidents were angry.`;
      const second = await proofreader.lint(edited);
      expect(linted.mock.calls.map(([piece]) => piece)).toEqual(['The city council met on Tuesday.\n']);
      const article = second.find((lint) => edited.slice(lint.start, lint.end) === 'an');
      expect(article?.start).toBe(edited.indexOf('an budget'));
    } finally {
      linted.mockRestore();
    }
  });
});
