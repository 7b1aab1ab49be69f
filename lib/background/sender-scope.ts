import { normalizeOrigin } from '../ledger/document-key';
import type { Request } from '../messaging';

/**
 * Who sent a message, which decides what the background answers (#15). A content script runs
 * in every page, and a compromised renderer can send anything a content script can: so a
 * content-script sender may only ask what the content script needs for its own page (record or
 * withdraw an acceptance there, attribute a field of that page against that page's entries, proofread a field's text).
 * Everything else — backups, restore, export, the document list, settings-like engine requests —
 * is answered only for the extension's own pages.
 */
export type SenderScope =
  | { kind: 'extension-page' }
  | {
      kind: 'content-script';
      /** The origins this sender speaks for: its frame's and its tab's top-level page. */
      origins: ReadonlySet<string>;
    };

export interface MessageSenderLike {
  id?: string;
  url?: string;
  origin?: string;
  tab?: { url?: string };
}

function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const origin = new URL(url).origin;
    return origin && origin !== 'null' ? normalizeOrigin(origin) : null;
  } catch {
    return null;
  }
}

/** The sender's scope, or null when it is not this extension at all. */
export function senderScope(sender: MessageSenderLike | undefined, own: { id: string; pagesOrigin: string }): SenderScope | null {
  if (!sender || sender.id !== own.id) return null;
  // Compared as a prefix: extension URLs have no origin in every URL parser (Node says 'null').
  const pages = own.pagesOrigin.endsWith('/') ? own.pagesOrigin : `${own.pagesOrigin}/`;
  if (sender.url?.startsWith(pages)) return { kind: 'extension-page' };
  const origins = new Set<string>();
  for (const origin of [sender.origin && sender.origin !== 'null' ? normalizeOrigin(sender.origin) : null, originOf(sender.url), originOf(sender.tab?.url)]) {
    if (origin) origins.add(origin);
  }
  return { kind: 'content-script', origins };
}

/**
 * The hostname of the page a message came from, for per-site choices (the engine a site uses):
 * the frame's own, or its creator's for about:blank and srcdoc frames (Chromium gives their
 * `origin`). Null for the extension's own pages and for anything not http(s).
 */
export function senderSite(sender: MessageSenderLike | undefined, own: { pagesOrigin: string }): string | null {
  if (!sender || sender.url?.startsWith(own.pagesOrigin)) return null;
  for (const candidate of [sender.url, sender.origin]) {
    if (!candidate) continue;
    try {
      const url = new URL(candidate);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.hostname;
    } catch {
      // not a URL: try the next
    }
  }
  return null;
}

/** What a content script may ask at all; the handlers then hold it to its own page. */
const CONTENT_SCRIPT_REQUESTS: ReadonlySet<Request['type']> = new Set(['ledger.record', 'ledger.withdraw', 'ledger.paste', 'ledger.typed', 'ledger.copied', 'audit.attribute', 'audit.reviewOnAuditPage', 'proofread.lint']);

export function contentScriptMayAsk(type: Request['type']): boolean {
  return CONTENT_SCRIPT_REQUESTS.has(type);
}

/** True when a ledger document key belongs to a page this scope speaks for. */
export function scopeCoversDocument(scope: SenderScope, documentKey: string): boolean {
  if (scope.kind === 'extension-page') return true;
  for (const origin of scope.origins) if (documentKey.startsWith(`${origin}/`)) return true;
  return false;
}

/** True when an acceptance's page origin is one this scope speaks for. */
export function scopeCoversOrigin(scope: SenderScope, origin: string): boolean {
  return scope.kind === 'extension-page' || scope.origins.has(normalizeOrigin(origin));
}

export const FORBIDDEN = {
  ok: false as const,
  code: 'forbidden',
  error: 'Refused: this request is answered only for the extension’s own pages, or for the page it concerns.',
};
