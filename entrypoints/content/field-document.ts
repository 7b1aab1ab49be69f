import { fieldIdOf } from '@/lib/fields';
import { pageLocation } from '@/lib/fields/page-identity';
import { documentKeyOf, storyIdentity } from '@/lib/ledger/document-key';

/**
 * The ledger document a field belongs to: the page that names the story (a frame's top page
 * when it can reach it), the parts of its URL that name the story, and the field. The path is
 * sent already reduced to the story's identity: bounded whatever the URL's length, and without
 * its tracking parameters or session tokens.
 */
export function fieldDocument(field: Element): { origin: string; path: string; fieldId: string } {
  const page = pageLocation(window);
  return { origin: page.origin, path: storyIdentity(page.path), fieldId: fieldIdOf(field) };
}

export function fieldDocumentKey(field: Element): string {
  return documentKeyOf(fieldDocument(field));
}
