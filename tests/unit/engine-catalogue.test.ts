import { describe, expect, it } from 'vitest';
import rawCatalogue from '../../lib/engine/models.json';
import {
  CATALOGUE,
  DTYPE_FILE,
  availableDtypes,
  defaultModel,
  downloadBytes,
  filesFor,
  isHubId,
  isPinnedRevision,
  listModels,
  resolveModel,
  validateCatalogue,
  validateModelEntry,
} from '../../lib/engine/catalogue';

type Entry = Record<string, unknown>;
const good = (): Entry => structuredClone(rawCatalogue.models[0]) as unknown as Entry;

describe('built-in catalogue', () => {
  it('validates and has at least three models with a default', () => {
    expect(validateCatalogue(rawCatalogue).ok).toBe(true);
    expect(listModels().length).toBeGreaterThanOrEqual(3);
    expect(defaultModel().id).toBe(CATALOGUE.defaultModelId);
    expect(CATALOGUE.defaultReason.length).toBeGreaterThan(200);
  });

  it('keeps every model in the ~135M–~1.3B range with q4 or q4f16 available', () => {
    for (const m of listModels()) {
      expect(m.parameters).toBeGreaterThanOrEqual(100_000_000);
      expect(m.parameters).toBeLessThanOrEqual(1_300_000_000);
      expect(availableDtypes(m).some((d) => d === 'q4' || d === 'q4f16')).toBe(true);
    }
  });

  it('marks a revision verified only when it is a pinned SHA', () => {
    for (const m of listModels()) {
      if (m.facts.revision.certainty === 'verified') expect(isPinnedRevision(m.revision)).toBe(true);
      if (!isPinnedRevision(m.revision)) expect(m.facts.revision.certainty).not.toBe('verified');
    }
  });

  it('lists the q8 file only where the repository has model_quantized.onnx', () => {
    const smol = resolveModel('smollm2-135m-instruct')!;
    expect(availableDtypes(smol)).toEqual(['fp32', 'fp16', 'q4', 'q4f16']);
    const qwen = resolveModel('qwen2.5-0.5b-instruct')!;
    expect(availableDtypes(qwen)).toEqual(['fp32', 'fp16', 'q8', 'q4', 'q4f16']);
  });

  it('sums graph and support files for the download size', () => {
    const qwen = resolveModel('qwen2.5-0.5b-instruct')!;
    const support = qwen.supportFiles.reduce((sum, f) => sum + (f.bytes ?? 0), 0);
    expect(downloadBytes(qwen, 'q4f16')).toBe(483_003_582 + support);
    expect(downloadBytes(resolveModel('smollm2-135m-instruct')!, 'q8')).toBeNull();
    const llama = resolveModel('llama-3.2-1b-instruct')!;
    expect(filesFor(llama, 'fp16')).toContain('onnx/model_fp16.onnx_data');
  });
});

