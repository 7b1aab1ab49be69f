/**
 * Generates the repository's tiny test model, `ledgerline-test/tiny-chat`, in the
 * file layout of a Hugging Face hub export that transformers.js loads unmodified.
 *
 *   npx tsx scripts/make-tiny-model.ts [outDir]
 *   (default outDir: tests/fixtures/models/ledgerline-test/tiny-chat)
 *
 * Everything is derived from fixed seeds with a private PRNG (mulberry32), so two
 * runs produce byte-identical files (the unit test checks this).
 *
 * The model: a GPT-2-shaped decoder (model_type "gpt2", 2 layers, 4 heads of 16,
 * hidden 64, MLP 128) over a byte-level BPE vocabulary of 279 tokens. Its graph has
 * the I/O transformers.js expects from a decoder with a KV cache
 * (input_ids, attention_mask, position_ids, past_key_values.{i}.key|value ->
 * logits, present.{i}.key|value). Internally:
 *   - layer 0 has three "structural" heads whose queries/keys/values are computed
 *     from token features (not from the residual stream). Each attends to the most
 *     recent boundary token of one kind (turn start, sentence end, word start) and
 *     returns its position; the graph turns that into "tokens since the boundary"
 *     counters. They live in the KV cache like any other head, so the cache wiring
 *     is exercised by them too. Their outputs do not feed the residual stream;
 *   - the remaining heads, the MLPs and the output projection are random weights,
 *     so which letters come out depends on the input;
 *   - the logits are: random projection + a fixed prior (English letter
 *     frequencies; everything but lowercase letters, space, comma, period and
 *     <|im_end|> pushed to -30) + "grammar" biases keyed on the previous token's
 *     class (no double spaces, a space after punctuation, <|im_end|> only after a
 *     period) + linear terms in the counters (longer word -> space more likely,
 *     longer sentence -> period more likely, longer reply -> <|im_end|> more
 *     likely).
 * The result is lowercase, word-like text of a few short sentences that ends by
 * itself after roughly 20-40 tokens, whatever the prompt length.
 *
 * Variants (file name -> transformers.js dtype):
 *   onnx/model.onnx            fp32
 *   onnx/model_quantized.onnx  q8    int8 weights (per-column scales) + DequantizeLinear
 *   onnx/model_q4.onnx         q4    4-bit blocks via com.microsoft MatMulNBits, fp32 activations
 *   onnx/model_q4f16.onnx      q4f16 MatMulNBits in fp16; KV cache and logits in fp16
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DTYPE_FILE } from '../lib/engine/catalogue';
import { fnv1a, mulberry32 } from '../lib/seeded';

const require = createRequire(import.meta.url);
const { onnx } = require('onnx-proto') as typeof import('onnx-proto');

// ---------------------------------------------------------------------------
// Dimensions and vocabulary

export const MODEL_ID = 'ledgerline-test/tiny-chat';
const SEED = 0x1ed6e71e;

const HS = 3; // structural heads in layer 0
const N_POSITIONS = 4096;

/** Merges, in rank order. "Ġ" is the byte-level symbol for a space. */
const MERGES: Array<[string, string]> = [
  ['Ġ', 't'],
  ['h', 'e'],
  ['Ġ', 'a'],
  ['i', 'n'],
  ['r', 'e'],
  ['o', 'n'],
  ['Ġt', 'he'],
  ['e', 'r'],
  ['a', 'n'],
  ['e', 'n'],
  ['Ġ', 's'],
  ['Ġ', 'w'],
  ['a', 't'],
  ['n', 'd'],
  ['Ġ', 'o'],
  ['o', 'r'],
  ['e', 's'],
  ['Ġ', 'c'],
  ['i', 's'],
  ['Ġ', 'b'],
];

const SPECIALS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;
const V = 256 + MERGES.length + SPECIALS.length; // 279
const ID_ENDOFTEXT = 256 + MERGES.length;
const ID_IM_START = ID_ENDOFTEXT + 1;
const ID_IM_END = ID_ENDOFTEXT + 2;

/**
 * The network's size. The test model is tiny; `bench/make-sized-model.ts` builds the same
 * network at a real model's size (same tokenizer, so the same text comes out), to measure
 * speed where the real weights cannot be had. `outputVocab` ≥ V pads the logits like real
 * exports do (their lm_head is wider than the tokenizer); padded ids are never chosen.
 */
export interface ModelShape {
  id: string;
  graphName: string;
  hidden: number;
  heads: number;
  headDim: number;
  layers: number;
  mlp: number;
  outputVocab: number;
  /**
   * How q8 multiplies: 'dequantize' turns the int8 weights back to fp32 (DequantizeLinear) and
   * multiplies in fp32, exactly; 'dynamic' quantizes the activations too and multiplies in
   * integers (DynamicQuantizeLinear + MatMulInteger), as onnxruntime's quantize_dynamic, which
   * makes the hub's model_quantized.onnx files, does: what a real q8 model costs.
   */
  q8Style: 'dequantize' | 'dynamic';
}

export const TINY_SHAPE: ModelShape = {
  id: MODEL_ID,
  graphName: 'tiny_chat',
  hidden: 64,
  heads: 4,
  headDim: 16,
  layers: 2,
  mlp: 128,
  outputVocab: V,
  q8Style: 'dequantize',
};

