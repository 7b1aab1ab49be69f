import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import sirv from 'sirv';

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves a folder of pages on 127.0.0.1 (demo page, editor test pages). */
export async function startStaticServer(root: string, port = 0): Promise<StaticServer> {
  const serve = sirv(root, { dev: true, etag: false });
  const server = createServer((request, response) => serve(request, response, () => {
    response.statusCode = 404;
    response.end('not found');
  }));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${bound}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
