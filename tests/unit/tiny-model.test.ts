import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { random, Tensor } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTinyModel, MODEL_FILES } from '../../scripts/make-tiny-model';
import { startModelHost, type ModelHost } from '../../scripts/model-host';
import {
  chatInputs,
  checkGreedyUpToTies,
  expectedGreedyText,
  greedyTokens,
  greedyTokensInNode,
  loadTinyModelInNode,
  rowToNumbers,
  TINY_MODEL_DIR,
  TINY_MODEL_DTYPE_FILES,
  TINY_MODEL_ID,
  TINY_MODEL_ROOT,
  TINY_MODEL_TOKENS,
  type ChatMessage,
  type LoadedTinyModel,
  type TinyDtype,
} from '../support/tiny-model';

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

const sha256 = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

const COUNCIL: ChatMessage[] = [{ role: 'user', content: 'Continue: The council met on Tuesday.' }];
const PROMPTS: ChatMessage[][] = [
  COUNCIL,
  [{ role: 'user', content: 'Hi' }],
  [
    { role: 'system', content: 'You rewrite text.' },
    { role: 'user', content: 'Rewrite: ' + 'The quick brown fox jumps over the lazy dog. '.repeat(10) },
  ],
  [{ role: 'user', content: 'Summarize: 日本語のテキスト, العربية, and 😀 emoji.' }],
];
const MAX_NEW = 48;
const { imEnd: IM_END, endoftext: ENDOFTEXT } = TINY_MODEL_TOKENS;

function toFloat32(t: Tensor): Float32Array {
  if (t.type === 'float32') return t.data as Float32Array;
  if (t.type === 'float16') {
    const src = t.data as unknown as ArrayLike<number>;
    if (!(src instanceof Uint16Array)) return Float32Array.from(src);
    const out = new Float32Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const h = src[i]!;
      const s = h & 0x8000 ? -1 : 1;
      const e = (h >> 10) & 0x1f;
      const m = h & 0x3ff;
      out[i] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
    }
    return out;
  }
  throw new Error(`unexpected logits type ${t.type}`);
}

function argmaxRows(logits: Tensor): number[] {
  const [, n, v] = logits.dims as [number, number, number];
  const data = toFloat32(logits);
  const out: number[] = [];
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let j = 1; j < v; j++) if (data[r * v + j]! > data[r * v + best]!) best = j;
    out.push(best);
  }
  return out;
}

/**
 * Greedy decoding without the KV cache: every step runs the graph on the whole sequence
 * with empty (length 0) past tensors and takes the argmax of the last position.
 */
async function greedyWithoutCache(loaded: LoadedTinyModel, messages: ChatMessage[], maxNew: number): Promise<number[]> {
  const { model, tokenizer } = loaded;
  const ids = Array.from(chatInputs(tokenizer, messages).input_ids.data as BigInt64Array);
  const kvType = loaded.model.sessions['model']!.inputMetadata.find((m: { name: string }) => m.name === 'past_key_values.0.key')!
    .type as 'float32' | 'float16';
  const out: number[] = [];
  for (let step = 0; step < maxNew; step++) {
    const n = ids.length;
    const feeds: Record<string, Tensor> = {
      input_ids: new Tensor('int64', BigInt64Array.from(ids), [1, n]),
      attention_mask: new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
      position_ids: new Tensor('int64', BigInt64Array.from({ length: n }, (_, i) => BigInt(i)), [1, n]),
    };
    for (let l = 0; l < 2; l++)
      for (const kv of ['key', 'value'])
        feeds[`past_key_values.${l}.${kv}`] = new Tensor(kvType, kvType === 'float16' ? new Uint16Array(0) : new Float32Array(0), [1, 4, 0, 16]);
    const { logits } = (await model.forward(feeds)) as { logits: Tensor };
    const next = argmaxRows(logits).at(-1)!;
    out.push(next);
    if (next === IM_END || next === ENDOFTEXT) break;
    ids.push(BigInt(next));
  }
  return out;
}