/** GPT-2's reversible byte -> printable unicode symbol table. */
function byteToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const table: string[] = new Array<string>(256);
  for (const b of bs) table[b] = String.fromCharCode(b);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (table[b] === undefined) table[b] = String.fromCharCode(256 + n++);
  }
  return table;
}

/** Token id -> symbol string (byte-level), and id -> decoded text. */
function buildVocab(): { symbols: string[]; texts: string[] } {
  const b2u = byteToUnicode();
  const u2b = new Map(b2u.map((s, b) => [s, b]));
  const symbols: string[] = [...b2u];
  for (const [a, b] of MERGES) {
    if (!symbols.includes(a) || !symbols.includes(b)) throw new Error(`bad merge ${a} ${b}`);
    symbols.push(a + b);
  }
  symbols.push(...SPECIALS);
  const texts = symbols.map((s, id) =>
    id >= ID_ENDOFTEXT ? s : Buffer.from([...s].map((c) => u2b.get(c)!)).toString('latin1'),
  );
  if (symbols.length !== V) throw new Error('vocab size mismatch');
  return { symbols, texts };
}

// ---------------------------------------------------------------------------
// Deterministic randomness


/** One independent stream per tensor name, so tensors don't shift when others change. */
function rng(name: string): () => number {
  return mulberry32((SEED ^ fnv1a(name)) >>> 0);
}

/** Approximately standard normal: Irwin-Hall sum of 12 uniforms (pure arithmetic, exactly reproducible). */
function gaussian(next: () => number): number {
  let s = 0;
  for (let i = 0; i < 12; i++) s += next();
  return s - 6;
}

function randn(name: string, size: number, std: number): Float32Array {
  const next = rng(name);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = gaussian(next) * std;
  return out;
}

function uniform(name: string, size: number, lo: number, hi: number): Float32Array {
  const next = rng(name);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = lo + (hi - lo) * next();
  return out;
}

// ---------------------------------------------------------------------------
// Weights

type Weights = ReturnType<typeof buildWeights>;

const CLASS_LETTER = 0; // ends in a letter/digit/other symbol
const CLASS_SPACE = 1; // whitespace other than newline
const CLASS_PERIOD = 2; // . ! ?
const CLASS_COMMA = 3; // , ; :
const CLASS_START = 4; // newline, special tokens
const CLASS_VOWEL = 5; // ends in a vowel
const N_CLASSES = 6;

