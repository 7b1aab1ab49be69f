/** Normalise a page path: drop query and hash, collapse a trailing slash (but keep "/"). */
export function normalizePath(path: string): string {
  let p = path.split('#')[0]!.split('?')[0]!;
  if (!p.startsWith('/')) p = `/${p}`;
  while (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

/** Normalise an origin: lower-case scheme and host, drop a trailing slash. */
export function normalizeOrigin(origin: string): string {
  return origin.replace(/\/+$/, '').toLowerCase();
}

export function documentKeyOf(doc: { origin: string; path: string; fieldId: string }): string {
  return `${normalizeOrigin(doc.origin)}${normalizePath(doc.path)}#${doc.fieldId}`;
}
