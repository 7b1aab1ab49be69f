/**
 * Model storage without a browser: progress aggregation, the model file cache (listing, manifest,
 * delete), offline import planning and storing, and the fetch that keeps imported models offline.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DownloadProgress } from '../../lib/engine/download-progress';
import { ModelFileCache, type CacheLike } from '../../lib/engine/model-file-cache';
import { defaultImportId, ImportError, importModel, planImport, type ImportFile } from '../../lib/engine/model-import';
import { modelFetch } from '../../lib/engine/runtime-env';
import { TINY_MODEL_DIR } from '../support/tiny-model';

class MemoryCache implements CacheLike {
  readonly entries = new Map<string, { body: ArrayBuffer; headers: [string, string][] }>();
  async match(request: string) {
    const entry = this.entries.get(request);
    return entry ? new Response(entry.body.slice(0), { headers: entry.headers }) : undefined;
  }
  async put(request: string, response: Response) {
    this.entries.set(request, { body: await response.arrayBuffer(), headers: [...response.headers.entries()] });
  }
  async delete(request: string) {
    return this.entries.delete(request);
  }
  async keys() {
    return [...this.entries.keys()].map((url) => ({ url }));
  }
}

function folderFiles(dir: string, prefix: string): ImportFile[] {
  const out: ImportFile[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push({ path: `${prefix}${relative(dir, full)}`, data: new Blob([readFileSync(full)]) });
    }
  };
  walk(dir);
  return out;
}

describe('DownloadProgress', () => {
  it('sums per-file progress into one figure, using the catalogue total when known', () => {
    const progress = new DownloadProgress(1000);
    progress.update({ status: 'progress', name: 'm', file: 'config.json', progress: 100, loaded: 100, total: 100 });
    expect(progress.totals()).toEqual({ loadedBytes: 100, totalBytes: 1000 });
    progress.update({ status: 'progress', name: 'm', file: 'onnx/model.onnx', progress: 50, loaded: 450, total: 900 });
    expect(progress.totals()).toEqual({ loadedBytes: 550, totalBytes: 1000 });
  });

  it('counts files announced by progress_total before they start, and completes on done', () => {
    const progress = new DownloadProgress();
    progress.update({ status: 'progress', name: 'm', file: 'tokenizer.json', progress: 100, loaded: 10, total: 10 });
    progress.update({
      status: 'progress_total',
      name: 'm',
      progress: 0,
      loaded: 0,
      total: 500,
      files: { 'onnx/model.onnx': { loaded: 0, total: 500 } },
    });
    expect(progress.totals()).toEqual({ loadedBytes: 10, totalBytes: 510 });
    expect(progress.update({ status: 'done', name: 'm', file: 'onnx/model.onnx' })).toBe(true);
    expect(progress.totals()).toEqual({ loadedBytes: 510, totalBytes: 510 });
    expect(progress.update({ status: 'initiate', name: 'm', file: 'x' })).toBe(false);
  });
});

describe('offline import', () => {
  it('finds the model root in a picked folder and keeps only model files', () => {
    const files = [...folderFiles(TINY_MODEL_DIR, 'tiny-chat/'), { path: 'tiny-chat/.git/HEAD', data: new Blob(['x']) }];
    const plan = planImport(files);
    expect(plan.folderName).toBe('tiny-chat');
    expect(plan.files.map((f) => f.path).sort()).toEqual([
      'config.json',
      'generation_config.json',
      'onnx/model.onnx',
      'onnx/model_q4.onnx',
      'onnx/model_q4f16.onnx',
      'onnx/model_quantized.onnx',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    expect(plan.dtypes).toEqual(['fp32', 'q8', 'q4', 'q4f16']);
    expect(defaultImportId(plan)).toBe('local/tiny-chat');
  });

  it('accepts a flat set of files (graph files without their onnx/ folder)', () => {
    const files = folderFiles(TINY_MODEL_DIR, '').map((f) => ({ ...f, path: f.path.replace(/^onnx\//, '') }));
    const plan = planImport(files);
    expect(plan.files.some((f) => f.path === 'onnx/model_quantized.onnx')).toBe(true);
    expect(plan.folderName).toBeNull();
  });

  it('refuses a folder that is not a model, saying what is missing', () => {
    expect(() => planImport([{ path: 'x/readme.md', data: new Blob(['x']) }])).toThrow(ImportError);
    const noGraph = folderFiles(TINY_MODEL_DIR, 'm/').filter((f) => !f.path.includes('onnx'));
    expect(() => planImport(noGraph)).toThrow(/no ONNX model/);
    const noTokenizer = folderFiles(TINY_MODEL_DIR, 'm/').filter((f) => !f.path.endsWith('tokenizer.json'));
    expect(() => planImport(noTokenizer)).toThrow(/lacks tokenizer.json/);
  });

  it('stores an import under download keys with a manifest; lists, measures and deletes it', async () => {
    const memory = new MemoryCache();
    const cache = new ModelFileCache(async () => memory);
    const plan = planImport(folderFiles(TINY_MODEL_DIR, 'tiny-chat/'));
    const steps: number[] = [];
    const result = await importModel(cache, plan, {}, (done) => steps.push(done));
    expect(result).toMatchObject({ modelId: 'local/tiny-chat', revision: 'main', files: 8, bytes: plan.bytes });
    expect(steps.at(-1)).toBe(plan.bytes);
    // transformers.js asks by remote URL on any host: the same entry answers.
    const url = 'http://127.0.0.1:1/local/tiny-chat/resolve/main/onnx/model_quantized.onnx';
    const stored = await cache.match(url);
    expect(Number(stored?.headers.get('content-length'))).toBe(readFileSync(join(TINY_MODEL_DIR, 'onnx/model_quantized.onnx')).length);
    expect(await cache.list()).toEqual([{ modelId: 'local/tiny-chat', revision: 'main', files: 8, bytes: plan.bytes, imported: true }]);
    expect((await cache.manifest('local/tiny-chat', 'main'))?.files).toHaveLength(8);

    expect(await cache.remove('local/tiny-chat')).toBe(8);
    expect(await cache.list()).toEqual([]);
    expect(await cache.manifest('local/tiny-chat', 'main')).toBeNull();
    expect(memory.entries.size).toBe(0);
  });

  it('answers an imported model from the cache and its absent files with 404, never the network', async () => {
    const memory = new MemoryCache();
    const cache = new ModelFileCache(async () => memory);
    const plan = planImport(folderFiles(TINY_MODEL_DIR, 'tiny-chat/').filter((f) => !f.path.endsWith('generation_config.json')));
    await importModel(cache, plan, { modelId: 'newsroom/tiny' });
    const network: string[] = [];
    const fetch = modelFetch(cache, async (input) => {
      network.push(String(input));
      return new Response('remote');
    });
    const base = 'https://huggingface.co/newsroom/tiny/resolve/main';
    expect((await fetch(`${base}/generation_config.json`)).status).toBe(404);
    const config = await fetch(`${base}/config.json`);
    expect(config.status).toBe(200);
    expect(await config.text()).toBe(readFileSync(join(TINY_MODEL_DIR, 'config.json'), 'utf8'));
    // Not imported: goes to the network as usual.
    expect(await (await fetch('https://huggingface.co/other/model/resolve/main/config.json')).text()).toBe('remote');
    expect(network).toEqual(['https://huggingface.co/other/model/resolve/main/config.json']);
  });
});