function buildWeights(shape: ModelShape) {
  const { hidden: D, heads: H, headDim: HD, layers: L, mlp: FF, outputVocab: VO } = shape;
  const { texts } = buildVocab();

  // Output prior (part of the output bias).
  const letterFreq: Record<string, number> = {
    e: 12.7, t: 9.1, a: 8.2, o: 7.5, i: 7.0, n: 6.7, s: 6.3, h: 6.1, r: 6.0, d: 4.3,
    l: 4.0, c: 2.8, u: 2.8, m: 2.4, w: 2.4, f: 2.2, g: 2.0, y: 2.0, p: 1.9, b: 1.5,
    v: 1.0, k: 0.8, j: 0.15, x: 0.15, q: 0.1, z: 0.07,
  };
  const prior = new Float32Array(VO).fill(-30);
  const startsWithSpace = (t: string) => t.length > 1 && t[0] === ' ' && /^[a-z]+$/.test(t.slice(1));
  for (let id = 0; id < V; id++) {
    const t = texts[id]!;
    if (id >= ID_ENDOFTEXT) continue;
    if (t.length === 1 && letterFreq[t] !== undefined) prior[id] = 0.7 * Math.log(letterFreq[t] / 100);
    else if (/^[a-z]{2}$/.test(t)) prior[id] = -3.8;
    else if (startsWithSpace(t)) prior[id] = t === ' the' ? -1.6 : -2.6;
    else if (t === ' ') prior[id] = -1.0;
    else if (t === '.') prior[id] = -3.0;
    else if (t === ',') prior[id] = -4.4;
  }
  prior[ID_IM_END] = -3.0;

  // Token classes for the previous-token rules.
  const tokClass = new BigInt64Array(V);
  for (let id = 0; id < V; id++) {
    const t = texts[id]!;
    let c = CLASS_LETTER;
    if (id >= ID_ENDOFTEXT || t === '\n' || t === '\r') c = CLASS_START;
    else if (/^\s+$/.test(t)) c = CLASS_SPACE;
    else if (/^[.!?]$/.test(t)) c = CLASS_PERIOD;
    else if (/^[,;:]$/.test(t)) c = CLASS_COMMA;
    else if (/[aeiouy]$/.test(t)) c = CLASS_VOWEL;
    tokClass[id] = BigInt(c);
  }
  const isSpaceStart = (id: number) => id < ID_ENDOFTEXT && /^\s/.test(texts[id]!);
  const isLetterStart = (id: number) => id < ID_ENDOFTEXT && /^[a-z]/i.test(texts[id]!);
  const isPunct = (id: number) => id < ID_ENDOFTEXT && /^[.,!?;:]$/.test(texts[id]!);
  const classBias = new Float32Array(N_CLASSES * VO);
  for (let id = 0; id < V; id++) {
    const set = (c: number, v: number) => (classBias[c * VO + id] = v);
    if (id === ID_IM_END) {
      set(CLASS_LETTER, -8);
      set(CLASS_VOWEL, -8);
      set(CLASS_SPACE, -20);
      set(CLASS_PERIOD, 4);
      set(CLASS_COMMA, -20);
      set(CLASS_START, -20);
      continue;
    }
    if (isSpaceStart(id)) {
      set(CLASS_SPACE, -20);
      set(CLASS_START, -20);
    }
    if (isLetterStart(id)) {
      set(CLASS_PERIOD, -20);
      set(CLASS_COMMA, -20);
      // Alternate vowels and consonants a little, so words look pronounceable.
      if (/^[aeiou]/.test(texts[id]!)) set(CLASS_LETTER, 1.6);
      else set(CLASS_VOWEL, 0.8);
    }
    if (isPunct(id)) {
      set(CLASS_SPACE, -20);
      set(CLASS_PERIOD, -20);
      set(CLASS_COMMA, -20);
      set(CLASS_START, -20);
    }
  }

  // Boundary features for the structural heads: 0 turn start, 1 sentence end, 2 word start.
  const bnd = new Float32Array(V * HS);
  for (let id = 0; id < V; id++) {
    const t = texts[id]!;
    const start = id === ID_IM_START;
    const newline = t === '\n';
    bnd[id * HS + 0] = start ? 1 : 0;
    bnd[id * HS + 1] = start || newline || /^[.!?]$/.test(t) ? 1 : 0;
    bnd[id * HS + 2] = start || newline || isSpaceStart(id) ? 1 : 0;
  }

  // Structural Q/K/V from features f = [1, p, b0, b1, b2, b0*p, b1*p, b2*p].
  // K = b*(p + 10000) - 10000 (position for boundary tokens, -10000 otherwise),
  // Q = BETA*sqrt(HD) so the score is BETA*K, V = p.
  const NF = 2 + 2 * HS;
  const BETA = 4;
  const ws = new Float32Array(NF * 3 * HS * HD);
  const col = (part: number, head: number) => part * HS * HD + head * HD; // element 0 of the head
  for (let h = 0; h < HS; h++) {
    ws[0 * 3 * HS * HD + col(0, h)] = BETA * Math.sqrt(HD); // q from the constant
    ws[(2 + HS + h) * 3 * HS * HD + col(1, h)] = 1; // k: b*p
    ws[(2 + h) * 3 * HS * HD + col(1, h)] = 10000; // k: +10000*b
    ws[0 * 3 * HS * HD + col(1, h)] = -10000; // k: -10000
    ws[1 * 3 * HS * HD + col(2, h)] = 1; // v: p
  }

  // Counter terms: logits += counters @ wc (+ offsets folded into the prior).
  const wc = new Float32Array(HS * VO);
  const TURN_SLOPE = 0.45;
  const TURN_LEN = 22; // counted from the assistant's <|im_start|>, so "assistant\n" is included
  const SENT_SLOPE = 0.6;
  const SENT_LEN = 6;
  const WORD_SLOPE = 1.2;
  const WORD_LEN = 3;
  wc[0 * VO + ID_IM_END] = TURN_SLOPE;
  prior[ID_IM_END]! -= TURN_SLOPE * TURN_LEN;
  for (let id = 0; id < V; id++) {
    const t = texts[id]!;
    if (id < ID_ENDOFTEXT && t === '.') {
      wc[1 * VO + id] = SENT_SLOPE;
      prior[id]! -= SENT_SLOPE * SENT_LEN;
    }
    if (isSpaceStart(id) && prior[id]! > -30) {
      wc[2 * VO + id] = WORD_SLOPE;
      prior[id]! -= WORD_SLOPE * WORD_LEN;
    }
  }

  const layers = [];
  for (let l = 0; l < L; l++) {
    const hr = l === 0 ? H - HS : H; // random heads
    layers.push({
      hr,
      ln1g: new Float32Array(D).fill(1),
      ln1b: randn(`l${l}.ln1b`, D, 0.05),
      wqkv: randn(`l${l}.wqkv`, D * 3 * hr * HD, 1.3 / Math.sqrt(D)),
      bqkv: randn(`l${l}.bqkv`, 3 * hr * HD, 0.1),
      wo: randn(`l${l}.wo`, hr * HD * D, 1.0 / Math.sqrt(hr * HD)),
      bo: randn(`l${l}.bo`, D, 0.05),
      ln2g: new Float32Array(D).fill(1),
      ln2b: randn(`l${l}.ln2b`, D, 0.05),
      w1: randn(`l${l}.w1`, D * FF, 1.5 / Math.sqrt(D)),
      b1: randn(`l${l}.b1`, FF, 0.2),
      w2: randn(`l${l}.w2`, FF * D, 1.0 / Math.sqrt(FF)),
      b2: randn(`l${l}.b2`, D, 0.05),
    });
  }

  return {
    wte: randn('wte', V * D, 1.0),
    peFreq: (() => {
      // log-uniform frequencies in [0.02, 0.6]
      const u = uniform('pe.freq', D, 0, 1);
      return u.map((x) => Math.exp(Math.log(0.02) + x * (Math.log(0.6) - Math.log(0.02))));
    })(),
    pePhase: uniform('pe.phase', D, 0, 2 * Math.PI),
    peAmp: 0.8,
    layers,
    lnfg: new Float32Array(D).fill(1),
    lnfb: new Float32Array(D),
    wout: randn('wout', D * VO, 2.6 / Math.sqrt(D)),
    bout: prior,
    tokClass,
    classBias,
    bnd,
    ws,
    nf: NF,
    wc,
  };
}

