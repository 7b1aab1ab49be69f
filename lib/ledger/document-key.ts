/**
 * Which ledger document a field's text belongs to: the page's origin, the parts of its URL that
 * name the story being written, and the field.
 *
 * Merging two stories is the worse mistake (one story's report would list the other's AI
 * sentences); splitting one only leaves a report short. So a query parameter is kept unless it is
 * known not to name the story, and a known CMS's editor URL keeps exactly what names its post.
 *
 * Key format (`documentKeyOf`), none of the parts before the field id can hold a `#`:
 *   origin + path                          + '#' + fieldId   no kept query, no route: the format
 *                                                            every existing entry has, unchanged
 *   origin + path + '?' + query            + '#' + fieldId   kept parameters, sorted
 *   origin + path [+ '?' + query] + '#!' + route + '#' + fieldId   a hash route (`#/…`, `#!/…`)
 */

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

/** Bounds, so that a URL with hundreds of parameters still gives a short, stable key. */
const MAX_PARAMS = 8;
const MAX_NAME = 64;
const MAX_VALUE = 200;
const MAX_ROUTE = 512;

/**
 * Parameters that never name a story. Tracking ids and cache busters change per visit and would
 * split a story; session tokens and nonces are secrets as well, and a key is written into the
 * ledger and its exported reports. `action` is a verb (edit, submit), `tab` which panel of the
 * editor shows, `destination`/`redirect_to`… where to go after saving. `lang` is kept: a
 * translation is a different text (where a translation has its own id, as in WordPress, the CMS
 * rule below keeps only that id).
 */
const DROPPED = new Set([
  'fbclid', 'gclid', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid', 'ttclid', 'mc_cid', 'mc_eid',
  '_ga', '_gl', '_hsenc', '_hsmi', 'mkt_tok', 'igshid', 'si', 'ref', 'ref_src',
  'sid', 'session', 'sessionid', 'session_id', 'phpsessid', 'jsessionid', 'cfid', 'cftoken',
  'token', 'access_token', 'auth_token', 'csrf_token', 'nonce', '_wpnonce',
  '_', '_t', 'ts', 'timestamp', 'cb', 'cachebuster', 'nocache',
  'action', 'tab', 'destination', 'redirect_to', 'return_to', 'returnurl',
]);
/** Campaign parameter families (Google Analytics, Matomo). */
const DROPPED_PREFIXES = ['utm_', 'pk_', 'mtm_'];

/**
 * WordPress admin screens' editor state, which does not name the post. Only under /wp-admin/:
 * elsewhere `message` or `updated` may well name what is edited.
 */
const WORDPRESS_ADMIN = /\/wp-admin\//;
const WORDPRESS_STATE = new Set([
  'classic-editor', 'classic-editor__forget', 'block-editor', 'meta-box-loader', 'meta-box-loader-nonce',
  'message', 'updated', 'settings-updated', 'wp-post-new-reload', '_wp_http_referer', 'canvas',
]);

/**
 * Editor URLs of known CMSs, and the only parameters that name their story. Others need no rule:
 * Ghost's `/ghost/#/editor/post/ID` is a hash route, Arc's and Brightspot's `?id=`/`?contentId=`
 * are ordinary parameters. WordPress's `post-new.php` has no rule either: an unsaved post is keyed
 * by `post-new.php` (with `post_type`), and once WordPress saves it and moves the address to
 * `post.php?post=N`, later entries go to that other document; the earlier ones stay where they were.
 */
const EDITOR_RULES: readonly { path: RegExp; keep: readonly string[] }[] = [
  // WordPress, classic and block editor: `post` is the post id; `lang` too is dropped, as a
  // translation is a post of its own (WPML, Polylang).
  { path: /\/wp-admin\/post\.php$/, keep: ['post'] },
  // Drupal `/node/N/edit` and Medium `/p/ID/edit`: the path names the story, a query is navigation
  // (`?destination=`, `?source=`).
  { path: /\/node\/\d+\/edit$/, keep: [] },
  { path: /\/p\/[0-9a-f]+\/edit$/i, keep: [] },
];

/** Parameters that usually name the story: when more than MAX_PARAMS are kept, these go first. */
const IDENTIFYING = new Set([
  'post', 'p', 'id', 'contentid', 'content_id', 'page_id', 'postid', 'post_id', 'articleid', 'article_id',
  'storyid', 'story_id', 'docid', 'doc', 'document', 'documentid', 'draftid', 'nid', 'node', 'uuid', 'slug',
]);

