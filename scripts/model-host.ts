/**
 * A local HTTP server that serves model folders in the Hugging Face hub URL layout,
 * for tests (nothing in the test suite may download from the internet).
 *
 *   GET|HEAD /{org}/{name}/resolve/{revision}/{file path}
 *     revision "main"  -> {root}/{org}/{name}/{file path}
 *     revision R       -> {root}/{org}/{name}@{R}/{file path} if that folder exists, else 404
 *
 * - Content-Length, Content-Type, Accept-Ranges, ETag, Access-Control-Allow-Origin: *
 *   (plus Access-Control-Expose-Headers for the length/range headers, and OPTIONS preflights);
 *   `cors: false` leaves the CORS headers out, as an internal mirror may.
 * - Single byte ranges (`Range: bytes=a-b`, `a-`, `-n`) -> 206 + Content-Range, or 416;
 *   transformers.js probes file sizes with `Range: bytes=0-0`.
 * - Missing repo/revision/file -> 404 with the hub's `X-Error-Code` header
 *   (RepoNotFound / RevisionNotFound / EntryNotFound) and a JSON body.
 * - Path traversal (`..`, `.`, empty, encoded slashes/backslashes, NUL in any segment,
 *   or a symlink that leads outside root) -> 400/403; never served.
 * - Binds a loopback address only (127.0.0.1 by default; ::1 also accepted).
 * - `faults` make given files fail N times (HTTP status or a connection cut mid-body),
 *   add latency, or throttle bytes/second; they can be replaced at run time with
 *   `setFaults()`.
 * - `requests` records the path of every request in arrival order; `log` has details.
 *
 * CLI: npx tsx scripts/model-host.ts --root tests/fixtures/models [--port 8765] [--host 127.0.0.1]
 *      prints the origin, serves until killed.
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Which requests a fault or throttle rule applies to. */
export type FileMatcher =
  /** Compared with the file path inside the repo ("onnx/model_quantized.onnx"), the
   * "{org}/{name}/{file}" path, or the full request path. */
  | string
  /** Tested against the full request path ("/org/name/resolve/main/onnx/model.onnx"). */
  | RegExp;

export interface FailureRule {
  match: FileMatcher;
  /** "status": answer with `status` (default 500) and no file body.
   *  "cut": send the headers and `afterBytes` bytes of the body (default half of it), then
   *  destroy the connection (Content-Length announces the full size). */
  kind: 'status' | 'cut';
  status?: number;
  afterBytes?: number;
  /** How many matching requests fail before the file is served normally (default 1;
   *  Infinity for always). */
  times?: number;
  /** "any" (default): every matching GET/HEAD counts, range probes included.
   *  "full": only GETs without a Range header (i.e. real downloads) count. */
  when?: 'any' | 'full';
}

export interface ThrottleRule {
  /** Omit to throttle every file. */
  match?: FileMatcher;
  bytesPerSecond: number;
}

export interface ModelHostFaults {
  failures?: FailureRule[];
  /** Either one rate for all bodies or per-file rules (first match wins). */
  throttle?: number | ThrottleRule[];
  /** Delay before any response is started. */
  latencyMs?: number;
}

export interface ModelHostOptions {
  /** Folder holding {org}/{name}/... model folders. */
  root: string;
  /** 0 or omitted: a free port. */
  port?: number;
  /** Loopback only: "127.0.0.1" (default) or "::1". */
  host?: string;
  faults?: ModelHostFaults;
  /** false: send no CORS headers, like an internal mirror that never expected browsers (default true). */
  cors?: boolean;
}

export interface ModelHostLogEntry {
  method: string;
  path: string;
  range: string | null;
  status: number;
  /** Body bytes written (set when the response ends or is cut). */
  bytesSent: number;
  /** Set when a fault rule was applied. */
  fault?: 'status' | 'cut';
}

export interface ModelHost {
  /** e.g. "http://127.0.0.1:41234" (no trailing slash). */
  origin: string;
  /** Path (with query, as received) of every request, in arrival order. */
  requests: string[];
  log: ModelHostLogEntry[];
  /** Replace the fault configuration; failure counters restart. */
  setFaults(faults: ModelHostFaults | undefined): void;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.onnx': 'application/octet-stream',
  '.onnx_data': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.wasm': 'application/wasm',
};

const LOOPBACK = new Set(['127.0.0.1', '::1']);

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Resolved {
  filePath: string;
  /** Path of the file inside the repo, e.g. "onnx/model.onnx". */
  repoFile: string;
  repoId: string;
}

