import { ckEditorAdapter } from './adapters/ckeditor';
import { contentEditableAdapter } from './adapters/contenteditable';
import { draftAdapter } from './adapters/draft';
import { lexicalAdapter } from './adapters/lexical';
import { proseMirrorAdapter } from './adapters/prosemirror';
import type { RichTextAdapter } from './adapters/rich-text';
import { slateAdapter } from './adapters/slate';
import { textControlAdapter } from './adapters/text-control';
import { tinyMceAdapter } from './adapters/tinymce';
import { quillAdapter } from './adapters/quill';
import { wordPressRichTextAdapter } from './adapters/wordpress';
import { fieldKindOf } from './eligibility';
import type { FieldAdapter, FieldSnapshot } from './field-snapshot';
import { sentencesOf, type FieldText } from './sentences';

export { editableRootOf, fieldKindOf, isSiteDisabled, refusalReason } from './eligibility';
export type { FieldKind } from './eligibility';
export type { FieldAdapter, FieldSnapshot, InsertOutcome } from './field-snapshot';
export { deepActiveElement, selectionRangeIn } from './selection';
export type { FieldSentence, FieldText } from './sentences';
export { flattenEditable, rangeForOffsets, domPointToOffset, offsetToDomPoint, type FlatText } from './text-model';

/** Known editors first; the generic contenteditable adapter last. */
const RICH_TEXT_ADAPTERS: readonly RichTextAdapter[] = [
  proseMirrorAdapter,
  lexicalAdapter,
  draftAdapter,
  slateAdapter,
  quillAdapter,
  ckEditorAdapter,
  tinyMceAdapter,
  wordPressRichTextAdapter,
];

export function adapterFor(element: HTMLElement): FieldAdapter | null {
  const kind = fieldKindOf(element);
  if (kind === 'textarea' || kind === 'input') return textControlAdapter;
  if (kind !== 'contenteditable') return null;
  return RICH_TEXT_ADAPTERS.find((adapter) => adapter.detect(element)) ?? contentEditableAdapter;
}

/**
 * The field's text and selection, the same way for every editor (what a suggestion's context and
 * the audit's sentence highlights are computed on), with the adapter that produced it.
 */
export function readField(element: HTMLElement): (FieldSnapshot & { kind: string }) | null {
  const adapter = adapterFor(element);
  return adapter ? { ...adapter.read(element), kind: adapter.kind } : null;
}

/** The field's text split into sentences (offsets, and DOM ranges for contenteditable editors). */
export function readFieldSentences(element: HTMLElement, locale?: string): FieldText | null {
  const adapter = adapterFor(element);
  return adapter ? sentencesOf(adapter, element, locale) : null;
}

/**
 * A stable name for a field within its page, used to key requests (a newer request for the same
 * field interrupts the older one) and ledger documents.
 */
export function fieldIdOf(element: HTMLElement): string {
  if (element.id) return element.id;
  const name = element.getAttribute('name');
  if (name) return `[name=${name}]`;
  const path: string[] = [];
  for (let node: Element | null = element; node && node !== node.ownerDocument.body; node = node.parentElement) {
    const parent: Element | null = node.parentElement;
    const index = parent ? Array.prototype.indexOf.call(parent.children, node) : 0;
    path.unshift(`${node.tagName.toLowerCase()}:${index}`);
  }
  return path.join('>');
}
