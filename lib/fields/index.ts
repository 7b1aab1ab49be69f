import { contentEditableAdapter } from './adapters/contenteditable';
import { textControlAdapter } from './adapters/text-control';
import { fieldKindOf, type FieldKind } from './eligibility';
import type { FieldAdapter } from './field-snapshot';

export { editableRootOf, fieldKindOf, refusalReason } from './eligibility';
export type { FieldKind } from './eligibility';
export type { FieldAdapter, FieldSnapshot, InsertOutcome } from './field-snapshot';

const ADAPTERS: Record<FieldKind, FieldAdapter> = {
  textarea: textControlAdapter,
  input: textControlAdapter,
  contenteditable: contentEditableAdapter,
};

export function adapterFor(element: HTMLElement): FieldAdapter | null {
  const kind = fieldKindOf(element);
  return kind ? ADAPTERS[kind] : null;
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
