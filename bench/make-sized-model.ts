/**
 * Builds a benchmark stand-in: the test model's network (scripts/make-tiny-model.ts) at the
 * size of the catalogue's default model, Qwen2.5-0.5B-Instruct, with random weights. Its
 * purpose is speed figures where the real weights cannot be downloaded: a forward pass costs
 * what the real model's does (same hidden size, depth and matrix sizes, logits as wide), while
 * the tokenizer and the text that comes out are the test model's.
 *
 *   npx tsx bench/make-sized-model.ts [rootDir] [--variants q8,q4,q4f16]
 *   (default rootDir: bench/models; the folder is <rootDir>/ledgerline-bench/qwen2.5-0.5b-size)
 *   then: npx tsx bench/engine.ts --model <that folder>
 *
 * Sizes. Qwen2.5-0.5B: hidden 896, 24 layers, 14 query heads of 64 (2 key/value heads), SwiGLU
 * MLP 3 × 896 × 4864, logits 151,936 wide. The stand-in is GPT-2-shaped: full multi-head
 * attention (14 heads of 64, so its KV cache is 7× larger) and a two-matrix MLP of 7,296
 * (2 × 7,296 = 3 × 4,864, the same multiply-adds per token). Its token embedding has only the
 * test vocabulary's rows: a lookup costs the same, the file is ~130 MB smaller than a real export.
 * Not built: fp32 (over the 2 GB protobuf limit at this size).
 */
import { join, resolve } from 'node:path';
import { buildModelFiles, writeModelFiles, type ModelShape, type Variant } from '../scripts/make-tiny-model';

export const SIZED_SHAPE: ModelShape = {
  id: 'ledgerline-bench/qwen2.5-0.5b-size',
  graphName: 'sized_standin',
  hidden: 896,
  heads: 14,
  headDim: 64,
  layers: 24,
  mlp: 7296,
  outputVocab: 151_936,
  q8Style: 'dynamic',
};

const BUILDABLE: readonly Variant[] = ['q8', 'q4', 'q4f16'];

function card(variants: readonly Variant[]): string {
  const s = SIZED_SHAPE;
  return `# ${s.id}

A benchmark stand-in built by \`bench/make-sized-model.ts\`, not a language model: the
network of Ledgerline's test model (GPT-2 I/O, random weights from a fixed seed) at the size
of Qwen2.5-0.5B-Instruct: ${s.layers} layers, ${s.heads} heads of ${s.headDim}, hidden ${s.hidden},
MLP ${s.mlp}, logits ${s.outputVocab} wide. It costs per token what that model costs; its text
is the test model's pseudo-words. dtypes built: ${variants.join(', ')}.
`;
}

function main(): void {
  const argv = process.argv.slice(2);
  const flag = argv.indexOf('--variants');
  const variants = (flag >= 0 ? argv[flag + 1]! : BUILDABLE.join(',')).split(',') as Variant[];
  const unknown = variants.filter((v) => !BUILDABLE.includes(v));
  if (unknown.length > 0) throw new Error(`--variants: ${unknown.join(', ')} cannot be built at this size (choose from ${BUILDABLE.join(', ')})`);
  const positional = argv.filter((a, i) => !a.startsWith('--') && (flag < 0 || i !== flag + 1));
  const folder = join(resolve(positional[0] ?? 'bench/models'), SIZED_SHAPE.id);
  const started = Date.now();
  const written = writeModelFiles(folder, buildModelFiles(SIZED_SHAPE, { variants, card: card(variants) }));
  console.log(`${folder}: ${written.join(', ')} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

main();
