import { pageOfKey } from './document-key';

/**
 * What a report's files are called: the document and the day, never the URL (a URL can carry
 * ids an editor would not mail around, and says nothing to the person who opens the folder).
 *
 *   `<title-slug>-<YYYY-MM-DD>.ledgerline-report.json` / `.csv`   the report and its table
 *   `<title-slug>-<YYYY-MM-DD>.ledgerline-disclosure.md` / `.html` the statement to publish
 *   `<title-slug>-<YYYY-MM-DD>.ledgerline-verifier.html`           the offline report checker
 *
 * Without a title the slug is the page's host and path (no query, no hash, no field).
 */
export type ReportFileKind = 'json' | 'csv' | 'md' | 'html' | 'verifier';

const SUFFIX: Record<ReportFileKind, string> = {
  json: 'ledgerline-report.json',
  csv: 'ledgerline-report.csv',
  md: 'ledgerline-disclosure.md',
  html: 'ledgerline-disclosure.html',
  verifier: 'ledgerline-verifier.html',
};

const MAX_SLUG = 60;

/** Lower-case letters and digits of any script, joined by single dashes, cut at a dash. */
export function slugOf(words: string): string {
  const slug = words
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length <= MAX_SLUG) return slug;
  const cut = slug.slice(0, MAX_SLUG);
  const dash = cut.lastIndexOf('-');
  return (dash > MAX_SLUG / 2 ? cut.slice(0, dash) : cut).replace(/-+$/, '');
}

/** "news.example.com/wp-admin/post.php" from a document key (scheme, query, route and field dropped). */
function hostAndPath(key: string): string {
  const page = pageOfKey(key);
  try {
    const url = new URL(page);
    return `${url.host}${url.pathname}`;
  } catch {
    return page.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  }
}

export function reportFileName(
  report: { document: { key: string; title: string }; generatedAt: string },
  kind: ReportFileKind,
): string {
  const slug = slugOf(report.document.title) || slugOf(hostAndPath(report.document.key)) || 'document';
  return `${slug}-${report.generatedAt.slice(0, 10)}.${SUFFIX[kind]}`;
}