// ---------------------------------------------------------------------------
// ONNX graph building

const T = onnx.TensorProto.DataType;
type DType = 'float32' | 'float16';

function f32ToF16Bits(value: number): number {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  f[0] = value;
  const x = u[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

class Graph {
  nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  inits: InstanceType<typeof onnx.TensorProto>[] = [];
  private n = 0;
  private constCache = new Map<string, string>();

  name(hint: string): string {
    return `${hint}_${this.n++}`;
  }

  op(
    opType: string,
    inputs: string[],
    attrs: Record<string, InstanceType<typeof onnx.AttributeProto>> = {},
    opts: { outputs?: string[]; domain?: string; hint?: string } = {},
  ): string {
    const outputs = opts.outputs ?? [this.name(opts.hint ?? opType.toLowerCase())];
    this.nodes.push(
      onnx.NodeProto.create({
        opType,
        input: inputs,
        output: outputs,
        name: `n${this.nodes.length}_${opType}`,
        domain: opts.domain ?? '',
        attribute: Object.entries(attrs).map(([k, a]) => {
          a.name = k;
          return a;
        }),
      }),
    );
    return outputs[0]!;
  }

  tensor(name: string, dims: number[], dataType: number, raw: Uint8Array): string {
    this.inits.push(onnx.TensorProto.create({ name, dims, dataType, rawData: raw }));
    return name;
  }

  f32(name: string, dims: number[], data: Float32Array | number[]): string {
    const a = data instanceof Float32Array ? data : Float32Array.from(data);
    return this.tensor(name, dims, T.FLOAT, new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice());
  }

  f16(name: string, dims: number[], data: Float32Array | number[]): string {
    const a = Uint16Array.from(Array.from(data, f32ToF16Bits));
    return this.tensor(name, dims, T.FLOAT16, new Uint8Array(a.buffer).slice());
  }

  i64(name: string, dims: number[], data: BigInt64Array | number[]): string {
    const a = data instanceof BigInt64Array ? data : BigInt64Array.from(data.map(BigInt));
    return this.tensor(name, dims, T.INT64, new Uint8Array(a.buffer).slice());
  }

  /** Shared small constants. */
  cf(values: number[], dims: number[] = values.length === 1 ? [] : [values.length]): string {
    const key = `f:${dims.join('x')}:${values.join(',')}`;
    let name = this.constCache.get(key);
    if (!name) {
      name = this.f32(`const_f${this.constCache.size}`, dims, values);
      this.constCache.set(key, name);
    }
    return name;
  }

  ci(values: number[], dims: number[] = values.length === 1 ? [] : [values.length]): string {
    const key = `i:${dims.join('x')}:${values.join(',')}`;
    let name = this.constCache.get(key);
    if (!name) {
      name = this.i64(`const_i${this.constCache.size}`, dims, values);
      this.constCache.set(key, name);
    }
    return name;
  }
}

const A = {
  i: (v: number) => onnx.AttributeProto.create({ type: onnx.AttributeProto.AttributeType.INT, i: v }),
  f: (v: number) => onnx.AttributeProto.create({ type: onnx.AttributeProto.AttributeType.FLOAT, f: v }),
  ints: (v: number[]) => onnx.AttributeProto.create({ type: onnx.AttributeProto.AttributeType.INTS, ints: v }),
  t: (t: InstanceType<typeof onnx.TensorProto>) =>
    onnx.AttributeProto.create({ type: onnx.AttributeProto.AttributeType.TENSOR, t }),
};

export type Variant = 'fp32' | 'q8' | 'q4' | 'q4f16';

function valueInfo(name: string, elemType: number, dims: Array<number | string>) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType,
        shape: onnx.TensorShapeProto.create({
          dim: dims.map((d) =>
            typeof d === 'number'
              ? onnx.TensorShapeProto.Dimension.create({ dimValue: d })
              : onnx.TensorShapeProto.Dimension.create({ dimParam: d }),
          ),
        }),
      }),
    }),
  });
}

/** Symmetric int8, one scale per slice along `axis` (0: rows, 1: columns) of a [rows, cols] matrix. */
function quantizeInt8(w: Float32Array, rows: number, cols: number, axis: 0 | 1) {
  const n = axis === 0 ? rows : cols;
  const scales = new Float32Array(n);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const k = axis === 0 ? r : c;
      scales[k] = Math.max(scales[k]!, Math.abs(w[r * cols + c]!));
    }
  for (let k = 0; k < n; k++) scales[k] = Math.fround(scales[k]! / 127 || 1);
  const q = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const s = scales[axis === 0 ? r : c]!;
      q[r * cols + c] = Math.max(-127, Math.min(127, Math.round(w[r * cols + c]! / s)));
    }
  return { q, scales };
}