describe('tiny model files', () => {
  it('regenerates byte-identically from the fixed seed', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'tiny-model-'));
    try {
      const written = makeTinyModel(tmp);
      expect([...written].sort()).toEqual([...MODEL_FILES].sort());
      expect(listFiles(tmp)).toEqual(listFiles(TINY_MODEL_DIR));
      for (const rel of listFiles(tmp)) {
        expect({ file: rel, sha: sha256(join(tmp, rel)) }).toEqual({ file: rel, sha: sha256(join(TINY_MODEL_DIR, rel)) });
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('is a small hub-layout folder', () => {
    const files = listFiles(TINY_MODEL_DIR);
    for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json', ...Object.values(TINY_MODEL_DTYPE_FILES)]) {
      expect(files).toContain(f);
    }
    const total = files.reduce((s, f) => s + statSync(join(TINY_MODEL_DIR, f)).size, 0);
    expect(total).toBeLessThan(1024 * 1024);
    expect(TINY_MODEL_DIR).toBe(join(TINY_MODEL_ROOT, TINY_MODEL_ID));
    const tc = JSON.parse(readFileSync(join(TINY_MODEL_DIR, 'tokenizer_config.json'), 'utf8'));
    expect(tc.eos_token).toBe('<|im_end|>');
    const tj = JSON.parse(readFileSync(join(TINY_MODEL_DIR, 'tokenizer.json'), 'utf8'));
    expect(tj.model.type).toBe('BPE');
    expect(Object.keys(tj.model.vocab).length).toBeGreaterThanOrEqual(256 + 10);
  });
});

