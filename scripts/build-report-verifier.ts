/**
 * Builds the offline report checker: standalone/report-verifier/main.tsx (the same view and
 * verifier as the audit page and `npm run verify`) bundled by Vite, its script and styles inlined
 * into one HTML file that works from disk with no network. wxt.config.ts adds it to the
 * extension's output as /report-verifier.html, which the audit page offers for download.
 *
 * Its Content-Security-Policy allows only these two inline blocks (by hash) and nothing from
 * anywhere: the page cannot load or send anything even if a report tried to make it.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { build, type Rollup } from 'vite';
import english from '../public/_locales/en/messages.json';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = fileURLToPath(new URL('../standalone/report-verifier/main.tsx', import.meta.url));

export const REPORT_VERIFIER_FILE = 'report-verifier.html';

const cspHash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function bundle(): Promise<{ js: string; css: string }> {
  const result = await build({
    configFile: false,
    root: ROOT,
    mode: 'production',
    logLevel: 'warn',
    resolve: { alias: { '@': ROOT } },
    plugins: [preact()],
    build: {
      write: false,
      minify: true,
      modulePreload: false,
      cssCodeSplit: false,
      assetsInlineLimit: Number.MAX_SAFE_INTEGER,
      rollupOptions: {
        input: ENTRY,
        output: { format: 'iife', entryFileNames: 'verifier.js', assetFileNames: '[name][extname]' },
      },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
  const files = outputs.flatMap((o) => o.output);
  const chunks = files.filter((f): f is Rollup.OutputChunk => f.type === 'chunk');
  const assets = files.filter((f): f is Rollup.OutputAsset => f.type === 'asset');
  if (chunks.length !== 1) throw new Error(`report checker: expected one script, got ${chunks.map((c) => c.fileName).join(', ')}`);
  const unexpected = assets.filter((a) => !a.fileName.endsWith('.css'));
  if (unexpected.length) throw new Error(`report checker: assets that cannot be inlined: ${unexpected.map((a) => a.fileName).join(', ')}`);
  return { js: chunks[0]!.code, css: assets.map((a) => String(a.source)).join('\n') };
}

export async function buildReportVerifierHtml(): Promise<string> {
  const bundled = await bundle();
  // Inside <script>, only "</script" and "<!--" change how HTML reads it; "<\/" means the same in
  // JS strings, templates and regular expressions. "<!--" has no such safe spelling: refuse it.
  const js = bundled.js.replace(/<\/(script)/gi, '<\\/$1');
  if (js.includes('<!--')) throw new Error('report checker: the bundle contains "<!--", which cannot be inlined safely');
  const css = bundled.css.replace(/<\/(style)/gi, '<\\/$1');
  const csp = `default-src 'none'; script-src ${cspHash(js)}; style-src ${cspHash(css)}; img-src data:; form-action 'none'; base-uri 'none'`;
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(english.uiLanguage.message)}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(english.reportCheckPageTitle.message)}</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body>',
    '<div id="app"></div>',
    `<script>${js}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
