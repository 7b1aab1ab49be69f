import { describe, expect, expectTypeOf, it } from 'vitest';
import { pageLocation, type WindowLike } from '../../lib/fields/page-identity';
import { documentKeyOf } from '../../lib/ledger/document-key';

/** A fake window at `href`; `ancestorOrigins` as Chromium reports it (nearest first, top last). */
function frame(href: string, parent: WindowLike | null, opts: { origin?: string; ancestorOrigins?: string[] } = {}): WindowLike {
  const url = new URL(href);
  const location = {
    href,
    origin: opts.origin ?? url.origin,
    pathname: url.pathname,
    search: url.search,
    hash: url.hash,
    ...(opts.ancestorOrigins ? { ancestorOrigins: opts.ancestorOrigins } : {}),
  };
  const win: { location: typeof location; parent: WindowLike } = { location, parent: null as unknown as WindowLike };
  win.parent = parent ?? win;
  return win;
}

/** A window of another origin: reading its location throws, as a browser's does. */
function crossOrigin(parent: WindowLike | null = null): WindowLike {
  const win = {
    get location(): never {
      throw new DOMException('Blocked a frame with origin from accessing a cross-origin frame.', 'SecurityError');
    },
    parent: null as unknown as WindowLike,
  };
  win.parent = parent ?? win;
  return win;
}

const POST = 'https://news.example/wp-admin/post.php?post=101&action=edit#top';

describe('pageLocation', () => {
  it('a top page is its own address, with query and hash for documentKeyOf to filter', () => {
    expect(pageLocation(frame(POST, null))).toEqual({ origin: 'https://news.example', path: '/wp-admin/post.php?post=101&action=edit#top' });
  });

  it('a srcdoc or about:blank frame is the page around it', () => {
    const top = frame(POST, null);
    const expected = pageLocation(top);
    expect(pageLocation(frame('about:srcdoc', top, { origin: 'https://news.example' }))).toEqual(expected);
    expect(pageLocation(frame('about:blank', top, { origin: 'https://news.example' }))).toEqual(expected);
    expect(pageLocation(frame('blob:https://news.example/5e1c', top))).toEqual(expected);
  });

  it('two srcdoc editors on different pages no longer share a document', () => {
    const keyIn = (href: string) =>
      documentKeyOf({ ...pageLocation(frame('about:srcdoc', frame(href, null), { origin: 'null' })), fieldId: 'body' });
    expect(keyIn('https://news.example/wp-admin/post.php?post=1')).not.toBe(keyIn('https://news.example/wp-admin/post.php?post=2'));
    expect(keyIn('https://news.example/a')).not.toBe(keyIn('https://blog.example/a'));
  });

  it('a same-origin frame with an address of its own belongs to the top page (TinyMCE-style)', () => {
    const top = frame(POST, null);
    const middle = frame('https://news.example/wp-admin/editor-frame.html?x=1', top);
    expect(pageLocation(frame('about:blank', middle, { origin: 'https://news.example' }))).toEqual(pageLocation(top));
    expect(pageLocation(middle)).toEqual(pageLocation(top));
  });

  it('takes the highest page it can reach when the top is of another origin', () => {
    const page = frame('https://cms.example/edit?id=5', crossOrigin());
    expect(pageLocation(frame('about:srcdoc', page, { origin: 'https://cms.example' }))).toEqual({ origin: 'https://cms.example', path: '/edit?id=5' });
  });

  it('a frame of another origin with an address of its own is its own page', () => {
    expect(pageLocation(frame('https://editor.example/doc/9', crossOrigin()))).toEqual({ origin: 'https://editor.example', path: '/doc/9' });
  });

  it('a sandboxed srcdoc frame falls back to the top origin from ancestorOrigins, marked as a framed editor', () => {
    const sandboxed = frame('about:srcdoc', crossOrigin(crossOrigin()), { origin: 'null', ancestorOrigins: ['https://mid.example', 'https://top.example'] });
    const location = pageLocation(sandboxed);
    expect(location).toEqual({ origin: 'https://top.example', path: '/?ledgerline-frame=about%3Asrcdoc' });
    expect(documentKeyOf({ ...location, fieldId: 'body' })).toBe('https://top.example/?ledgerline-frame=about%3Asrcdoc#body');
  });

  it('a sandboxed frame with a URL keeps that URL (without query) in the marker', () => {
    const sandboxed = frame('https://embed.example/widget?session=1', crossOrigin(), { origin: 'null', ancestorOrigins: ['https://top.example'] });
    expect(pageLocation(sandboxed)).toEqual({ origin: 'https://top.example', path: '/?ledgerline-frame=https%3A%2F%2Fembed.example%2Fwidget' });
  });

  it('without ancestorOrigins (Firefox), a sandboxed frame keeps its own origin', () => {
    expect(pageLocation(frame('data:text/html,<p>hi', crossOrigin(), { origin: 'null' }))).toEqual({ origin: 'null', path: '/?ledgerline-frame=data' });
  });

  it('a top file: page keeps its address although its origin is opaque', () => {
    expect(pageLocation(frame('file:///home/me/draft.html', null, { origin: 'null' }))).toEqual({ origin: 'null', path: '/home/me/draft.html' });
  });

  it('a real Window fits', () => {
    expectTypeOf<Window>().toExtend<WindowLike>();
  });
});