/** A parameter's name as a CMS wrote it, for matching: decoded where it decodes, lower-cased. */
function nameOf(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

/** Code-unit order: the same everywhere, unlike `localeCompare`. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The kept parameters of a query, as written (not re-encoded, so nothing can fail to decode),
 * sorted by name then value so their order in the URL does not matter.
 */
function keptQuery(search: string, keep: (name: string) => boolean): string {
  const kept = new Map<string, { name: string; pair: string; first: boolean }>();
  for (const raw of search.split('&')) {
    if (!raw) continue;
    const eq = raw.indexOf('=');
    const rawName = eq < 0 ? raw : raw.slice(0, eq);
    const name = nameOf(rawName);
    if (!keep(name)) continue;
    const shortName = rawName.slice(0, MAX_NAME);
    const pair = eq < 0 ? shortName : `${shortName}=${raw.slice(eq + 1, eq + 1 + MAX_VALUE)}`;
    kept.set(pair, { name: shortName, pair, first: IDENTIFYING.has(name) });
  }
  const byName = (a: { name: string; pair: string }, b: { name: string; pair: string }) =>
    byCodeUnits(a.name, b.name) || byCodeUnits(a.pair, b.pair);
  return [...kept.values()]
    .sort((a, b) => Number(b.first) - Number(a.first) || byName(a, b))
    .slice(0, MAX_PARAMS)
    .sort(byName)
    .map((p) => p.pair)
    .join('&');
}

function genericKeep(name: string): boolean {
  return !DROPPED.has(name) && !DROPPED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/**
 * A hash that is a client-side route (`#/…`, `#!/…`) names a page; any other is an anchor in it,
 * as is a second `#` in a route (which also keeps the key's last `#` the field id's).
 */
function routeOf(hash: string): string {
  const routed = hash.startsWith('/') ? hash : hash.startsWith('!/') ? hash.slice(1) : null;
  if (routed === null) return '';
  const route = routed.split('#')[0]!;
  const q = route.indexOf('?');
  const query = q < 0 ? '' : keptQuery(route.slice(q + 1), genericKeep);
  const path = normalizePath(q < 0 ? route : route.slice(0, q));
  if (path === '/' && !query) return '';
  return `${path}${query ? `?${query}` : ''}`.slice(0, MAX_ROUTE);
}

/**
 * The part of a page's `pathname + search + hash` that names the story, as it appears in the key:
 * `/wp-admin/post.php?post=101`, `/ghost#!/editor/post/abc`, `/about` (what `normalizePath` gives
 * when nothing else names the story).
 */
export function storyIdentity(path: string): string {
  const hashAt = path.indexOf('#');
  const beforeHash = hashAt < 0 ? path : path.slice(0, hashAt);
  const queryAt = beforeHash.indexOf('?');
  const pathname = normalizePath(beforeHash);
  const rule = EDITOR_RULES.find((r) => r.path.test(pathname));
  const wordPress = WORDPRESS_ADMIN.test(`${pathname}/`);
  const keep = rule
    ? (name: string) => rule.keep.includes(name)
    : (name: string) => genericKeep(name) && !(wordPress && WORDPRESS_STATE.has(name));
  const query = queryAt < 0 ? '' : keptQuery(beforeHash.slice(queryAt + 1), keep);
  const route = hashAt < 0 ? '' : routeOf(path.slice(hashAt + 1));
  return `${pathname}${query ? `?${query}` : ''}${route ? `#!${route}` : ''}`;
}

export function documentKeyOf(doc: { origin: string; path: string; fieldId: string }): string {
  return `${normalizeOrigin(doc.origin)}${storyIdentity(doc.path)}#${doc.fieldId}`;
}

/**
 * The editor page a key belongs to, without what names a story (query, hash route) or the
 * field: `https://site/wp-admin/post.php` for every post edited there. Keys written before
 * story-level keys had only this, so documents sharing it are where their entries may belong.
 */
export function pageOfKey(key: string): string {
  // The first '#' starts the route ('#!') or the field id; the parts before it hold none.
  const hash = key.indexOf('#');
  const page = hash >= 0 ? key.slice(0, hash) : key;
  const query = page.indexOf('?');
  return query >= 0 ? page.slice(0, query) : page;
}

/** True when a key names its page only (no query, no route): the earlier, page-wide rule's shape. */
export function isPageWideKey(key: string): boolean {
  const hash = key.indexOf('#');
  const page = hash >= 0 ? key.slice(0, hash) : key;
  return !page.includes('?') && !(hash >= 0 && key.startsWith('#!', hash));
}
