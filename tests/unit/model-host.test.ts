import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startModelHost, type ModelHost } from '../../scripts/model-host';

/** A raw request (no URL normalization, unlike fetch), so dot segments reach the server as sent. */
function rawGet(origin: string, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  const url = new URL(origin);
  return new Promise((ok, fail) => {
    const req = request({ host: url.hostname, port: url.port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end();
  });
}

describe('model host', () => {
  let root: string;
  let outside: string;
  let host: ModelHost;
  const big = Buffer.alloc(100_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 0xff;
  const configJson = JSON.stringify({ model_type: 'gpt2' });
  const file = (p: string) => `${host.origin}/acme/tiny/resolve/main/${p}`;

  beforeAll(async () => {
    const base = mkdtempSync(join(tmpdir(), 'model-host-'));
    root = join(base, 'models');
    outside = join(base, 'secret.txt');
    writeFileSync(outside, 'secret');
    mkdirSync(join(root, 'acme', 'tiny', 'onnx'), { recursive: true });
    writeFileSync(join(root, 'acme', 'tiny', 'config.json'), configJson);
    writeFileSync(join(root, 'acme', 'tiny', 'onnx', 'model.onnx'), big);
    writeFileSync(join(root, 'acme', 'tiny', 'empty.txt'), '');
    symlinkSync(outside, join(root, 'acme', 'tiny', 'leak.txt'));
    mkdirSync(join(root, 'acme', 'tiny@v2'), { recursive: true });
    writeFileSync(join(root, 'acme', 'tiny@v2', 'config.json'), '{"v":2}');
    host = await startModelHost({ root });
  });
  afterEach(() => host.setFaults(undefined));
  afterAll(async () => {
    await host.close();
    rmSync(resolve(root, '..'), { recursive: true, force: true });
  });

  it('binds loopback only', async () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await expect(startModelHost({ root, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });

  it('maps the hub layout to {root}/{org}/{name}/{file} with the usual headers', async () => {
    const res = await fetch(file('config.json'));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(configJson);
    expect(res.headers.get('content-length')).toBe(String(configJson.length));
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('accept-ranges')).toBe('bytes');

    const onnx = await fetch(file('onnx/model.onnx'));
    expect(onnx.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await onnx.arrayBuffer()).equals(big)).toBe(true);

    const empty = await fetch(file('empty.txt'));
    expect(empty.status).toBe(200);
    expect(await empty.text()).toBe('');
  });

  it('answers HEAD with the length and no body, and OPTIONS preflights', async () => {
    const res = await rawGet(host.origin, '/acme/tiny/resolve/main/onnx/model.onnx', 'HEAD');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(big.length));
    expect(res.body.length).toBe(0);
    const pre = await rawGet(host.origin, '/acme/tiny/resolve/main/onnx/model.onnx', 'OPTIONS');
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(String(pre.headers['access-control-allow-methods'])).toContain('GET');
    expect((await rawGet(host.origin, '/acme/tiny/resolve/main/config.json', 'POST')).status).toBe(405);
  });

  it('serves byte ranges like the hub (transformers.js probes sizes with bytes=0-0)', async () => {
    const probe = await fetch(file('onnx/model.onnx'), { headers: { Range: 'bytes=0-0' } });
    expect(probe.status).toBe(206);
    expect(probe.headers.get('content-range')).toBe(`bytes 0-0/${big.length}`);
    expect(Buffer.from(await probe.arrayBuffer())).toEqual(big.subarray(0, 1));

    const mid = await fetch(file('onnx/model.onnx'), { headers: { Range: 'bytes=1000-1999' } });
    expect(mid.status).toBe(206);
    expect(mid.headers.get('content-length')).toBe('1000');
    expect(Buffer.from(await mid.arrayBuffer()).equals(big.subarray(1000, 2000))).toBe(true);

    const open = await fetch(file('onnx/model.onnx'), { headers: { Range: 'bytes=99990-' } });
    expect(Buffer.from(await open.arrayBuffer()).equals(big.subarray(99990))).toBe(true);
    const suffix = await fetch(file('onnx/model.onnx'), { headers: { Range: 'bytes=-10' } });
    expect(suffix.headers.get('content-range')).toBe(`bytes ${big.length - 10}-${big.length - 1}/${big.length}`);
    expect(Buffer.from(await suffix.arrayBuffer()).equals(big.subarray(big.length - 10))).toBe(true);

    const past = await fetch(file('onnx/model.onnx'), { headers: { Range: `bytes=${big.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${big.length}`);
  });

  it('answers 404 like the hub for missing files, repos and revisions', async () => {
    const missing = await fetch(file('onnx/model_q4.onnx'));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-error-code')).toBe('EntryNotFound');
    expect(missing.headers.get('access-control-allow-origin')).toBe('*');
    expect((await fetch(`${host.origin}/acme/nope/resolve/main/config.json`)).headers.get('x-error-code')).toBe('RepoNotFound');
    expect((await fetch(`${host.origin}/acme/tiny/resolve/v3/config.json`)).status).toBe(404);
    expect((await fetch(`${host.origin}/acme/tiny/resolve/v3/config.json`)).headers.get('x-error-code')).toBe('RevisionNotFound');
    expect((await fetch(`${host.origin}/acme/tiny/blob/main/config.json`)).status).toBe(404);
    expect((await fetch(`${host.origin}/acme/tiny/resolve/main/onnx`)).status).toBe(404); // a folder
    // A revision other than main is served from {name}@{revision} when that folder exists.
    const v2 = await fetch(`${host.origin}/acme/tiny/resolve/v2/config.json`);
    expect(v2.status).toBe(200);
    expect(await v2.text()).toBe('{"v":2}');
  });

  it('refuses path traversal', async () => {
    for (const p of [
      '/acme/tiny/resolve/main/../../../secret.txt',
      '/acme/tiny/resolve/main/../../../../secret.txt',
      '/acme/tiny/resolve/main/%2e%2e/%2e%2e/%2e%2e/secret.txt',
      '/acme/tiny/resolve/main/..%2f..%2f..%2fsecret.txt',
      '/acme/tiny/resolve/main/..%5c..%5csecret.txt',
      '/acme/tiny/resolve/main/./config.json',
      '/acme/tiny/resolve/main//config.json',
      '/acme/tiny/resolve/main/config.json%00',
      '/acme/..%2f..%2f/resolve/main/secret.txt',
    ]) {
      const res = await rawGet(host.origin, p);
      expect({ p, status: res.status }).toEqual({ p, status: 400 });
      expect(res.body.toString()).not.toContain('secret"');
    }
    const link = await rawGet(host.origin, '/acme/tiny/resolve/main/leak.txt');
    expect(link.status).toBe(403);
    expect(link.body.toString()).not.toBe('secret');
  });

  it('records every request path in order', async () => {
    const before = host.requests.length;
    await fetch(file('config.json'));
    await fetch(file('missing.bin'));
    await fetch(file('onnx/model.onnx'), { method: 'HEAD' });
    expect(host.requests.slice(before)).toEqual([
      '/acme/tiny/resolve/main/config.json',
      '/acme/tiny/resolve/main/missing.bin',
      '/acme/tiny/resolve/main/onnx/model.onnx',
    ]);
    expect(host.log.slice(before).map((e) => [e.method, e.status])).toEqual([
      ['GET', 200],
      ['GET', 404],
      ['HEAD', 200],
    ]);
  });

  it('fails a file N times with an HTTP status, then serves it', async () => {
    host.setFaults({ failures: [{ match: 'onnx/model.onnx', kind: 'status', status: 503, times: 2 }] });
    expect((await fetch(file('onnx/model.onnx'))).status).toBe(503);
    expect((await fetch(file('config.json'))).status).toBe(200); // other files unaffected
    expect((await fetch(file('onnx/model.onnx'))).status).toBe(503);
    const ok = await fetch(file('onnx/model.onnx'));
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).equals(big)).toBe(true);
  });

  it('matches rules by repo file, repo path, full path or RegExp; default status 500, once', async () => {
    host.setFaults({ failures: [{ match: 'acme/tiny/config.json', kind: 'status' }] });
    expect((await fetch(file('config.json'))).status).toBe(500);
    expect((await fetch(file('config.json'))).status).toBe(200);
    host.setFaults({ failures: [{ match: /\.json$/, kind: 'status', times: Infinity }] });
    for (let i = 0; i < 3; i++) expect((await fetch(file('config.json'))).status).toBe(500);
    host.setFaults({ failures: [{ match: '/acme/tiny/resolve/main/config.json', kind: 'status', status: 429 }] });
    expect((await fetch(file('config.json'))).status).toBe(429);
  });

  it("'full' rules skip range probes", async () => {
    host.setFaults({ failures: [{ match: 'onnx/model.onnx', kind: 'status', when: 'full' }] });
    expect((await fetch(file('onnx/model.onnx'), { headers: { Range: 'bytes=0-0' } })).status).toBe(206);
    expect((await fetch(file('onnx/model.onnx'))).status).toBe(500);
    expect((await fetch(file('onnx/model.onnx'))).status).toBe(200);
  });

  it('cuts the connection mid-body, then serves the file', async () => {
    host.setFaults({ failures: [{ match: 'onnx/model.onnx', kind: 'cut', afterBytes: 30_000 }] });
    const res = await fetch(file('onnx/model.onnx'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(big.length));
    let received = 0;
    const reader = res.body!.getReader();
    const read = async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        received += value.length;
      }
    };
    await expect(read()).rejects.toThrow();
    expect(received).toBeLessThanOrEqual(30_000);
    expect(host.log.at(-1)!.fault).toBe('cut');
    const ok = await fetch(file('onnx/model.onnx'));
    expect(Buffer.from(await ok.arrayBuffer()).equals(big)).toBe(true);
    // A resume with a Range request gets the rest.
    const rest = await fetch(file('onnx/model.onnx'), { headers: { Range: 'bytes=30000-' } });
    expect(Buffer.from(await rest.arrayBuffer()).equals(big.subarray(30_000))).toBe(true);
  });

  it('throttles bytes per second', async () => {
    host.setFaults({ throttle: [{ match: 'onnx/model.onnx', bytesPerSecond: 50_000 }] });
    let t0 = performance.now();
    const slow = Buffer.from(await (await fetch(file('onnx/model.onnx'), { headers: { Range: 'bytes=0-19999' } })).arrayBuffer());
    const slowMs = performance.now() - t0;
    expect(slow.equals(big.subarray(0, 20_000))).toBe(true);
    expect(slowMs).toBeGreaterThan(300); // 20 kB at 50 kB/s = 400 ms
    t0 = performance.now();
    await (await fetch(file('config.json'))).text(); // not matched: fast
    expect(performance.now() - t0).toBeLessThan(300);
  });

  it('adds latency', async () => {
    host.setFaults({ latencyMs: 150 });
    const t0 = performance.now();
    await (await fetch(file('config.json'))).text();
    expect(performance.now() - t0).toBeGreaterThan(130);
  });

  it('runs as a CLI that prints its origin', async () => {
    const script = resolve(import.meta.dirname, '../../scripts/model-host.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--root', root, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((ok, fail) => {
        createInterface({ input: child.stdout! }).once('line', ok);
        child.once('exit', (code) => fail(new Error(`exited ${code}`)));
      });
      expect(line).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${line}/acme/tiny/resolve/main/config.json`);
      expect(await res.text()).toBe(configJson);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