describe('tiny model through the model host (onnxruntime-node)', () => {
  let host: ModelHost;
  const loaded = new Map<TinyDtype, LoadedTinyModel>();
  const get = async (dtype: TinyDtype) => {
    let m = loaded.get(dtype);
    if (!m) {
      m = await loadTinyModelInNode({ dtype, host });
      loaded.set(dtype, m);
    }
    return m;
  };

  beforeAll(async () => {
    host = await startModelHost({ root: TINY_MODEL_ROOT });
  });
  afterAll(async () => {
    for (const m of loaded.values()) await m.dispose();
    await host.close();
  });

  it('loads only the files of the requested dtype', async () => {
    const before = host.requests.length;
    await get('q8');
    const fetched = host.requests.slice(before).map((p) => p.split('/resolve/main/')[1]);
    expect(fetched).toContain('onnx/model_quantized.onnx');
    expect(fetched).toContain('tokenizer.json');
    expect(fetched).toContain('config.json');
    expect(fetched).not.toContain('onnx/model.onnx');
    expect(host.requests.slice(before).every((p) => p.startsWith(`/${TINY_MODEL_ID}/resolve/main/`))).toBe(true);
  });

  it('tokenizer: byte-level BPE round-trips text byte-exactly and uses its merges', async () => {
    const { tokenizer } = await get('q8');
    const samples = [
      'The council met on Tuesday.',
      'naïve café, crème brûlée',
      '日本語のテキストと中文',
      'مرحبا بالعالم — שלום עולם',
      'family 👩‍👩‍👧‍👦 flag 🇺🇳 skin 👍🏽 e\u0301',
      'tabs\tand\nnewlines\r\n  double  spaces , before .punct',
      "it's 'quoted' \"text\" & <b>tags</b> 12345",
    ];
    for (const s of samples) {
      const ids = tokenizer.encode(s);
      const back = tokenizer.decode(ids, { skip_special_tokens: false });
      expect(Buffer.from(back, 'utf8').equals(Buffer.from(s, 'utf8')), `${s} -> ${back}`).toBe(true);
    }
    // Merges: " the" is one token; "in" is one token.
    expect(tokenizer.encode(' the')).toHaveLength(1);
    expect(tokenizer.encode('in')).toHaveLength(1);
    expect(tokenizer.encode('the weather in the north').length).toBeLessThan('the weather in the north'.length);
    // Special tokens are single ids.
    expect(tokenizer.encode('<|im_start|>user<|im_end|>')).toEqual([TINY_MODEL_TOKENS.imStart, ...tokenizer.encode('user'), IM_END]);
    const prompt = tokenizer.apply_chat_template(COUNCIL, { add_generation_prompt: true, tokenize: false });
    expect(prompt).toBe('<|im_start|>user\nContinue: The council met on Tuesday.<|im_end|>\n<|im_start|>assistant\n');
  });

  for (const dtype of ['fp32', 'q8', 'q4', 'q4f16'] as const) {
    it(`${dtype}: generate() with the KV cache equals greedy decoding without it`, async () => {
      const m = await get(dtype);
      for (const messages of [COUNCIL, PROMPTS[2]!]) {
        const cached = await greedyTokens(m, messages, MAX_NEW);
        const uncached = await greedyWithoutCache(m, messages, MAX_NEW);
        expect(cached.length).toBeGreaterThan(5);
        expect(cached).toEqual(uncached);
      }
    });
  }

  for (const dtype of ['fp32', 'q8'] as const) {
    it(`${dtype}: greedy output is short readable text with a sentence boundary`, async () => {
      const m = await get(dtype);
      const outputs: string[] = [];
      for (const messages of PROMPTS) {
        const ids = await greedyTokens(m, messages, MAX_NEW);
        const text = m.tokenizer.decode(ids, { skip_special_tokens: true });
        outputs.push(text);
        expect(text, JSON.stringify(text)).toMatch(/^[a-z][a-z ,.]*$/);
        expect(ids.filter((t) => t === IM_END).length).toBeLessThanOrEqual(1);
      }
      // The council prompt: 20-60 characters, ends by itself, has ". " inside.
      const ids = await greedyTokens(m, COUNCIL, MAX_NEW);
      const text = m.tokenizer.decode(ids, { skip_special_tokens: true });
      expect(ids.at(-1)).toBe(IM_END);
      expect(text.length).toBeGreaterThanOrEqual(20);
      expect(text.length).toBeLessThanOrEqual(60);
      expect(text).toContain('. ');
      expect(text.split(' ').length).toBeGreaterThanOrEqual(4);
      // The output depends on the input.
      expect(new Set(outputs).size).toBe(outputs.length);
    });
  }

  it('q8 stays close to fp32', async () => {
    const fp32 = await get('fp32');
    const q8 = await get('q8');
    const a = await greedyTokens(fp32, COUNCIL, MAX_NEW);
    const b = await greedyTokens(q8, COUNCIL, MAX_NEW);
    expect(b.slice(0, 4)).toEqual(a.slice(0, 4));
    // Argmax agreement over every position of a long prompt.
    const inputs = chatInputs(fp32.tokenizer, PROMPTS[2]!);
    const la = argmaxRows(((await fp32.model(inputs)) as { logits: Tensor }).logits);
    const lb = argmaxRows(((await q8.model(inputs)) as { logits: Tensor }).logits);
    const agree = la.filter((t, i) => t === lb[i]).length / la.length;
    expect(agree).toBeGreaterThan(0.85);
  });

  it('sampling depends on the seed and is reproducible with the same seed', async () => {
    const m = await get('q8');
    const sample = async (seed: number) => {
      random.seed(seed);
      const inputs = chatInputs(m.tokenizer, COUNCIL);
      const out = await m.model.generate({ ...inputs, max_new_tokens: MAX_NEW, do_sample: true });
      return m.tokenizer.decode(rowToNumbers(out, inputs.input_ids.dims[1]), { skip_special_tokens: true });
    };
    const texts = [await sample(1), await sample(2), await sample(3), await sample(4)];
    expect(new Set(texts).size).toBeGreaterThanOrEqual(3);
    for (const t of texts) expect(t).toMatch(/^[a-z][a-z ,.]*$/);
    expect(await sample(2)).toBe(texts[1]);
  });

  it("checking a browser's greedy text accepts it whole, and refuses a departure where the model was sure", async () => {
    const text = 'The city council met on Tuesday to discuss the new budget. The mayor said';
    const expected = await expectedGreedyText(text, 'q8', 48, host.origin);
    expect(await checkGreedyUpToTies(expected, text, 'q8', 48, host.origin)).toEqual({ ok: true, tokensChecked: expect.any(Number) });
    // A different first letter: the first token led its runner-up by far more than a rounding difference.
    const departed = await checkGreedyUpToTies(`q${expected.slice(1)}`, text, 'q8', 48, host.origin);
    expect(departed).toMatchObject({ ok: false, reason: expect.stringMatching(/^token 0 differs where Node's choice led by/) });
  });

  it('greedyTokensInNode starts its own host and matches a loaded model', async () => {
    const viaHelper = await greedyTokensInNode(COUNCIL, 16);
    const direct = await greedyTokens(await get('q8'), COUNCIL, 16);
    expect(viaHelper).toEqual(direct);
    expect(viaHelper.every((t) => Number.isInteger(t))).toBe(true);
  });
});
