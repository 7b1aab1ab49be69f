/**
 * Builds the editor test pages from the editors' real npm packages (esbuild, one bundle per
 * editor) into .output/editor-fixtures/, with:
 *   <editor>.html / .js / .css   one page per editor (tests/fixtures/editors/src/<editor>.ts[x])
 *   fields.js                    lib/fields as an IIFE (window.LedgerlineFields) for page tests
 *   *.html from tests/fixtures/editors/pages/ copied as they are
 * Skips the work when nothing changed since the last build (a stamp of inputs' mtimes).
 *
 *   npx tsx scripts/build-editor-fixtures.ts        (the editor e2e tests call it themselves)
 */
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const EDITOR_FIXTURES_DIR = resolve('.output/editor-fixtures');
const SRC = resolve('tests/fixtures/editors/src');
const PAGES = resolve('tests/fixtures/editors/pages');
const FIELDS = resolve('lib/fields');

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else files.push(path);
  }
  return files;
}

async function inputsStamp(): Promise<string> {
  const files = [...(await listFiles(SRC)), ...(await listFiles(PAGES)), ...(await listFiles(FIELDS)), resolve('package-lock.json'), resolve('scripts/build-editor-fixtures.ts')];
  const times = await Promise.all(files.map(async (file) => `${file}:${(await stat(file)).mtimeMs}`));
  return times.sort().join('\n');
}

function pageHtml(name: string, hasCss: boolean): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${name} fixture</title>
${hasCss ? `<link rel="stylesheet" href="${name}.css">` : ''}
<style>body { font: 16px/1.5 sans-serif; margin: 24px; } #editor { min-height: 120px; max-width: 640px; border: 1px solid #999; }</style>
</head>
<body>
<h1>${name}</h1>
<div id="editor"></div>
<script src="${name}.js"></script>
</body>
</html>
`;
}

export async function buildEditorFixtures(options: { force?: boolean } = {}): Promise<string> {
  await mkdir(EDITOR_FIXTURES_DIR, { recursive: true });
  const stampFile = join(EDITOR_FIXTURES_DIR, '.stamp');
  const stamp = await inputsStamp();
  if (!options.force && (await readFile(stampFile, 'utf8').catch(() => '')) === stamp) return EDITOR_FIXTURES_DIR;

  const entries = (await readdir(SRC)).filter((file) => /\.(ts|tsx)$/.test(file) && file !== 'shared.ts');
  await build({
    entryPoints: entries.map((file) => join(SRC, file)),
    outdir: EDITOR_FIXTURES_DIR,
    bundle: true,
    format: 'iife',
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'react',
    target: 'chrome120',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    loader: { '.svg': 'text', '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl' },
  });
  for (const file of entries) {
    const name = basename(file, extname(file));
    const hasCss = await stat(join(EDITOR_FIXTURES_DIR, `${name}.css`)).then(() => true, () => false);
    await writeFile(join(EDITOR_FIXTURES_DIR, `${name}.html`), pageHtml(name, hasCss));
  }
  await build({
    entryPoints: [join(FIELDS, 'index.ts')],
    outfile: join(EDITOR_FIXTURES_DIR, 'fields.js'),
    bundle: true,
    format: 'iife',
    globalName: 'LedgerlineFields',
    target: 'chrome120',
    logLevel: 'warning',
  });
  for (const file of await readdir(PAGES).catch(() => [] as string[])) {
    await copyFile(join(PAGES, file), join(EDITOR_FIXTURES_DIR, file));
  }
  await writeFile(stampFile, stamp);
  return EDITOR_FIXTURES_DIR;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const started = Date.now();
  await buildEditorFixtures({ force: process.argv.includes('--force') });
  console.log(`editor fixtures built in ${Date.now() - started} ms → ${EDITOR_FIXTURES_DIR}`);
}
