import { describe, expect, it } from 'vitest';
import { documentKeyOf, normalizePath, storyIdentity } from '../../lib/ledger/document-key';

const key = (path: string, origin = 'https://news.example') => documentKeyOf({ origin, path, fieldId: 'content' });

describe('document key: what stays as it was', () => {
  it('is origin + normalised path + # + field id for a plain path, as every existing entry has it', () => {
    expect(documentKeyOf({ origin: 'https://Example.COM/', path: '/blog/post/', fieldId: '[name=body]' })).toBe(
      'https://example.com/blog/post#[name=body]',
    );
    expect(key('')).toBe('https://news.example/#content');
    expect(key('/')).toBe('https://news.example/#content');
  });

  it('stays in that format when the query and hash hold nothing that names the story', () => {
    expect(key('/blog/post?utm_source=x&fbclid=y#comments')).toBe('https://news.example/blog/post#content');
    expect(key('/blog/post?')).toBe('https://news.example/blog/post#content');
    expect(key('/app/#/')).toBe('https://news.example/app#content');
  });

  it('normalizePath still drops query and hash', () => {
    expect(normalizePath('/a/b/?post=1#/x')).toBe('/a/b');
  });
});

describe('document key: queries', () => {
  it('keeps two WordPress posts apart, and keeps only the post id', () => {
    const a = key('/wp-admin/post.php?post=101&action=edit');
    const b = key('/wp-admin/post.php?post=202&action=edit');
    expect(a).toBe('https://news.example/wp-admin/post.php?post=101#content');
    expect(b).toBe('https://news.example/wp-admin/post.php?post=202#content');
    expect(key('/wp-admin/post.php?action=edit&post=101&classic-editor&lang=fr&message=1&_wpnonce=abc')).toBe(a);
  });

  it('finds WordPress in a subdirectory', () => {
    expect(key('/blog/wp-admin/post.php?post=7&action=edit')).toBe('https://news.example/blog/wp-admin/post.php?post=7#content');
  });

  it("keeps a new WordPress post's type, and drops the admin screens' editor state", () => {
    expect(key('/wp-admin/post-new.php')).toBe('https://news.example/wp-admin/post-new.php#content');
    expect(key('/wp-admin/post-new.php?post_type=page&classic-editor&meta-box-loader=1&updated=true')).toBe(
      'https://news.example/wp-admin/post-new.php?post_type=page#content',
    );
  });

  it('drops tracking, session and cache-busting parameters', () => {
    const clean = key('/edit?id=42');
    for (const noise of ['utm_source=nl', 'UTM_Campaign=x', 'utm%5Fmedium=x', 'fbclid=a', 'gclid=b', 'msclkid=c', 'mc_eid=d', '_ga=1.2', '_gl=1*x',
      'ref=home', 'igshid=e', 'si=f', 'sid=g', 'PHPSESSID=h', 'jsessionid=i', 'token=j', 'nonce=k', '_=1712', 'ts=1712', 'timestamp=1712', 'action=edit', 'tab=seo']) {
      expect(key(`/edit?${noise}&id=42`), noise).toBe(clean);
    }
    expect(clean).toBe('https://news.example/edit?id=42#content');
  });

  it('keeps what it does not know, since merging two stories is worse than splitting one', () => {
    expect(key('/compose?message=99')).toBe('https://news.example/compose?message=99#content');
    expect(key('/article?lang=fr&id=3')).toBe('https://news.example/article?id=3&lang=fr#content');
  });

  it('sorts kept parameters, so their order does not matter', () => {
    expect(key('/edit?b=2&a=1&c=3')).toBe(key('/edit?c=3&a=1&b=2'));
    expect(key('/edit?b=2&a=1&c=3')).toBe('https://news.example/edit?a=1&b=2&c=3#content');
    expect(key('/edit?tag=y&tag=x')).toBe(key('/edit?tag=x&tag=y'));
  });

  it("keeps Arc's and Brightspot's ids", () => {
    expect(key('/composer/edit?id=ABC123&utm_source=x')).toBe('https://news.example/composer/edit?id=ABC123#content');
    expect(key('/cms/content/edit.jsp?contentId=0000-1&_=99')).toBe('https://news.example/cms/content/edit.jsp?contentId=0000-1#content');
    expect(key('/cms/content/edit.jsp?contentId=0000-1')).not.toBe(key('/cms/content/edit.jsp?contentId=0000-2'));
  });

  it('gives a URL with 500 parameters a bounded key that does not depend on their order, and keeps the id', () => {
    const params = Array.from({ length: 500 }, (_, i) => `p${String(i).padStart(3, '0')}=${'v'.repeat(300)}`);
    const path = `/edit?${params.join('&')}&id=7`;
    const shuffled = `/edit?id=7&${[...params].reverse().join('&')}`;
    const k = key(path);
    expect(k).toBe(key(shuffled));
    expect(k.length).toBeLessThan(2500);
    expect(k).toContain('?id=7&p000=');
    expect(k.split('&')).toHaveLength(8);
  });

  it('does not throw on odd Unicode or malformed escapes', () => {
    for (const path of ['/e?%E0%A4%A=1&id=2', '/e?\uD800=\uDFFF&id=2', '/e?名前=値&id=2', '/e?id=🙂&&&=&', '/e?\u0000=\u202E#\uD83D', '/e#/r/\uDC00?%zz=1']) {
      expect(() => key(path), path).not.toThrow();
      expect(key(path)).toBe(key(path));
    }
    expect(key('/e?名前=値')).toBe('https://news.example/e?名前=値#content');
  });
});

