import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Serves the CMS-like post editor (tests/fixtures/pages/cms-post.html) at every path, as a CMS
 * serves one editor for `/wp-admin/post.php?post=N&action=edit` whatever N is; or another page of
 * tests/fixtures/pages (a wire story to copy from), on an origin of its own.
 */
export async function startCmsServer(page = 'cms-post.html'): Promise<{ origin: string; close(): Promise<void> }> {
  const html = await readFile(`tests/fixtures/pages/${page}`, 'utf8');
  const server = createServer((_request, response) => {
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    response.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