/** int8-quantized [rows, cols] matrix dequantized in the graph (DequantizeLinear). */
function int8Matrix(g: Graph, name: string, w: Float32Array, rows: number, cols: number, axis: 0 | 1): string {
  const { q, scales } = quantizeInt8(w, rows, cols, axis);
  const qName = g.tensor(`${name}_quantized`, [rows, cols], T.INT8, new Uint8Array(q.buffer).slice());
  const sName = g.f32(`${name}_scale`, [scales.length], scales);
  const zName = g.tensor(`${name}_zero_point`, [scales.length], T.INT8, new Uint8Array(scales.length));
  return g.op('DequantizeLinear', [qName, sName, zName], { axis: A.i(axis) }, { hint: `${name}_dq` });
}

/** y = x @ W for W [K, N], in the representation the variant calls for. */
function linear(g: Graph, variant: Variant, q8Style: ModelShape['q8Style'], name: string, x: string, w: Float32Array, K: number, N: number): string {
  if (variant === 'fp32') return g.op('MatMul', [x, g.f32(name, [K, N], w)]);
  if (variant === 'q8' && q8Style === 'dequantize') return g.op('MatMul', [x, int8Matrix(g, name, w, K, N, 1)]);
  if (variant === 'q8') {
    // y = (xq - xz) · wq * (xs * ws): int8 weights with one scale per column, uint8 activations.
    const { q, scales } = quantizeInt8(w, K, N, 1);
    const wq = g.tensor(`${name}_quantized`, [K, N], T.INT8, new Uint8Array(q.buffer).slice());
    const [xq, xs, xz] = [g.name(`${name}_xq`), g.name(`${name}_xs`), g.name(`${name}_xz`)];
    g.op('DynamicQuantizeLinear', [x], {}, { outputs: [xq, xs, xz] });
    const yInt = g.op('MatMulInteger', [xq, wq, xz]);
    const scale = g.op('Mul', [xs, g.f32(`${name}_scale`, [N], scales)]);
    return g.op('Mul', [g.op('Cast', [yInt], { to: A.i(T.FLOAT) }), scale]);
  }
  // 4-bit: MatMulNBits wants B transposed to [N, K/block, block/2] nibbles, low nibble first,
  // value = (q - 8) * scale (default zero point 8).
  const block = K % 32 === 0 ? 32 : 16;
  const nBlocks = Math.ceil(K / block);
  const packed = new Uint8Array(N * nBlocks * (block / 2));
  const scales = new Float32Array(N * nBlocks);
  for (let n = 0; n < N; n++)
    for (let b = 0; b < nBlocks; b++) {
      let amax = 0;
      for (let i = 0; i < block; i++) {
        const k = b * block + i;
        if (k < K) amax = Math.max(amax, Math.abs(w[k * N + n]!));
      }
      const scale = Math.fround(amax / 7 || 1);
      scales[n * nBlocks + b] = scale;
      for (let i = 0; i < block; i++) {
        const k = b * block + i;
        const v = k < K ? w[k * N + n]! : 0;
        const q = Math.max(0, Math.min(15, Math.round(v / scale) + 8));
        const at = (n * nBlocks + b) * (block / 2) + (i >> 1);
        packed[at] = packed[at]! | (i & 1 ? q << 4 : q);
      }
    }
  const half = variant === 'q4f16';
  const bName = g.tensor(`${name}_q4`, [N, nBlocks, block / 2], T.UINT8, packed);
  const sName = half ? g.f16(`${name}_scales`, [N * nBlocks], scales) : g.f32(`${name}_scales`, [N * nBlocks], scales);
  const xin = half ? g.op('Cast', [x], { to: A.i(T.FLOAT16) }) : x;
  const y = g.op('MatMulNBits', [xin, bName, sName], { K: A.i(K), N: A.i(N), bits: A.i(4), block_size: A.i(block) }, {
    domain: 'com.microsoft',
  });
  return half ? g.op('Cast', [y], { to: A.i(T.FLOAT) }) : y;
}

