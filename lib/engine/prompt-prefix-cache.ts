import { DynamicCache, Tensor } from '@huggingface/transformers';

/**
 * The keys and values the model computed for the last prompt, kept so the next prompt only reads
 * what is new: the next variant of a request shares the whole prompt, and the next request for a
 * field shares the system prompt, the instruction and the text up to where the writer went on
 * typing. On a CPU that reading (prefill) is most of the time to the first word.
 *
 * Kept only where the tensors live in ordinary memory (WASM, Node) and the cache is plain
 * attention keys and values: cropping GPU buffers or other state (convolution caches) is not done.
 */
const KV_PREFIX = 'past_key_values.';
/** Below this many shared tokens, reuse saves nothing worth the copy. */
const MIN_SHARED_TOKENS = 8;

export function sharedPrefixLength(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

type TypedArray = Float32Array | Uint16Array | Int32Array;

/**
 * The first `keep` sequence positions of a [batch, heads, sequence, head size] tensor, copied one
 * contiguous block per head (Tensor.slice walks element by element: seconds for a real model's cache).
 */
function firstPositions(tensor: Tensor, keep: number): Tensor {
  const [batch, heads, length, size] = tensor.dims as [number, number, number, number];
  const source = tensor.data as TypedArray;
  const out = new (source.constructor as new (n: number) => TypedArray)(batch * heads * keep * size);
  for (let row = 0; row < batch * heads; row++) out.set(source.subarray(row * length * size, (row * length + keep) * size), row * keep * size);
  return new Tensor(tensor.type, out, [batch, heads, keep, size]);
}

export class PromptPrefixCache {
  private ids: number[] = [];
  private entries: Record<string, Tensor> | null = null;

  /** Tokens a `take` for `ids` would skip (0 when nothing is reused). */
  reusable(ids: readonly number[]): number {
    if (!this.entries) return 0;
    // At least the prompt's last token is read again: its logits give the first new token.
    const shared = Math.min(sharedPrefixLength(this.ids, ids), ids.length - 1);
    return shared >= MIN_SHARED_TOKENS ? shared : 0;
  }

  /** A fresh cache for the longest reusable prefix of `ids`, or null. The kept one stays intact. */
  take(ids: readonly number[]): DynamicCache | null {
    const shared = this.reusable(ids);
    if (!this.entries || shared === 0) return null;
    const cropped: Record<string, Tensor> = {};
    for (const [name, tensor] of Object.entries(this.entries)) cropped[name] = firstPositions(tensor, shared);
    return new DynamicCache(cropped);
  }

  /**
   * Keeps `cache` (what a generation returned) as covering `ids`, when it can be reused; returns
   * false when it cannot, and the caller disposes it.
   */
  keep(ids: readonly number[], cache: DynamicCache): boolean {
    const entries = Object.entries(cache as unknown as Record<string, Tensor>);
    const plain = entries.length > 0 && entries.every(([name, t]) => name.startsWith(KV_PREFIX) && t.location === 'cpu' && t.dims.length === 4);
    if (!plain || cache.get_seq_length() !== ids.length) {
      this.clear();
      return false;
    }
    this.ids = [...ids];
    this.entries = Object.fromEntries(entries);
    return true;
  }

  clear(): void {
    this.ids = [];
    this.entries = null;
  }
}