/** Splits a raw request path into decoded segments without normalizing dots. */
function segmentsOf(rawPath: string): string[] {
  const parts = rawPath.split('/').slice(1);
  return parts.map((p) => {
    let d: string;
    try {
      d = decodeURIComponent(p);
    } catch {
      throw new HttpError(400, 'BadRequest', 'bad percent-encoding');
    }
    if (d === '' || d === '.' || d === '..' || /[/\\\0]/.test(d)) {
      throw new HttpError(400, 'BadRequest', 'path traversal or empty segment refused');
    }
    return d;
  });
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function resolveRequest(rootReal: string, rawPath: string): Promise<Resolved> {
  const seg = segmentsOf(rawPath);
  if (seg.length < 5 || seg[2] !== 'resolve') {
    throw new HttpError(404, 'EntryNotFound', 'expected /{org}/{name}/resolve/{revision}/{file}');
  }
  const [org, name, , revision, ...fileSeg] = seg as [string, string, string, string, ...string[]];
  const repoDir = join(rootReal, org, name);
  if (!(await isDirectory(repoDir))) throw new HttpError(404, 'RepoNotFound', `repository ${org}/${name} not found`);
  const revDir = revision === 'main' ? repoDir : join(rootReal, org, `${name}@${revision}`);
  if (!(await isDirectory(revDir))) throw new HttpError(404, 'RevisionNotFound', `revision ${revision} not found`);
  const filePath = join(revDir, ...fileSeg);
  let real: string;
  try {
    real = await fsp.realpath(filePath);
  } catch {
    throw new HttpError(404, 'EntryNotFound', `${fileSeg.join('/')} not found`);
  }
  if (!real.startsWith(rootReal + sep)) throw new HttpError(403, 'Forbidden', 'outside the model root');
  const st = await fsp.stat(real);
  if (!st.isFile()) throw new HttpError(404, 'EntryNotFound', `${fileSeg.join('/')} not found`);
  return { filePath: real, repoFile: fileSeg.join('/'), repoId: `${org}/${name}` };
}

function matches(m: FileMatcher, pathname: string, r: Resolved | null): boolean {
  if (m instanceof RegExp) {
    m.lastIndex = 0;
    return m.test(pathname);
  }
  if (m === pathname) return true;
  if (!r) return false;
  return m === r.repoFile || m === `${r.repoId}/${r.repoFile}`;
}

/** Parses a single range; null for none/multiple/garbled (served as 200), "unsatisfiable" for 416. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a, b] = m as unknown as [string, string, string];
  if (a === '' && b === '') return null;
  let start: number;
  let end: number;
  if (a === '') {
    const n = Number(b);
    if (n === 0) return 'unsatisfiable';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
    if (start >= size || end < start) return 'unsatisfiable';
  }
  return { start, end };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function startModelHost(options: ModelHostOptions): Promise<ModelHost> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new Error(`model host binds loopback only (127.0.0.1 or ::1), not ${host}`);
  const rootReal = await fsp.realpath(resolve(options.root));
  if (!(await isDirectory(rootReal))) throw new Error(`root is not a folder: ${options.root}`);

  let faults: ModelHostFaults = options.faults ?? {};
  let failureCounts = new Map<FailureRule, number>();
  const requests: string[] = [];
  const log: ModelHostLogEntry[] = [];
  const sockets = new Set<Socket>();
  const etags = new Map<string, string>();

  async function etagOf(path: string, size: number, mtimeMs: number): Promise<string> {
    const key = `${path}:${size}:${mtimeMs}`;
    let tag = etags.get(key);
    if (!tag) {
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
      tag = `"${hash.digest('hex')}"`;
      etags.set(key, tag);
    }
    return tag;
  }

  function corsHeaders(res: ServerResponse) {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'Content-Length, Content-Range, Content-Type, Accept-Ranges, ETag, X-Error-Code');
  }

  function throttleFor(pathname: string, r: Resolved): number | null {
    const t = faults.throttle;
    if (t === undefined) return null;
    if (typeof t === 'number') return t > 0 ? t : null;
    for (const rule of t) if (rule.match === undefined || matches(rule.match, pathname, r)) return rule.bytesPerSecond;
    return null;
  }

  function takeFailure(pathname: string, r: Resolved | null, method: string, hasRange: boolean, bodyLen: number): FailureRule | null {
    for (const rule of faults.failures ?? []) {
      if (!matches(rule.match, pathname, r)) continue;
      if ((rule.when ?? 'any') === 'full' && (method !== 'GET' || hasRange)) continue;
      if (rule.kind === 'cut' && (method !== 'GET' || bodyLen <= (rule.afterBytes ?? Math.floor(bodyLen / 2)))) continue;
      const used = failureCounts.get(rule) ?? 0;
      if (used >= (rule.times ?? 1)) continue;
      failureCounts.set(rule, used + 1);
      return rule;
    }
    return null;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, entry: ModelHostLogEntry) {
    const rawUrl = req.url ?? '/';
    const pathname = rawUrl.split('?')[0]!.split('#')[0]!;
    if (options.cors !== false) corsHeaders(res);
    if (faults.latencyMs) await sleep(faults.latencyMs);

    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
        'Access-Control-Allow-Headers': '*',
        'Access-Control-Max-Age': '600',
      });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD, OPTIONS' });
      res.end();
      return;
    }

    let r: Resolved;
    try {
      r = await resolveRequest(rootReal, pathname);
    } catch (e) {
      const err = e instanceof HttpError ? e : new HttpError(500, 'InternalError', String(e));
      // A status failure may also be configured for a missing file.
      const rule = takeFailure(pathname, null, req.method, !!req.headers.range, 0);
      const status = rule ? (rule.status ?? 500) : err.status;
      if (rule) entry.fault = 'status';
      const body = JSON.stringify({ error: rule ? 'injected failure' : err.message });
      res.writeHead(status, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
        'X-Error-Code': rule ? 'InjectedFailure' : err.code,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }

    const st = await fsp.stat(r.filePath);
    const size = st.size;
    const range = parseRange(req.headers.range, size);
    const baseHeaders: Record<string, string | number> = {
      'Content-Type': CONTENT_TYPES[extname(r.filePath).toLowerCase()] ?? 'application/octet-stream',
      'Accept-Ranges': 'bytes',
      ETag: await etagOf(r.filePath, size, st.mtimeMs),
      'Cache-Control': 'no-cache',
    };
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...baseHeaders, 'Content-Range': `bytes */${size}`, 'Content-Length': 0 });
      res.end();
      return;
    }
    const start = range ? range.start : 0;
    const end = range ? range.end : size - 1;
    const len = size === 0 ? 0 : end - start + 1;

    const rule = takeFailure(pathname, r, req.method, !!req.headers.range, len);
    if (rule?.kind === 'status') {
      entry.fault = 'status';
      const body = JSON.stringify({ error: 'injected failure' });
      res.writeHead(rule.status ?? 500, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(body),
        'X-Error-Code': 'InjectedFailure',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }

    const headers = { ...baseHeaders, 'Content-Length': len };
    if (range) res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}` });
    else res.writeHead(200, headers);
    if (req.method === 'HEAD' || len === 0) {
      res.end();
      return;
    }

    const cutAt = rule?.kind === 'cut' ? (rule.afterBytes ?? Math.floor(len / 2)) : Infinity;
    const bps = throttleFor(pathname, r);
    const fh = await fsp.open(r.filePath, 'r');
    try {
      const chunkSize = bps ? Math.max(1, Math.floor(bps / 20)) : 64 * 1024;
      const buf = Buffer.alloc(Math.min(chunkSize, 64 * 1024));
      let pos = start;
      let sent = 0;
      while (sent < len) {
        if (res.destroyed) return;
        let want = Math.min(buf.length, len - sent);
        if (sent + want > cutAt) want = cutAt - sent;
        if (want > 0) {
          const { bytesRead } = await fh.read(buf, 0, want, pos);
          if (bytesRead === 0) break;
          pos += bytesRead;
          sent += bytesRead;
          entry.bytesSent = sent;
          const ok = res.write(Buffer.from(buf.subarray(0, bytesRead)));
          if (!ok) await new Promise<void>((r2) => res.once('drain', () => r2()));
        }
        if (sent >= cutAt) {
          entry.fault = 'cut';
          // Let the bytes so far reach the client, then drop the connection.
          await new Promise<void>((r2) => setTimeout(r2, 20));
          req.socket.destroy();
          return;
        }
        if (bps) await sleep((want / bps) * 1000);
      }
      res.end();
    } finally {
      await fh.close();
    }
  }

  const server = createServer((req, res) => {
    const rawUrl = req.url ?? '/';
    requests.push(rawUrl);
    const entry: ModelHostLogEntry = {
      method: req.method ?? '',
      path: rawUrl,
      range: (req.headers.range as string | undefined) ?? null,
      status: 0,
      bytesSent: 0,
    };
    log.push(entry);
    res.on('finish', () => (entry.status = res.statusCode));
    res.on('close', () => (entry.status ||= res.statusCode));
    handle(req, res, entry).catch((e) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(String(e));
      } else {
        res.destroy();
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  const addr = server.address() as AddressInfo;
  const origin = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;

  return {
    origin,
    requests,
    log,
    setFaults(f) {
      faults = f ?? {};
      failureCounts = new Map();
    },
    close() {
      return new Promise<void>((ok) => {
        server.close(() => ok());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

// ---------------------------------------------------------------------------
// CLI

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const root = argValue(args, '--root') ?? 'tests/fixtures/models';
  const port = Number(argValue(args, '--port') ?? 0);
  const hostArg = argValue(args, '--host');
  const throttle = argValue(args, '--throttle');
  startModelHost({
    root,
    port,
    ...(hostArg ? { host: hostArg } : {}),
    ...(throttle ? { faults: { throttle: Number(throttle) } } : {}),
  })
    .then((h) => {
      console.log(h.origin);
      const stop = () => void h.close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    })
    .catch((e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    });
}
