/**
 * The test model's network built at another size (what bench/make-sized-model.ts does at
 * Qwen2.5-0.5B's size, here at a small one so the test stays fast): it must load and generate
 * through transformers.js like a hub export, with logits as wide as asked and the padded ids
 * never chosen.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, Tensor } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModelFiles, TINY_SHAPE, writeModelFiles, type ModelShape } from '../../scripts/make-tiny-model';
import { startModelHost, type ModelHost } from '../../scripts/model-host';
import { chatInputs, greedyTokens, TINY_MODEL_TOKENS, useModelHost } from '../support/tiny-model';

const SHAPE: ModelShape = {
  id: 'ledgerline-test/shape-check',
  graphName: 'shape_check',
  hidden: 96,
  heads: 6,
  headDim: 16,
  layers: 3,
  mlp: 192,
  outputVocab: 1000,
  q8Style: 'dynamic',
};
const TOKENIZER_SIZE = TINY_SHAPE.outputVocab; // 279: the tokenizer is the test model's

describe('the test network at another size', () => {
  let root: string;
  let host: ModelHost;
  let cacheDir: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ledgerline-shape-'));
    cacheDir = mkdtempSync(join(tmpdir(), 'ledgerline-shape-cache-'));
    writeModelFiles(join(root, SHAPE.id), buildModelFiles(SHAPE, { variants: ['q8', 'q4'], card: '# shape check\n' }));
    host = await startModelHost({ root });
    useModelHost(host.origin);
  });

  afterAll(async () => {
    await host.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it('writes the sizes into config.json and only the variants asked for', () => {
    const config = JSON.parse(readFileSync(join(root, SHAPE.id, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ n_embd: 96, n_head: 6, n_layer: 3, n_inner: 192, vocab_size: 1000, _name_or_path: SHAPE.id });
    expect(() => readFileSync(join(root, SHAPE.id, 'onnx/model.onnx'))).toThrow();
  });

  for (const dtype of ['q8', 'q4'] as const) {
    it(`generates tokenizer words with ${dtype}, logits ${SHAPE.outputVocab} wide, padded ids never chosen`, async () => {
      const common = { revision: 'main', cache_dir: cacheDir };
      const tokenizer = await AutoTokenizer.from_pretrained(SHAPE.id, common);
      const model = await AutoModelForCausalLM.from_pretrained(SHAPE.id, { ...common, device: 'cpu', dtype });
      try {
        const messages = [{ role: 'user' as const, content: 'Continue: The council met on Tuesday.' }];
        const inputs = chatInputs(tokenizer, messages);
        const { logits } = (await model(inputs)) as { logits: Tensor };
        expect(logits.dims).toEqual([1, inputs.input_ids.dims[1], SHAPE.outputVocab]);

        const tokens = await greedyTokens({ tokenizer, model }, messages, 60);
        expect(tokens.length).toBeGreaterThan(5);
        expect(tokens.every((id) => id < TOKENIZER_SIZE)).toBe(true);
        const text = tokenizer.decode(tokens, { skip_special_tokens: true });
        expect(text).toMatch(/^[a-z ,.]+$/);
        expect(tokens.at(-1) === TINY_MODEL_TOKENS.imEnd || tokens.length === 60).toBe(true);
      } finally {
        await model.dispose();
      }
    });
  }
});
