/**
 * Loads a model folder in the hub layout (`ROOT/org/name/{config.json,tokenizer.json,onnx/…}`)
 * through the extension's own loader (lib/engine/text-generator.ts) on onnxruntime-node, with
 * the weight format the extension picks on WASM for it (lib/engine/capabilities.ts). Nothing is
 * downloaded: transformers.js reads the folder's files and may not reach any host.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { env } from '@huggingface/transformers';
import { chooseRuntime } from '../../lib/engine/capabilities';
import { DTYPES, DTYPE_FILE, availableDtypes, resolveModel, type Dtype } from '../../lib/engine/catalogue';
import { serverOrigin, serverSpec } from '../../lib/engine/server-config';
import { loadServerGenerator } from '../../lib/engine/server-engine';
import { loadTransformersGenerator, type ModelSpec, type TextGenerator } from '../../lib/engine/text-generator';

export interface LoadedModel {
  generator: TextGenerator;
  spec: ModelSpec;
  /** Why this dtype (the extension's own wording). */
  reason: string;
  loadMs: number;
}

/** The dtypes the extension would consider (the catalogue's, for a catalogued model) that the folder has. */
export function dtypesIn(dir: string, modelId: string): Dtype[] {
  const entry = resolveModel(modelId);
  const offered = entry && !entry.custom ? availableDtypes(entry) : DTYPES;
  return offered.filter((dtype) => existsSync(join(dir, DTYPE_FILE[dtype])));
}

export async function loadModelFolder(folder: string, dtypeOverride?: Dtype): Promise<LoadedModel> {
  const dir = resolve(folder);
  if (!existsSync(join(dir, 'config.json')) || !existsSync(join(dir, 'tokenizer.json'))) {
    throw new Error(`${dir} is not a model folder in the hub layout (config.json and tokenizer.json expected)`);
  }
  const modelId = `${basename(dirname(dir))}/${basename(dir)}`;
  const available = dtypesIn(dir, modelId);
  if (available.length === 0) throw new Error(`${dir}/onnx holds none of ${DTYPES.map((d) => DTYPE_FILE[d]).join(', ')}`);
  const choice = chooseRuntime({
    webgpu: null,
    availableDtypes: available,
    ...(dtypeOverride ? { override: { dtype: dtypeOverride } } : {}),
  });
  if (dtypeOverride && choice.dtype !== dtypeOverride) throw new Error(`dtype ${dtypeOverride} refused: ${choice.reason}`);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = dirname(dirname(dir)) + '/';
  const spec: ModelSpec = { host: 'file://', modelId, revision: 'main', device: 'cpu', dtype: choice.dtype };
  const started = performance.now();
  const generator = await loadTransformersGenerator(spec);
  return { generator, spec, reason: choice.reason, loadMs: performance.now() - started };
}

/**
 * A newsroom's OpenAI-compatible server through the extension's server engine: the same prompts,
 * variant plans and cleaning as on the device. Node needs no host permission; the key is sent to
 * that server only.
 */
export function loadServerModel(url: string, model: string, apiKey: string): LoadedModel {
  const origin = serverOrigin(url);
  if (!origin) throw new Error(`--server must be an http or https URL, got ${url}`);
  const spec = serverSpec({ url, model, apiKey, sites: [] });
  const started = performance.now();
  const generator = loadServerGenerator(spec, { apiKey: () => apiKey, granted: async () => true, extensionOrigin: 'the evaluation harness' });
  return { generator, spec, reason: `server ${origin}, model ${model}`, loadMs: performance.now() - started };
}
