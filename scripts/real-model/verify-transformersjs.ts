/**
 * Node side of the real-model proof: loads the converted SmolLM2-135M-Instruct folder with
 * transformers.js (onnxruntime-node, device "cpu"), unmodified, and checks greedy decoding
 * against the token ids verify.py wrote (DIR/verify-expected.json, from transformers/PyTorch
 * on the GGUF, which onnxruntime on onnx/model.onnx reproduced).
 *
 *   npx tsx scripts/real-model/verify-transformersjs.ts [--root MODELS_ROOT] [--dtypes fp32,q8,q4,q4f16] [--no-host]
 *   (default root: ${LEDGERLINE_CACHE:-~/.cache/ledgerline}/models)
 *
 * 1. Local files (env.localModelPath = root, env.allowRemoteModels = false), per dtype: the
 *    chat template must give verify.py's prompt ids; fp32 and q4 must reproduce the expected
 *    tokens exactly (q4 keeps the GGUF's own 4-bit codes); q8 and q4f16 report how many of the
 *    first 32 tokens match (prefix and position by position) and whether they equal what
 *    onnxruntime in Python produced for the same file.
 * 2. Over HTTP through scripts/model-host.ts at the catalogue's pinned revision (the
 *    `{name}@{revision}` folder), smallest file (q4f16 if present), one prompt.
 * Exit status 1 if a required check fails.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, env, type PreTrainedModel, type PreTrainedTokenizer } from '@huggingface/transformers';
import { startModelHost } from '../model-host';

const MODEL_ID = 'HuggingFaceTB/SmolLM2-135M-Instruct';
type Dtype = 'fp32' | 'q8' | 'q4' | 'q4f16';
const MUST_MATCH: ReadonlySet<Dtype> = new Set(['fp32', 'q4']);
const FILES: Record<Dtype, string> = {
  fp32: 'onnx/model.onnx',
  q8: 'onnx/model_quantized.onnx',
  q4: 'onnx/model_q4.onnx',
  q4f16: 'onnx/model_q4f16.onnx',
};

interface Case {
  prompt: string;
  prompt_ids: number[];
  expected_ids: number[];
  expected_text: string;
  [ortIds: `ort_${string}_ids`]: number[] | undefined;
}
interface Expected {
  max_new_tokens: number;
  cases: Case[];
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function prefixMatch(a: number[], b: number[], n: number): number {
  let k = 0;
  while (k < n && k < a.length && k < b.length && a[k] === b[k]) k += 1;
  return k;
}

function positionalMatch(a: number[], b: number[], n: number): number {
  let k = 0;
  for (let i = 0; i < Math.min(n, a.length, b.length); i += 1) if (a[i] === b[i]) k += 1;
  return k;
}

function sameIds(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function greedy(
  tokenizer: PreTrainedTokenizer,
  model: PreTrainedModel,
  prompt: string,
  maxNewTokens: number,
): Promise<{ promptIds: number[]; ids: number[] }> {
  const inputs = tokenizer.apply_chat_template([{ role: 'user', content: prompt }], {
    add_generation_prompt: true,
    return_dict: true,
  }) as { input_ids: { data: ArrayLike<bigint>; dims: number[] } } & Record<string, unknown>;
  const promptIds = Array.from(inputs.input_ids.data, Number);
  const out = (await model.generate({
    ...inputs,
    max_new_tokens: maxNewTokens,
    do_sample: false,
  } as Parameters<PreTrainedModel['generate']>[0])) as { data: ArrayLike<bigint>; dims: number[] };
  const all = Array.from(out.data, Number);
  return { promptIds, ids: all.slice(promptIds.length) };
}

async function main(): Promise<number> {
  const cache = process.env.LEDGERLINE_CACHE ?? join(homedir(), '.cache', 'ledgerline');
  const root = resolve(arg('--root') ?? join(cache, 'models'));
  const dtypes = (arg('--dtypes') ?? 'fp32,q8,q4,q4f16').split(',').filter(Boolean) as Dtype[];
  const modelDir = join(root, MODEL_ID);
  const expected = JSON.parse(readFileSync(join(modelDir, 'verify-expected.json'), 'utf8')) as Expected;
  const n = expected.max_new_tokens;
  const catalogue = JSON.parse(readFileSync(new URL('../../lib/engine/models.json', import.meta.url), 'utf8')) as {
    models: { hubId: string; revision: string }[];
  };
  const revision = catalogue.models.find((m) => m.hubId === MODEL_ID)?.revision ?? 'main';

  // Downloads (part 2) go through transformers.js' file cache (Node needs it for remote model
  // files): a temporary folder, not node_modules/@huggingface/transformers/.cache.
  const cacheDir = mkdtempSync(join(tmpdir(), 'ledgerline-tjs-'));
  env.cacheDir = cacheDir;
  env.useFSCache = true;
  let ok = true;
  const summary: Record<string, unknown> = {};

  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = root + '/';
  const tokenizer = await AutoTokenizer.from_pretrained(MODEL_ID);
  for (const dtype of dtypes) {
    const t0 = performance.now();
    const model = await AutoModelForCausalLM.from_pretrained(MODEL_ID, { device: 'cpu', dtype });
    const loadMs = performance.now() - t0;
    const rows: string[] = [];
    let identical = true;
    let sameAsOrt = true;
    let tokens = 0;
    const t1 = performance.now();
    for (const c of expected.cases) {
      const { promptIds, ids } = await greedy(tokenizer, model, c.prompt, n);
      tokens += ids.length;
      if (!sameIds(promptIds, c.prompt_ids)) {
        console.log(`FAIL ${dtype}: chat template gave other prompt ids for ${JSON.stringify(c.prompt)}`);
        ok = false;
      }
      const same = sameIds(ids, c.expected_ids);
      identical &&= same;
      const ort = c[`ort_${dtype}_ids`];
      if (ort) sameAsOrt &&= sameIds(ids, ort);
      rows.push(
        `prefix ${prefixMatch(ids, c.expected_ids, n)}/${Math.min(n, c.expected_ids.length)}, ` +
          `positional ${positionalMatch(ids, c.expected_ids, n)}  ${JSON.stringify(tokenizer.decode(ids, { skip_special_tokens: true }).slice(0, 70))}`,
      );
    }
    const genMs = performance.now() - t1;
    await model.dispose();
    const required = MUST_MATCH.has(dtype);
    if (required && !identical) ok = false;
    const verdict = identical ? 'IDENTICAL to reference' : required ? 'DIFFERS (required identical): FAIL' : 'differs from reference';
    const ortNote = dtype === 'fp32' ? '' : `; same tokens as onnxruntime-python on this file: ${sameAsOrt}`;
    console.log(`${dtype} (${FILES[dtype]}): ${verdict}${ortNote}; load ${(loadMs / 1000).toFixed(1)}s, ${tokens} tokens in ${(genMs / 1000).toFixed(1)}s`);
    for (const r of rows) console.log(`   ${r}`);
    summary[dtype] = { identical, sameAsOrt, loadMs: Math.round(loadMs), genMs: Math.round(genMs), tokens };
  }

  if (!process.argv.includes('--no-host')) {
    const dtype: Dtype = dtypes.includes('q4f16') ? 'q4f16' : (dtypes[0] ?? 'fp32');
    const host = await startModelHost({ root });
    try {
      env.allowLocalModels = false;
      env.allowRemoteModels = true;
      env.remoteHost = host.origin + '/';
      const tok = await AutoTokenizer.from_pretrained(MODEL_ID, { revision });
      const model = await AutoModelForCausalLM.from_pretrained(MODEL_ID, { revision, device: 'cpu', dtype });
      const c = expected.cases[0]!;
      const { ids } = await greedy(tok, model, c.prompt, n);
      await model.dispose();
      const ref = c[`ort_${dtype}_ids`] ?? c.expected_ids;
      const served = host.requests.filter((r) => r.includes(`/resolve/${revision}/`)).length;
      const good = sameIds(ids, ref) && served > 0;
      ok &&= good;
      console.log(
        `model-host at revision ${revision} (${dtype}): ${served} requests served from the @revision folder, tokens ${good ? 'as expected' : 'DIFFER: FAIL'}`,
      );
    } finally {
      await host.close();
    }
  }
  rmSync(cacheDir, { recursive: true, force: true });
  console.log(ok ? 'PASS' : 'FAIL');
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
