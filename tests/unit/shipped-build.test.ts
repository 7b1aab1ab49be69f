/**
 * What ships (`npm run build` / `npm run zip`) against what the tests drive (`npm run build:test`):
 * the engine lab page exists only for the benchmark and the end-to-end tests, so the shipped build
 * has every page a writer uses and not the lab, onnxruntime's files once, and every UI language.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DOCUMENT_SIGNING_EKU } from '../../lib/c2pa/certificate';
import { buildExtension } from '../support/build-extension';
import { staticImportGraph } from '../support/module-graph';

const builds: ReturnType<typeof buildExtension>[] = [];
afterAll(() => builds.forEach((b) => b.remove()));

function build(env: Record<string, string>): string {
  const built = buildExtension(env);
  builds.push(built);
  return built.dir;
}

describe('shipped build', () => {
  it('has the popup, options, onboarding and audit pages, the content script and background, and no engine lab', () => {
    const shipped = build({});
    for (const file of ['popup.html', 'options.html', 'onboarding.html', 'audit.html', 'background.js', 'content-scripts/content.js']) {
      expect(existsSync(join(shipped, file)), file).toBe(true);
    }
    expect(existsSync(join(shipped, 'engine-lab.html'))).toBe(false);
    expect(readFileSync(join(shipped, 'manifest.json'), 'utf8')).not.toContain('engine-lab');
    // onnxruntime's binary ships once (26 MB; transformers.js and the threads' glue name the same
    // file), with the glue its thread workers start from; the pages are cross-origin isolated.
    const assets = readdirSync(join(shipped, 'assets'));
    expect(assets.filter((file) => /^ort-.*\.wasm$/.test(file))).toHaveLength(1);
    // Harper's binary (16 MB, the proofreader in the background) ships once too, and nothing else is WASM.
    expect(assets.filter((file) => /^harper_wasm_bg.*\.wasm$/.test(file))).toHaveLength(1);
    expect(assets.filter((file) => file.endsWith('.wasm'))).toHaveLength(2);
    expect(assets.filter((file) => /^ort-wasm-simd-threaded\.asyncify.*\.mjs$/.test(file))).toHaveLength(1);
    const manifest = JSON.parse(readFileSync(join(shipped, 'manifest.json'), 'utf8'));
    expect(manifest.cross_origin_embedder_policy).toEqual({ value: 'require-corp' });
    expect(manifest.cross_origin_opener_policy).toEqual({ value: 'same-origin' });
    // Every UI language ships; English is the one the browser falls back to.
    expect(manifest.default_locale).toBe('en');
    const locales = readdirSync('public/_locales');
    expect(locales).toEqual(expect.arrayContaining(['en', 'de', 'fr']));
    for (const locale of locales) expect(existsSync(join(shipped, '_locales', locale, 'messages.json')), locale).toBe(true);
    // Icons at the sizes the stores and toolbars ask for (Chrome 16/32/48/128, Firefox 48/96),
    // each a PNG of its own size, and the toolbar button names its own.
    for (const size of [16, 32, 48, 96, 128]) {
      const png = readFileSync(join(shipped, manifest.icons[String(size)]));
      expect(png.subarray(1, 4).toString('latin1'), `icon ${size}`).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)], `icon ${size}`).toEqual([size, size]);
    }
    expect(Object.keys(manifest.action.default_icon)).toEqual(['16', '32', '48']);
    // The content script runs in every page: it stays within its budget (50 KB min+gzip) and
    // takes its strings from the browser, not from a bundled copy of the English file.
    const content = readFileSync(join(shipped, 'content-scripts/content.js'));
    expect(gzipSync(content, { level: 9 }).length).toBeLessThanOrEqual(50 * 1024);
    // Harper runs in the background only: the content script carries none of it.
    expect(content.toString('utf8')).not.toContain('harper_wasm');
    expect(content.toString('utf8')).not.toContain(JSON.parse(readFileSync('public/_locales/en/messages.json', 'utf8')).extDescription.message);
    // The C2PA and X.509 libraries load in the audit page on its click, never in the service
    // worker, whose every start evaluates background.js and what it imports.
    const worker = staticImportGraph(shipped, 'background.js');
    const workerCode = worker.map((m) => m.source.toString('utf8')).join('\n');
    expect(workerCode).toContain('credentials.sign');
    for (const marker of ['c2pa.actions.v2', 'c2pa.hash.data', DOCUMENT_SIGNING_EKU]) expect(workerCode, marker).not.toContain(marker);
    const auditEntry = /<script type="module"[^>]* src="\/([^"]+)"/.exec(readFileSync(join(shipped, 'audit.html'), 'utf8'))![1]!;
    const auditCode = staticImportGraph(shipped, auditEntry).map((m) => m.source.toString('utf8')).join('\n');
    expect(auditCode).not.toContain('c2pa.actions.v2');
    const signing = readdirSync(join(shipped, 'chunks')).filter((f) => readFileSync(join(shipped, 'chunks', f), 'utf8').includes('c2pa.actions.v2'));
    expect(signing).toHaveLength(1);
    expect(auditCode).toContain(signing[0]); // imported on the click
    // No host access at install and no activeTab: the content script's matches put it in pages,
    // and a model mirror's origin is asked for (optional) when the writer sets it.
    expect(manifest.permissions).toEqual(['storage', 'unlimitedStorage', 'offscreen']);
    expect(manifest.host_permissions).toBeUndefined();
    expect(manifest.optional_host_permissions).toEqual(['http://*/*', 'https://*/*']);
    expect(manifest.content_scripts.map((script: { matches: string[] }) => script.matches)).toEqual([['<all_urls>']]);
    expect(JSON.stringify({ ...manifest, content_scripts: undefined })).not.toContain('<all_urls>');

    const tested = build({ LEDGERLINE_ENGINE_LAB: '1' });
    expect(existsSync(join(tested, 'engine-lab.html'))).toBe(true);
  }, 180_000); // two real builds
});