function buildModel(w: Weights, variant: Variant, shape: ModelShape): Uint8Array {
  const { hidden: D, heads: H, headDim: HD, layers: L, mlp: FF, outputVocab: VO } = shape;
  const g = new Graph();
  const lin = (name: string, x: string, w: Float32Array, K: number, N: number) => linear(g, variant, shape.q8Style, name, x, w, K, N);
  const kvType = variant === 'q4f16' ? T.FLOAT16 : T.FLOAT;
  const inputs = [
    valueInfo('input_ids', T.INT64, ['batch_size', 'sequence_length']),
    valueInfo('attention_mask', T.INT64, ['batch_size', 'total_sequence_length']),
    valueInfo('position_ids', T.INT64, ['batch_size', 'sequence_length']),
  ];
  const outputs = [valueInfo('logits', kvType, ['batch_size', 'sequence_length', VO])];
  for (let l = 0; l < L; l++) {
    for (const kv of ['key', 'value']) {
      inputs.push(valueInfo(`past_key_values.${l}.${kv}`, kvType, ['batch_size', H, 'past_sequence_length', HD]));
      outputs.push(valueInfo(`present.${l}.${kv}`, kvType, ['batch_size', H, 'total_sequence_length', HD]));
    }
  }

  // Embeddings.
  const wte = variant === 'fp32' ? g.f32('wte', [V, D], w.wte) : int8Matrix(g, 'wte', w.wte, V, D, 0);
  const emb = g.op('Gather', [wte, 'input_ids'], { axis: A.i(0) }, { hint: 'tok_emb' });
  const pf = g.op('Cast', ['position_ids'], { to: A.i(T.FLOAT) }, { hint: 'pos_f' });
  const pf3 = g.op('Unsqueeze', [pf, g.ci([-1], [1])], {}, { hint: 'pos_f3' }); // [B,S,1]
  const angle = g.op('Add', [g.op('Mul', [pf3, g.f32('pe_freq', [D], w.peFreq)]), g.f32('pe_phase', [D], w.pePhase)]);
  const pe = g.op('Mul', [g.op('Sin', [angle]), g.cf([w.peAmp])], {}, { hint: 'pos_emb' });
  let x = g.op('Add', [emb, pe], {}, { hint: 'x' });

  // Token features for the structural heads.
  const bnd = g.op('Gather', [g.f32('boundary_table', [V, HS], w.bnd), 'input_ids'], { axis: A.i(0) }, { hint: 'bnd' });
  const bp = g.op('Mul', [bnd, pf3]);
  const one = g.op('Add', [g.op('Mul', [pf3, g.cf([0])]), g.cf([1])], {}, { hint: 'one' });
  const feat = g.op('Concat', [one, pf3, bnd, bp], { axis: A.i(-1) }, { hint: 'feat' }); // [B,S,NF]

  // Attention mask: causal over absolute indices, and the padding mask.
  const pastShape = g.op('Shape', ['past_key_values.0.key']);
  const pastLen = g.op('Gather', [pastShape, g.ci([2])], { axis: A.i(0) }, { hint: 'past_len' });
  const seqLen = g.op('Gather', [g.op('Shape', ['input_ids']), g.ci([1])], { axis: A.i(0) }, { hint: 'seq_len' });
  const totLen = g.op('Add', [pastLen, seqLen], {}, { hint: 'total_len' });
  const qIdx = g.op('Range', [pastLen, totLen, g.ci([1])], {}, { hint: 'q_idx' });
  const kIdx = g.op('Range', [g.ci([0]), totLen, g.ci([1])], {}, { hint: 'k_idx' });
  const causal = g.op('LessOrEqual', [g.op('Unsqueeze', [kIdx, g.ci([0], [1])]), g.op('Unsqueeze', [qIdx, g.ci([1], [1])])]);
  const padOk = g.op('Unsqueeze', [g.op('Cast', ['attention_mask'], { to: A.i(T.BOOL) }), g.ci([1, 2])]);
  const allowed = g.op('And', [causal, padOk]); // [B,1,S,T]
  const maskAdd = g.op('Where', [allowed, g.cf([0]), g.cf([-1e9])], {}, { hint: 'mask_add' });

  let counters = '';
  for (let l = 0; l < L; l++) {
    const p = w.layers[l]!;
    const hr = p.hr;
    const h = g.op('LayerNormalization', [x, g.f32(`l${l}.ln1.g`, [D], p.ln1g), g.f32(`l${l}.ln1.b`, [D], p.ln1b)], {
      axis: A.i(-1),
      epsilon: A.f(1e-5),
    });
    const qkvR = g.op('Add', [lin(`l${l}.wqkv`, h, p.wqkv, D, 3 * hr * HD), g.f32(`l${l}.bqkv`, [3 * hr * HD], p.bqkv)]);
    let qkv5 = g.op('Reshape', [qkvR, g.ci([0, 0, 3, hr, HD])]);
    if (l === 0) {
      const qkvS = g.op('MatMul', [feat, g.f32('struct_qkv', [w.nf, 3 * HS * HD], w.ws)]);
      const qkvS5 = g.op('Reshape', [qkvS, g.ci([0, 0, 3, HS, HD])]);
      qkv5 = g.op('Concat', [qkvS5, qkv5], { axis: A.i(3) });
    }
    const qkvT = g.op('Transpose', [qkv5], { perm: A.ints([2, 0, 3, 1, 4]) }); // [3,B,H,S,HD]
    const q = g.op('Gather', [qkvT, g.ci([0])], { axis: A.i(0) }, { hint: `l${l}_q` });
    let k = g.op('Gather', [qkvT, g.ci([1])], { axis: A.i(0) }, { hint: `l${l}_k` });
    let v = g.op('Gather', [qkvT, g.ci([2])], { axis: A.i(0) }, { hint: `l${l}_v` });
    let kAll: string;
    let vAll: string;
    if (kvType === T.FLOAT16) {
      // Concatenate in fp16 so that cached and uncached runs see the same rounded keys.
      k = g.op('Cast', [k], { to: A.i(T.FLOAT16) });
      v = g.op('Cast', [v], { to: A.i(T.FLOAT16) });
      const k16 = g.op('Concat', [`past_key_values.${l}.key`, k], { axis: A.i(2) }, { outputs: [`present.${l}.key`] });
      const v16 = g.op('Concat', [`past_key_values.${l}.value`, v], { axis: A.i(2) }, { outputs: [`present.${l}.value`] });
      kAll = g.op('Cast', [k16], { to: A.i(T.FLOAT) });
      vAll = g.op('Cast', [v16], { to: A.i(T.FLOAT) });
    } else {
      kAll = g.op('Concat', [`past_key_values.${l}.key`, k], { axis: A.i(2) }, { outputs: [`present.${l}.key`] });
      vAll = g.op('Concat', [`past_key_values.${l}.value`, v], { axis: A.i(2) }, { outputs: [`present.${l}.value`] });
    }
    const kT = g.op('Transpose', [kAll], { perm: A.ints([0, 1, 3, 2]) });
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, kT]), g.cf([1 / Math.sqrt(HD)])]), maskAdd]);
    const probs = g.op('Softmax', [scores], { axis: A.i(-1) });
    let ao = g.op('MatMul', [probs, vAll], {}, { hint: `l${l}_attn` }); // [B,H,S,HD]
    if (l === 0) {
      const tap = g.op('Slice', [ao, g.ci([0, 0]), g.ci([HS, 1]), g.ci([1, 3])]); // [B,HS,S,1]
      const lastPos = g.op('Transpose', [g.op('Squeeze', [tap, g.ci([3], [1])])], { perm: A.ints([0, 2, 1]) }); // [B,S,HS]
      counters = g.op('Sub', [pf3, lastPos], {}, { hint: 'counters' });
      ao = g.op('Slice', [ao, g.ci([HS], [1]), g.ci([H], [1]), g.ci([1], [1])]);
    }
    const merged = g.op('Reshape', [g.op('Transpose', [ao], { perm: A.ints([0, 2, 1, 3]) }), g.ci([0, 0, hr * HD])]);
    const attnOut = g.op('Add', [lin(`l${l}.wo`, merged, p.wo, hr * HD, D), g.f32(`l${l}.bo`, [D], p.bo)]);
    x = g.op('Add', [x, attnOut], {}, { hint: 'x' });
    const h2 = g.op('LayerNormalization', [x, g.f32(`l${l}.ln2.g`, [D], p.ln2g), g.f32(`l${l}.ln2.b`, [D], p.ln2b)], {
      axis: A.i(-1),
      epsilon: A.f(1e-5),
    });
    const m = g.op('Add', [lin(`l${l}.w1`, h2, p.w1, D, FF), g.f32(`l${l}.b1`, [FF], p.b1)]);
    const gelu = g.op('Mul', [g.op('Mul', [m, g.cf([0.5])]), g.op('Add', [g.op('Erf', [g.op('Mul', [m, g.cf([Math.SQRT1_2])])]), g.cf([1])])]);
    const mlpOut = g.op('Add', [lin(`l${l}.w2`, gelu, p.w2, FF, D), g.f32(`l${l}.b2`, [D], p.b2)]);
    x = g.op('Add', [x, mlpOut], {}, { hint: 'x' });
  }

  const hf = g.op('LayerNormalization', [x, g.f32('lnf.g', [D], w.lnfg), g.f32('lnf.b', [D], w.lnfb)], {
    axis: A.i(-1),
    epsilon: A.f(1e-5),
  });
  const r = g.op('Add', [lin('wout', hf, w.wout, D, VO), g.f32('bout', [VO], w.bout)]);
  const cls = g.op('Gather', [g.i64('token_class', [V], w.tokClass), 'input_ids'], { axis: A.i(0) });
  const rule = g.op('Gather', [g.f32('class_bias', [N_CLASSES, VO], w.classBias), cls], { axis: A.i(0) });
  const ct = g.op('MatMul', [counters, g.f32('counter_weights', [HS, VO], w.wc)]);
  const logitsF = g.op('Add', [g.op('Add', [r, rule]), ct], {}, kvType === T.FLOAT ? { outputs: ['logits'] } : {});
  if (kvType === T.FLOAT16) g.op('Cast', [logitsF], { to: A.i(T.FLOAT16) }, { outputs: ['logits'] });

  const opsetImport = [onnx.OperatorSetIdProto.create({ domain: '', version: 17 })];
  if (variant === 'q4' || variant === 'q4f16') opsetImport.push(onnx.OperatorSetIdProto.create({ domain: 'com.microsoft', version: 1 }));
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'ledgerline make-tiny-model',
    producerVersion: '1',
    opsetImport,
    graph: onnx.GraphProto.create({
      name: `${shape.graphName}_${variant}`,
      node: g.nodes,
      initializer: g.inits,
      input: inputs,
      output: outputs,
    }),
  });
  return onnx.ModelProto.encode(model).finish();
}