describe('validateModelEntry', () => {
  it('accepts a well-formed entry', () => {
    expect(validateModelEntry(good())).toMatchObject({ ok: true });
  });

  const cases: Array<[string, (e: Entry) => void, RegExp]> = [
    ['missing hub id', (e) => delete e.hubId, /hubId/],
    ['hub id without org', (e) => (e.hubId = 'Qwen2.5'), /hubId/],
    ['hub id with ..', (e) => (e.hubId = 'org/../x'), /hubId/],
    ['bad revision', (e) => (e.revision = 'not a ref!'), /revision/],
    ['verified branch revision', (e) => ((e.facts as Entry).revision = { certainty: 'verified', source: 'x' }), /branch name/],
    ['unknown dtype', (e) => ((e.dtypes as Entry).int3 = { files: [{ path: 'onnx/x.onnx', bytes: 1 }], certainty: 'approximate' }), /unknown dtype/],
    ['wrong graph file for dtype', (e) => ((e.dtypes as Entry).q4 = { files: [{ path: 'onnx/model.onnx', bytes: 5 }], certainty: 'approximate' }), /first file/],
    ['negative size', (e) => ((e.dtypes as Entry).q4 = { files: [{ path: DTYPE_FILE.q4, bytes: -1 }], certainty: 'approximate' }), /positive integer/],
    ['fractional size', (e) => ((e.dtypes as Entry).q4 = { files: [{ path: DTYPE_FILE.q4, bytes: 1.5 }], certainty: 'approximate' }), /positive integer/],
    ['no dtypes', (e) => (e.dtypes = {}), /at least one dtype/],
    ['path escaping the repo', (e) => (e.supportFiles = [{ path: '../config.json', bytes: 1 }]), /relative path/],
    ['missing tokenizer', (e) => (e.supportFiles = [{ path: 'config.json', bytes: 1 }, { path: 'tokenizer_config.json', bytes: 1 }]), /tokenizer\.json/],
    ['bad certainty', (e) => ((e.dtypes as Entry).q4 = { files: [{ path: DTYPE_FILE.q4, bytes: 5 }], certainty: 'sure' }), /certainty/],
    ['fact without source', (e) => ((e.facts as Entry).license = { certainty: 'verified', source: '' }), /facts\.license/],
    ['tiny context', (e) => (e.contextLength = 16), /contextLength/],
    ['absurd parameter count', (e) => (e.parameters = 5), /parameters/],
    ['languages not codes', (e) => (e.languages = ['English']), /languages/],
    ['upper-case id', (e) => (e.id = 'Qwen'), /\.id/],
  ];

  it.each(cases)('rejects %s', (_name, mutate, message) => {
    const entry = good();
    mutate(entry);
    const result = validateModelEntry(entry);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toMatch(message);
  });

  it.each([null, 42, 'x', []])('rejects non-objects (%j)', (value) => {
    expect(validateModelEntry(value).ok).toBe(false);
  });
});

describe('validateCatalogue', () => {
  it('rejects a default that is not in the list', () => {
    const c = structuredClone(rawCatalogue) as unknown as Entry;
    c.defaultModelId = 'nope';
    expect(validateCatalogue(c)).toMatchObject({ ok: false });
  });

  it('rejects duplicate ids', () => {
    const c = structuredClone(rawCatalogue) as unknown as { models: unknown[] };
    c.models.push(structuredClone(c.models[0]));
    const result = validateCatalogue(c);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join()).toMatch(/duplicate/);
  });
});

describe('resolveModel', () => {
  it.each([
    ['qwen2.5-0.5b-instruct', 'onnx-community/Qwen2.5-0.5B-Instruct'],
    ['onnx-community/Qwen2.5-0.5B-Instruct', 'onnx-community/Qwen2.5-0.5B-Instruct'],
    ['ONNX-COMMUNITY/qwen2.5-0.5b-instruct', 'onnx-community/Qwen2.5-0.5B-Instruct'],
    ['  HuggingFaceTB/SmolLM2-135M-Instruct ', 'HuggingFaceTB/SmolLM2-135M-Instruct'],
  ])('finds %j', (input, hubId) => {
    const m = resolveModel(input);
    expect(m?.hubId).toBe(hubId);
    expect(m?.custom).toBe(false);
  });

  it('accepts any custom hub id with unknown sizes', () => {
    const m = resolveModel('someone/tiny-chat-model')!;
    expect(m.custom).toBe(true);
    expect(m.revision).toBe('main');
    expect(availableDtypes(m)).toEqual(['fp32', 'fp16', 'q8', 'q4', 'q4f16']);
    expect(downloadBytes(m, 'q4')).toBeNull();
    expect(m.facts.sizes.certainty).toBe('unknown');
  });

  it('accepts a revision after @', () => {
    const sha = 'a'.repeat(40);
    expect(resolveModel(`someone/model@${sha}`)?.revision).toBe(sha);
    const pinned = resolveModel(`onnx-community/Qwen2.5-0.5B-Instruct@${sha}`)!;
    expect(pinned.revision).toBe(sha);
    expect(pinned.custom).toBe(false);
  });

  it.each(['', 'no-slash', 'a/b/c', 'https://huggingface.co/a/b', '../x', 'org/..', 'org/name@bad..ref', 'org/na me'])(
    'rejects %j',
    (input) => {
      expect(resolveModel(input)).toBeNull();
    },
  );

  it('isHubId agrees', () => {
    expect(isHubId('org/name')).toBe(true);
    expect(isHubId('org/name/extra')).toBe(false);
    expect(isHubId(7)).toBe(false);
  });
});
