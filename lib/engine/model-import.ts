/**
 * Offline import: the writer picks a model folder (or a set of files) in the hub layout and the
 * extension stores it under the same cache keys a download would use, so the model then loads
 * with no network at all.
 *
 * Runs in an extension page (the options page): extension pages share the extension origin's
 * CacheStorage with the service worker, so the page writes the files straight into the cache —
 * hundreds of megabytes never pass through extension messaging (which would copy them through
 * JSON). The page then tells the background which model to use (settings) and may ask it to
 * load the model now (`engine.warmUp`).
 */
import { DTYPE_FILE, DTYPES, isHubId, type Dtype } from './catalogue';
import type { ModelFileCache } from './model-file-cache';

export interface ImportFile {
  /** Path relative to the picked folder's parent or to the folder itself ("tiny-chat/onnx/model.onnx" or "onnx/model.onnx"). */
  path: string;
  data: Blob;
}

export interface ImportPlan {
  /** Files with repository-relative paths ("config.json", "onnx/model_q4.onnx"). */
  files: { path: string; data: Blob }[];
  /** The folder name the files came from, if any ("tiny-chat"): a default for the model name. */
  folderName: string | null;
  /** The dtypes whose graph file is present. */
  dtypes: Dtype[];
  bytes: number;
}

export class ImportError extends Error {
  override readonly name = 'ImportError';
}

const REQUIRED = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
/** Files that are part of a model; anything else in the folder (README, .git, weights for other libraries) is skipped. */
const WANTED = /^(?:[^/]+\.json|onnx\/[^/]+\.onnx(?:_data(?:_\d+)?)?)$/;

/** `input.files` of an `<input type=file webkitdirectory>` (or a multi-file pick) → ImportFiles. */
export function filesFromInput(files: Iterable<File>): ImportFile[] {
  return [...files].map((file) => ({ path: file.webkitRelativePath || file.name, data: file }));
}

/**
 * Finds the model in a picked set of files: the folder that holds config.json is the model's
 * root. A plain set of files (no folder) may carry graph files without their `onnx/` prefix.
 */
export function planImport(input: readonly ImportFile[]): ImportPlan {
  const normalised = input.map((f) => ({ path: f.path.replace(/\\/g, '/').replace(/^\/+/, ''), data: f.data }));
  const configs = normalised.filter((f) => f.path === 'config.json' || f.path.endsWith('/config.json'));
  if (configs.length === 0) throw new ImportError('No config.json among the picked files: pick the model folder (the one holding config.json).');
  // The shallowest config.json marks the root.
  const root = configs.map((f) => f.path.slice(0, -'config.json'.length)).sort((a, b) => a.length - b.length)[0]!;
  const files: { path: string; data: Blob }[] = [];
  const seen = new Set<string>();
  for (const file of normalised) {
    if (!file.path.startsWith(root)) continue;
    let path = file.path.slice(root.length);
    if (root === '' && /^model[^/]*\.onnx(?:_data(?:_\d+)?)?$/.test(path)) path = `onnx/${path}`;
    if (path.split('/').some((part) => part === '..' || part === '.' || part === '')) continue;
    if (!WANTED.test(path) || seen.has(path)) continue;
    seen.add(path);
    files.push({ path, data: file.data });
  }
  const missing = REQUIRED.filter((name) => !seen.has(name));
  if (missing.length > 0) throw new ImportError(`The folder lacks ${missing.join(', ')}: it is not a model in the hub layout.`);
  const dtypes = DTYPES.filter((dtype) => seen.has(DTYPE_FILE[dtype]));
  if (dtypes.length === 0) {
    throw new ImportError(`The folder has no ONNX model: expected one of ${DTYPES.map((d) => DTYPE_FILE[d]).join(', ')}.`);
  }
  const folder = root.replace(/\/$/, '').split('/').pop() ?? '';
  return {
    files,
    folderName: folder.length > 0 ? folder : null,
    dtypes,
    bytes: files.reduce((sum, f) => sum + f.data.size, 0),
  };
}

/** The model id an import is stored under when the writer gives none: `local/<folder name>`. */
export function defaultImportId(plan: ImportPlan): string {
  const name = (plan.folderName ?? 'model').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'model';
  return `local/${name.slice(0, 96)}`;
}

export interface ImportResult {
  modelId: string;
  revision: string;
  files: number;
  bytes: number;
  dtypes: Dtype[];
}

/**
 * Stores a planned import in the model cache, then its manifest (last, so an interrupted import
 * is never taken for a complete one). Replaces an earlier import or download of the same id.
 */
export async function importModel(
  cache: ModelFileCache,
  plan: ImportPlan,
  target: { modelId?: string; revision?: string } = {},
  onProgress?: (done: number, total: number) => void,
): Promise<ImportResult> {
  const modelId = target.modelId?.trim() || defaultImportId(plan);
  const revision = target.revision?.trim() || 'main';
  if (!isHubId(modelId)) throw new ImportError(`"${modelId}" is not a model id of the form org/name.`);
  await cache.remove(modelId, revision);
  let done = 0;
  for (const file of plan.files) {
    const response = new Response(file.data, {
      headers: {
        'content-length': String(file.data.size),
        'content-type': file.path.endsWith('.json') ? 'application/json; charset=utf-8' : 'application/octet-stream',
      },
    });
    await cache.putFile({ modelId, revision, file: file.path }, response);
    done += file.data.size;
    onProgress?.(done, plan.bytes);
  }
  await cache.writeManifest({ modelId, revision, source: 'import', files: plan.files.map((f) => f.path), storedAt: Date.now() });
  return { modelId, revision, files: plan.files.length, bytes: plan.bytes, dtypes: plan.dtypes };
}
