/**
 * A model download is the writer's decision: a suggestion request never starts one. The gate
 * lets a stored model or one the writer agreed to load, and answers anything else with an offer
 * (size, where it runs, a smaller model); the engine never calls the loader for a refused one.
 */
import { describe, expect, it } from 'vitest';
import { defaultModel, downloadBytes, filesFor, resolveModel } from '../../lib/engine/catalogue';
import { consentKeyOf, createDownloadGate, DOWNLOAD_CONSENT_KEY, type DownloadGate } from '../../lib/engine/download-consent';
import { EngineService, type ResolvedSpec } from '../../lib/engine/engine-service';
import type { ModelSpec } from '../../lib/engine/text-generator';
import type { GenerateRequest, GenerateServerMessage } from '../../lib/messaging';

const qwen = defaultModel();
const smol = resolveModel('smollm2-135m-instruct')!;

function resolvedFor(modelId: string, device: 'webgpu' | 'wasm' = 'wasm'): ResolvedSpec {
  const model = resolveModel(modelId)!;
  const dtype = device === 'webgpu' ? 'q4f16' : model.dtypes.q8 ? 'q8' : 'q4';
  return {
    spec: { host: 'https://huggingface.co', modelId: model.hubId, revision: model.revision, device, dtype },
    reason: 'test',
    expectedBytes: downloadBytes(model, dtype),
  };
}

function harness(options: { stored?: string[]; imported?: boolean; online?: boolean; device?: 'webgpu' | 'wasm' } = {}) {
  const items: Record<string, unknown> = {};
  let chosen = qwen.id;
  const choices: string[] = [];
  const gate = createDownloadGate({
    storage: {
      get: async (key) => (key in items ? { [key]: items[key] } : {}),
      set: async (values) => void Object.assign(items, values),
    },
    files: {
      manifest: async () => (options.imported ? { modelId: qwen.hubId, revision: qwen.revision, source: 'import', files: [], storedAt: 0 } : null),
      has: async (ref) => (options.stored ?? []).includes(ref.file),
    },
    specFor: async (modelId) => resolvedFor(modelId, options.device),
    current: async () => resolvedFor(chosen, options.device),
    choose: async (modelId) => {
      choices.push(modelId);
      chosen = modelId;
    },
    online: () => options.online ?? true,
  });
  return { gate, items, choices };
}

describe('download consent gate', () => {
  it('refuses a model that is neither stored nor agreed to, and lets it load once the writer agrees', async () => {
    const { gate, items } = harness();
    const spec = resolvedFor(qwen.id).spec;
    expect(await gate.mayLoad(spec)).toBe(false);
    await gate.allow(qwen.hubId);
    expect(items[DOWNLOAD_CONSENT_KEY]).toEqual([consentKeyOf(qwen.id)]);
    expect(await gate.mayLoad(spec)).toBe(true);
  });

  it('lets a stored model load without asking (every file present, or an offline import)', async () => {
    const spec = resolvedFor(qwen.id).spec;
    const all = filesFor(qwen, 'q8');
    expect(await harness({ stored: all }).gate.mayLoad(spec)).toBe(true);
    // A download cut short is not a stored model.
    expect(await harness({ stored: all.slice(0, -1) }).gate.mayLoad(spec)).toBe(false);
    expect(await harness({ imported: true }).gate.mayLoad(spec)).toBe(true);
  });

  it('offers the model with its size and device, and the smallest smaller one with the languages it writes', async () => {
    const { gate } = harness({ device: 'wasm' });
    const offer = await gate.offer(resolvedFor(qwen.id));
    expect(offer.model).toEqual({ modelId: qwen.hubId, label: qwen.label, bytes: downloadBytes(qwen, 'q8'), languages: null });
    expect(offer.device).toBe('wasm');
    expect(offer.offline).toBe(false);
    expect(offer.smaller).toMatchObject({ modelId: smol.hubId, bytes: downloadBytes(smol, 'q4'), languages: ['en'] });
    expect(offer.smaller!.bytes!).toBeLessThan(offer.model.bytes!);
    expect(offer.model.bytes).toBeGreaterThan(500e6);
  });

  it('says when the browser is offline', async () => {
    expect((await harness({ online: false }).gate.offer(resolvedFor(qwen.id))).offline).toBe(true);
  });

  it('the smaller model the writer takes becomes the chosen one; a request cannot name any other repository', async () => {
    const { gate, items, choices } = harness();
    await gate.allow('someone/any-model');
    expect(items[DOWNLOAD_CONSENT_KEY]).toBeUndefined();
    expect(choices).toEqual([]);
    await gate.allow(smol.hubId);
    expect(choices).toEqual([smol.id]);
    expect(items[DOWNLOAD_CONSENT_KEY]).toEqual([consentKeyOf(smol.id)]);
  });
});

describe('the engine with the gate', () => {
  const request = (extra: Partial<GenerateRequest> = {}): GenerateRequest => ({
    type: 'generate',
    requestId: 'r1',
    fieldKey: 'page|field',
    action: 'continue',
    text: 'The council met on Monday.',
    selectionStart: 26,
    selectionEnd: 26,
    variants: 1,
    ...extra,
  });

  function engineWith(gate: DownloadGate) {
    const loads: ModelSpec[] = [];
    const engine = new EngineService({
      resolveSpec: async () => resolvedFor(qwen.id),
      load: async (spec) => {
        loads.push(spec);
        throw new Error('stopped here: the load was started');
      },
      downloads: gate,
    });
    return { engine, loads };
  }

  it('answers a request for a model not agreed to with the offer, and starts no download', async () => {
    const { engine, loads } = engineWith(harness().gate);
    const messages: GenerateServerMessage[] = [];
    await engine.generate(request(), undefined, (message) => messages.push(message));
    expect(loads).toEqual([]);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ type: 'error', retryable: false, offer: { model: { modelId: qwen.hubId } } });
  });

  it('downloads when the writer agreed in the panel, and remembers it for the next request', async () => {
    const { gate, items } = harness();
    const { engine, loads } = engineWith(gate);
    await engine.generate(request({ download: qwen.hubId }), undefined, () => undefined);
    expect(loads.map((spec) => spec.modelId)).toEqual([qwen.hubId]);
    expect(items[DOWNLOAD_CONSENT_KEY]).toEqual([consentKeyOf(qwen.id)]);
    await engine.generate(request({ requestId: 'r2' }), undefined, () => undefined);
    expect(loads).toHaveLength(2);
  });

  it('the Download button of the extension pages (warm-up) is the writer’s consent', async () => {
    const { gate, items } = harness();
    const { engine, loads } = engineWith(gate);
    await engine.warmUp();
    expect(loads).toHaveLength(1);
    expect(items[DOWNLOAD_CONSENT_KEY]).toEqual([consentKeyOf(qwen.id)]);
  });
});
