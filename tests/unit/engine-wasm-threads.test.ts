import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTestSeams } from '@/lib/engine/test-seams';
import { MAX_WASM_THREADS, THREADED_WASM_PATHS, wasmThreadCount } from '@/lib/engine/wasm-threads';

describe('wasmThreadCount', () => {
  it('uses half the cores of a cross-origin isolated page, at most MAX_WASM_THREADS', () => {
    const counts = [1, 2, 3, 4, 6, 8, 16, 64].map((cores) => wasmThreadCount({ crossOriginIsolated: true, cores }));
    expect(counts).toEqual([1, 1, 1, 2, 3, 4, 4, 4]);
    expect(Math.max(...counts)).toBe(MAX_WASM_THREADS);
  });

  it('runs one thread where SharedArrayBuffer is unavailable, even when a test asks for more', () => {
    expect(wasmThreadCount({ crossOriginIsolated: false, cores: 16 })).toBe(1);
    expect(wasmThreadCount({ crossOriginIsolated: false, cores: 16, forced: 2 })).toBe(1);
  });

  it('takes the forced count on an isolated page (a 2-core CI machine would otherwise get one)', () => {
    expect(wasmThreadCount({ crossOriginIsolated: true, cores: 2, forced: 2 })).toBe(2);
  });
});

describe('the wasmThreads test seam', () => {
  it('accepts a whole count from 1 to 16 and ignores anything else', () => {
    expect(parseTestSeams({ wasmThreads: 2 })).toEqual({ wasmThreads: 2 });
    for (const bad of [0, -1, 1.5, 17, '2', null]) expect(parseTestSeams({ wasmThreads: bad })).toEqual({});
  });
});

describe('the shipped onnxruntime glue', () => {
  // The glue file and the binary come from our onnxruntime-web; transformers.js bundles its own
  // copy of onnxruntime's JavaScript. They must be one version, or the glue and the API disagree.
  it('is the onnxruntime-web version transformers.js depends on', () => {
    const require = createRequire(import.meta.url);
    const transformersDir = dirname(dirname(require.resolve('@huggingface/transformers')));
    const wanted = JSON.parse(readFileSync(join(transformersDir, 'package.json'), 'utf8')).dependencies['onnxruntime-web'];
    const ortDir = dirname(dirname(require.resolve('onnxruntime-web')));
    const shipped = JSON.parse(readFileSync(join(ortDir, 'package.json'), 'utf8')).version;
    expect(shipped).toBe(wanted);
    const ownPackage = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(ownPackage.dependencies['onnxruntime-web']).toBe(wanted);
  });

  it('names the threaded asyncify glue and binary', () => {
    expect(THREADED_WASM_PATHS.mjs).toMatch(/ort-wasm-simd-threaded\.asyncify.*\.mjs$/);
    expect(THREADED_WASM_PATHS.wasm).toMatch(/ort-wasm-simd-threaded\.asyncify.*\.wasm$/);
  });
});
