/**
 * A field's sentences with their offsets and, for contenteditable editors, a DOM Range each: the
 * same text model that suggestions read and insert into, so the audit (#5) can highlight the
 * sentences the ledger attributes in any supported editor.
 */
import { segmentSentences, type SentenceSpan } from '../text/segment';
import type { FieldAdapter } from './field-snapshot';

export interface FieldSentence extends SentenceSpan {
  /** The sentence in the DOM (contenteditable editors), or null (textarea/input: use offsets). */
  range: Range | null;
}

export interface FieldText {
  kind: string;
  text: string;
  sentences: FieldSentence[];
}

export function sentencesOf(adapter: FieldAdapter, element: HTMLElement, locale?: string): FieldText {
  const { text } = adapter.read(element);
  const sentences = segmentSentences(text, locale).map((span) => ({
    ...span,
    range: adapter.rangeFor?.(element, span.start, span.end) ?? null,
  }));
  return { kind: adapter.kind, text, sentences };
}