// ---------------------------------------------------------------------------
// JSON files

const CHAT_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

function tokenizerJson(): object {
  const { symbols } = buildVocab();
  const vocab: Record<string, number> = {};
  for (let id = 0; id < ID_ENDOFTEXT; id++) vocab[symbols[id]!] = id;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((content, i) => ({
      id: ID_ENDOFTEXT + i,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: MERGES.map(([a, b]) => `${a} ${b}`),
    },
  };
}

function tokenizerConfigJson(): object {
  const added: Record<string, object> = {};
  SPECIALS.forEach((content, i) => {
    added[String(ID_ENDOFTEXT + i)] = { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true };
  });
  return {
    add_bos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: added,
    additional_special_tokens: ['<|im_start|>', '<|im_end|>'],
    bos_token: null,
    chat_template: CHAT_TEMPLATE,
    clean_up_tokenization_spaces: false,
    eos_token: '<|im_end|>',
    errors: 'replace',
    model_max_length: N_POSITIONS,
    pad_token: '<|endoftext|>',
    split_special_tokens: false,
    tokenizer_class: 'GPT2Tokenizer',
    unk_token: null,
  };
}

const TINY_NOTE = 'Synthetic test model generated by scripts/make-tiny-model.ts. GPT-2 I/O; the graph is hand-built (see the script).';
const SIZED_NOTE =
  'Synthetic benchmark stand-in generated by bench/make-sized-model.ts: the test model\'s network at a real model\'s size, random weights, not a language model';

function configJson(shape: ModelShape): object {
  return {
    _name_or_path: shape.id,
    architectures: ['GPT2LMHeadModel'],
    model_type: 'gpt2',
    activation_function: 'gelu',
    bos_token_id: ID_ENDOFTEXT,
    eos_token_id: ID_IM_END,
    pad_token_id: ID_ENDOFTEXT,
    layer_norm_epsilon: 1e-5,
    n_ctx: N_POSITIONS,
    n_positions: N_POSITIONS,
    n_embd: shape.hidden,
    n_head: shape.heads,
    n_inner: shape.mlp,
    n_layer: shape.layers,
    vocab_size: shape.outputVocab,
    tie_word_embeddings: false,
    torch_dtype: 'float32',
    transformers_version: '4.46.0',
    use_cache: true,
    ledgerline_note: shape === TINY_SHAPE ? TINY_NOTE : `${SIZED_NOTE} (${shape.id})`,
  };
}

function generationConfigJson(): object {
  return {
    bos_token_id: ID_ENDOFTEXT,
    eos_token_id: [ID_IM_END, ID_ENDOFTEXT],
    pad_token_id: ID_ENDOFTEXT,
    transformers_version: '4.46.0',
  };
}

// ---------------------------------------------------------------------------

function tinyModelCard(): string {
  return `---
license: mit
library_name: transformers.js
pipeline_tag: text-generation
tags: [test-fixture, synthetic]
---

# ${MODEL_ID}

A synthetic test model for Ledgerline's tests. It is not trained and knows nothing: its
weights come from a fixed seed. Regenerate it with \`npx tsx scripts/make-tiny-model.ts\`
(the unit tests check that the result is byte-identical to these files).

- GPT-2 I/O (\`model_type: "gpt2"\`), ${TINY_SHAPE.layers} layers, ${TINY_SHAPE.heads} heads of ${TINY_SHAPE.headDim}, hidden ${TINY_SHAPE.hidden}, MLP ${TINY_SHAPE.mlp},
  vocabulary ${V} (byte-level BPE: 256 bytes, ${MERGES.length} merges, ${SPECIALS.length} special tokens).
- ChatML chat template; generation ends with \`<|im_end|>\` (id ${ID_IM_END}).
- Output: lowercase pseudo-words, commas and periods, a few short sentences, then
  \`<|im_end|>\` after roughly 20-40 tokens.
- dtypes: fp32 (\`onnx/model.onnx\`), q8 (\`onnx/model_quantized.onnx\`, int8 + DequantizeLinear),
  q4 (\`onnx/model_q4.onnx\`, MatMulNBits), q4f16 (\`onnx/model_q4f16.onnx\`, MatMulNBits in fp16,
  fp16 KV cache and logits; needs \`shader-f16\` on WebGPU).
`;
}

export const MODEL_FILES = [
  'README.md',
  'config.json',
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/model.onnx',
  'onnx/model_quantized.onnx',
  'onnx/model_q4.onnx',
  'onnx/model_q4f16.onnx',
] as const;

/** Builds the files of a model folder in memory: relative path -> bytes. */
export function buildModelFiles(
  shape: ModelShape,
  options: { variants: readonly Variant[]; card: string },
): Map<string, Uint8Array> {
  const w = buildWeights(shape);
  const json = (o: object) => new TextEncoder().encode(JSON.stringify(o, null, 2) + '\n');
  const files = new Map<string, Uint8Array>();
  files.set('README.md', new TextEncoder().encode(options.card));
  files.set('config.json', json(configJson(shape)));
  files.set('generation_config.json', json(generationConfigJson()));
  files.set('tokenizer.json', json(tokenizerJson()));
  files.set('tokenizer_config.json', json(tokenizerConfigJson()));
  for (const variant of options.variants) files.set(DTYPE_FILE[variant], buildModel(w, variant, shape));
  return files;
}

/** Writes files (relative path -> bytes) under outDir; returns the relative paths written. */
export function writeModelFiles(outDir: string, files: Map<string, Uint8Array>): string[] {
  for (const [rel, bytes] of files) {
    const path = join(outDir, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
  }
  return [...files.keys()];
}

/** Writes the test model folder to outDir; returns the relative paths written. */
export function makeTinyModel(outDir: string): string[] {
  return writeModelFiles(outDir, buildModelFiles(TINY_SHAPE, { variants: ['fp32', 'q8', 'q4', 'q4f16'], card: tinyModelCard() }));
}

export const DEFAULT_OUT_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'tests/fixtures/models',
  MODEL_ID,
);

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const out = resolve(process.argv[2] ?? DEFAULT_OUT_DIR);
  const written = makeTinyModel(out);
  for (const rel of written) console.log(join(out, rel));
}
