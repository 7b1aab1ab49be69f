/**
 * Where downloaded model files live between browser sessions.
 *
 * transformers.js asks its cache for a file by the full remote URL. We file each one under a key
 * made of model, revision and path only, so that (a) switching the model host to a newsroom mirror
 * does not download the same files again, (b) an offline import of a model folder lands under the
 * very keys a download would use, and (c) keys are https URLs, the only scheme the Cache API takes
 * (it refuses `chrome-extension://`).
 */

const KEY_ORIGIN = 'https://model-files.ledgerline.invalid';
/** The CacheStorage cache holding model files; shared by the service worker and extension pages (same origin). */
export const MODEL_CACHE_NAME = 'ledgerline-model-files';
/** Where a model's manifest lives (kept apart from its files so listing never mistakes one for the other). */
const MANIFEST_ORIGIN = 'https://model-manifests.ledgerline.invalid';

/**
 * What we know about a stored model beyond its files: written after an offline import (the
 * folder is the whole model: files it lacks are absent, not to be downloaded).
 */
export interface ModelManifest {
  modelId: string;
  revision: string;
  source: 'import';
  /** Repository-relative paths of every file stored. */
  files: string[];
  storedAt: number;
}

export interface ModelFileRef {
  modelId: string;
  revision: string;
  file: string;
}

/** `{host}/{org}/{name}/resolve/{revision}/{file...}` → its parts; anything else → null. */
export function parseHubFileUrl(url: string): ModelFileRef | null {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return null;
  }
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const resolveAt = parts.indexOf('resolve');
  if (resolveAt < 2 || parts.length < resolveAt + 3) return null;
  return {
    modelId: parts.slice(resolveAt - 2, resolveAt).join('/'),
    revision: parts[resolveAt + 1]!,
    file: parts.slice(resolveAt + 2).join('/'),
  };
}

export function cacheKeyFor(ref: ModelFileRef): string {
  const path = [...ref.modelId.split('/'), ref.revision, ...ref.file.split('/')].map(encodeURIComponent).join('/');
  return `${KEY_ORIGIN}/${path}`;
}

function refFromCacheKey(key: string): ModelFileRef | null {
  if (!key.startsWith(`${KEY_ORIGIN}/`)) return null;
  const parts = key.slice(KEY_ORIGIN.length + 1).split('/').map(decodeURIComponent);
  if (parts.length < 4) return null;
  return { modelId: `${parts[0]}/${parts[1]}`, revision: parts[2]!, file: parts.slice(3).join('/') };
}

export interface StoredModel {
  modelId: string;
  revision: string;
  files: number;
  bytes: number;
  /** True when the model came from an offline import (it is never downloaded). */
  imported: boolean;
}

function manifestKey(modelId: string, revision: string): string {
  return `${MANIFEST_ORIGIN}/${[...modelId.split('/'), revision].map(encodeURIComponent).join('/')}`;
}

/** The subset of the Cache API this module needs (so Node tests can pass an in-memory one). */
export interface CacheLike {
  match(request: string): Promise<globalThis.Response | undefined>;
  put(request: string, response: globalThis.Response): Promise<void>;
  delete(request: string): Promise<boolean>;
  keys(): Promise<readonly { url: string }[]>;
}

/** Implements transformers.js' `CacheInterface` (match/put/delete) plus listing and removal. */
export class ModelFileCache {
  constructor(private readonly openCache: () => Promise<CacheLike>) {}

  async match(request: string): Promise<globalThis.Response | undefined> {
    const ref = parseHubFileUrl(request);
    if (!ref) return undefined;
    return (await this.openCache()).match(cacheKeyFor(ref));
  }

  async put(request: string, response: globalThis.Response): Promise<void> {
    const ref = parseHubFileUrl(request);
    if (!ref) return;
    await this.putFile(ref, response);
  }

  async delete(request: string): Promise<boolean> {
    const ref = parseHubFileUrl(request);
    return ref ? (await this.openCache()).delete(cacheKeyFor(ref)) : false;
  }

  async putFile(ref: ModelFileRef, response: globalThis.Response): Promise<void> {
    await (await this.openCache()).put(cacheKeyFor(ref), response);
  }

  async list(): Promise<StoredModel[]> {
    const cache = await this.openCache();
    const byModel = new Map<string, StoredModel>();
    for (const request of await cache.keys()) {
      const ref = refFromCacheKey(request.url);
      if (!ref) continue;
      const id = `${ref.modelId}@${ref.revision}`;
      const entry = byModel.get(id) ?? { modelId: ref.modelId, revision: ref.revision, files: 0, bytes: 0, imported: false };
      const stored = await cache.match(request.url);
      entry.files += 1;
      entry.bytes += Number(stored?.headers.get('content-length') ?? 0);
      byModel.set(id, entry);
    }
    for (const entry of byModel.values()) entry.imported = (await this.manifest(entry.modelId, entry.revision)) !== null;
    return [...byModel.values()];
  }

  async has(ref: ModelFileRef): Promise<boolean> {
    return (await (await this.openCache()).match(cacheKeyFor(ref))) !== undefined;
  }

  async writeManifest(manifest: ModelManifest): Promise<void> {
    const body = JSON.stringify(manifest);
    await (await this.openCache()).put(
      manifestKey(manifest.modelId, manifest.revision),
      new Response(body, { headers: { 'content-type': 'application/json' } }),
    );
  }

  async manifest(modelId: string, revision: string): Promise<ModelManifest | null> {
    const stored = await (await this.openCache()).match(manifestKey(modelId, revision));
    if (!stored) return null;
    try {
      const value = (await stored.json()) as ModelManifest;
      return Array.isArray(value.files) ? value : null;
    } catch {
      return null;
    }
  }

  async remove(modelId: string, revision?: string): Promise<number> {
    const cache = await this.openCache();
    let removed = 0;
    for (const request of await cache.keys()) {
      const ref = refFromCacheKey(request.url);
      if (ref && ref.modelId === modelId && (revision === undefined || ref.revision === revision)) {
        if (await cache.delete(request.url)) removed += 1;
      }
      if (request.url.startsWith(`${MANIFEST_ORIGIN}/`)) {
        const manifestOf = request.url.slice(MANIFEST_ORIGIN.length + 1).split('/').map(decodeURIComponent);
        const id = `${manifestOf[0]}/${manifestOf[1]}`;
        if (id === modelId && (revision === undefined || manifestOf[2] === revision)) await cache.delete(request.url);
      }
    }
    return removed;
  }
}

/** The extension's model file cache (service worker or extension page). */
export function openModelFileCache(): ModelFileCache {
  return new ModelFileCache(() => caches.open(MODEL_CACHE_NAME));
}
