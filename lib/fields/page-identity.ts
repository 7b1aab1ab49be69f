/**
 * The page a field is on, as the ledger keys it. A frame's own address often names nothing: an
 * editor's `about:srcdoc`, `about:blank` or `blob:` frame (TinyMCE, the block editor's canvas)
 * would otherwise share one document with every such editor on the site, or on every site when its
 * origin is opaque. So a field belongs to the highest page its frame can reach (same origin): the
 * page whose address names the story. A frame of another origin with an address of its own (an
 * embedded editor) is its own page. `fieldIdOf` prefixes a field in a reachable frame with the
 * frame element, so fields of two frames on one page stay apart.
 */

/** What is read of a location; a `Location` fits. */
export interface LocationLike {
  readonly href: string;
  readonly origin: string;
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
  /** Chromium only; the last entry is the top page's origin. */
  readonly ancestorOrigins?: { readonly length: number; readonly [index: number]: string };
}

/** What is read of a window; a `Window` fits. A top window is its own parent. */
export interface WindowLike {
  readonly location: LocationLike;
  readonly parent: WindowLike;
}

export interface PageLocation {
  origin: string;
  /** pathname + search + hash, for `documentKeyOf` to keep what names the story. */
  path: string;
}

/** Frames nest only so deep; a bound, so that an odd parent chain cannot loop. */
const MAX_DEPTH = 32;

/** An address that names a page: not a local document, nor one of an opaque origin. */
function namesAPage(location: LocationLike): boolean {
  return location.origin !== 'null' && !/^(about|blob|data|javascript):/i.test(location.href);
}

/** A window's location, or null when it is another origin's (reading it throws then). */
function readable(win: WindowLike): (PageLocation & { names: boolean }) | null {
  try {
    const { location } = win;
    return { origin: location.origin, path: `${location.pathname}${location.search}${location.hash}`, names: namesAPage(location) };
  } catch {
    return null;
  }
}

export function pageLocation(win: WindowLike): PageLocation {
  const own = readable(win)!;
  let best: PageLocation | null = own.names ? own : null;
  let current = win;
  for (let depth = 0; depth < MAX_DEPTH && current.parent !== current; depth++) {
    current = current.parent;
    const location = readable(current);
    if (!location) break;
    if (location.names) best = location;
  }
  // A top page keeps its own address even when it names nothing (a file: page has origin 'null').
  if (best) return { origin: best.origin, path: best.path };
  if (win.parent === win) return { origin: own.origin, path: own.path };
  // A frame that reaches no page (sandboxed: opaque origin): the top page's origin, marked as a
  // framed editor, with what its own address says (`about:srcdoc`, a sandboxed embed's URL without
  // query; a blob's or data URL's body names nothing and changes per load).
  const ancestors = win.location.ancestorOrigins;
  const top = ancestors && ancestors.length > 0 ? ancestors[ancestors.length - 1]! : own.origin;
  const href = win.location.href;
  const frame = /^(blob|data|javascript):/i.exec(href)?.[1]!.toLowerCase() ?? href.split(/[?#]/)[0]!;
  return { origin: top, path: `/?ledgerline-frame=${encodeURIComponent(frame)}` };
}