describe('document key: paths and routes', () => {
  it('keeps Ghost hash routes apart', () => {
    const a = key('/ghost/#/editor/post/64a1');
    expect(a).toBe('https://news.example/ghost#!/editor/post/64a1#content');
    expect(a).not.toBe(key('/ghost/#/editor/post/64a2'));
    expect(key('/ghost/#/editor/post/64a1/')).toBe(a);
  });

  it('keeps #!/ routes and the kept part of their query, not an anchor within the route', () => {
    expect(key('/app#!/story/9?utm_source=x&v=2')).toBe('https://news.example/app#!/story/9?v=2#content');
    expect(key('/app#/story/9#part')).toBe('https://news.example/app#!/story/9#content');
    expect(key('/app#/story/9?v=2#part')).toBe('https://news.example/app#!/story/9?v=2#content');
  });

  it('drops plain anchors', () => {
    for (const anchor of ['#section-2', '#top', '#comments', '#', '#!']) {
      expect(key(`/story${anchor}`), anchor).toBe('https://news.example/story#content');
    }
  });

  it('keeps a query and a route together', () => {
    expect(key('/admin?site=3#/posts/5')).toBe('https://news.example/admin?site=3#!/posts/5#content');
  });

  it('keys Drupal and Medium editors by their path alone', () => {
    expect(key('/node/12/edit?destination=/admin/content')).toBe('https://news.example/node/12/edit#content');
    expect(key('/fr/node/12/edit')).toBe('https://news.example/fr/node/12/edit#content');
    expect(key('/node/12/edit')).not.toBe(key('/node/13/edit'));
    expect(key('/p/3f2a9c1b7e0d/edit?source=your_stories_page')).toBe('https://news.example/p/3f2a9c1b7e0d/edit#content');
  });

  it('bounds a long route', () => {
    expect(storyIdentity(`/a#/${'r'.repeat(5000)}`).length).toBeLessThan(600);
  });
});

describe('storyIdentity', () => {
  it('is the key between the origin and the field id', () => {
    expect(storyIdentity('/wp-admin/post.php?post=101&action=edit')).toBe('/wp-admin/post.php?post=101');
    expect(storyIdentity('/ghost/#/editor/post/1')).toBe('/ghost#!/editor/post/1');
    expect(storyIdentity('/about/#team')).toBe('/about');
  });
});
