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

export { editableRootOf, fieldKindOf, isSiteDisabled, isUsableField, opensOnPause, refusalReason } from './eligibility';
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

/** The message schema's limit on a field id (lib/messaging/ledger.ts). */
const MAX_FIELD_ID = 512;

/**
 * Ids frameworks mint per page load, which name nothing on the next load: a WordPress block's
 * client id (`block-<uuid>`), React's `useId` (`:r1:`, `«r1»`, `_r_1_`), Ember's view ids (Ghost's
 * admin).
 */
const GENERATED_ID = /^(block-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|:r[0-9a-z]*:|«r[0-9a-z]*»|_r_[0-9a-z]*_|ember\d+)$/i;

/**
 * Attributes editors set to name a field, after `id` and `name`, most stable first: ids set for
 * code (tests, forms) before `aria-label` and `placeholder`, which are translated and sometimes
 * rewritten as the field changes.
 */
const NAMING_ATTRIBUTES = ['data-testid', 'data-field', 'data-name', 'data-id', 'aria-label', 'placeholder'] as const;

/** The field's name within its own document or shadow root. */
function localFieldId(element: Element): string {
  // `id` and `[name=…]` are the forms existing ledger documents are keyed by: keep them as they are.
  if (element.id && !GENERATED_ID.test(element.id)) return element.id;
  const name = element.getAttribute('name');
  if (name) return `[name=${name}]`;
  for (const attribute of NAMING_ATTRIBUTES) {
    // A WordPress block's label says whether it is empty ("Empty block; start writing…"), so it
    // changes between a suggestion into an empty paragraph and the audit of the written one.
    if (attribute === 'aria-label' && element.hasAttribute('data-block')) continue;
    const value = element.getAttribute(attribute);
    if (value && !GENERATED_ID.test(value)) return `[${attribute}=${value}]`;
  }
  // Position, the last resort: it shifts when the page's layout does.
  const path: string[] = [];
  for (let node: Element | null = element; node && node !== node.ownerDocument.body; node = node.parentElement) {
    const parent: Element | null = node.parentElement;
    const index = parent ? Array.prototype.indexOf.call(parent.children, node) : 0;
    path.unshift(`${node.tagName.toLowerCase()}:${index}`);
  }
  return path.join('>');
}

/**
 * What holds the field's document or shadow root: a shadow host, or the frame element of a frame
 * the page can reach (which `pageLocation` then counts as part of the page). Read by shape, not
 * `instanceof`: a frame's nodes come from another realm.
 */
function containerOf(element: Element): Element | null {
  const host = (element.getRootNode() as Partial<ShadowRoot>).host;
  if (host) return host;
  return element.ownerDocument.defaultView?.frameElement ?? null;
}

/**
 * A stable name for a field within its page, used to key requests (a newer request for the same
 * field interrupts the older one) and ledger documents. A field in a shadow root or a frame is
 * named within its container: `my-editor>>>[name=body]`, `content_ifr>>>tinymce`.
 */
export function fieldIdOf(element: Element): string {
  const container = containerOf(element);
  const local = localFieldId(element);
  return (container ? `${fieldIdOf(container)}>>>${local}` : local).slice(0, MAX_FIELD_ID);
}
