import { env, AutoTokenizer, AutoModelForCausalLM } from '@huggingface/transformers';
env.allowRemoteModels = false; env.allowLocalModels = true; env.localModelPath = '/tmp/tm-root/'; env.useFSCache = false;
const dtypes = (process.env.DT ?? 'fp32').split(',');
const prompts = ['Continue: The council met on Tuesday.', 'Hi', 'Rewrite this paragraph so it reads better: ' + 'The quick brown fox jumps over the lazy dog. '.repeat(8), 'Summarize: 日本語 and العربية 😀', 'What is two plus two?', 'Write a sentence about cats.'];
const tok = await AutoTokenizer.from_pretrained('ledgerline-test/tiny-chat');
for (const dtype of dtypes) {
  const model = await AutoModelForCausalLM.from_pretrained('ledgerline-test/tiny-chat', { dtype: dtype as any, device: 'cpu' });
  for (const p of prompts) {
    const inputs = tok.apply_chat_template([{ role: 'user', content: p }], { add_generation_prompt: true, return_dict: true }) as any;
    const t0 = performance.now();
    const out = await model.generate({ ...inputs, max_new_tokens: 48, do_sample: false }) as any;
    const ms = performance.now() - t0;
    const n = inputs.input_ids.dims[1];
    const ids = Array.from(out.tolist()[0] as bigint[]).slice(n).map(Number);
    console.log(dtype, inputs.input_ids.dims[1], ids.length, ms.toFixed(0)+'ms', JSON.stringify(tok.decode(ids, { skip_special_tokens: false })));
  }
  for (const seed of [1,2,3]) {
    const inputs = tok.apply_chat_template([{ role: 'user', content: prompts[0]! }], { add_generation_prompt: true, return_dict: true }) as any;
    const out = await model.generate({ ...inputs, max_new_tokens: 48, do_sample: true }) as any;
    const ids = Array.from(out.tolist()[0] as bigint[]).slice(inputs.input_ids.dims[1]).map(Number);
    console.log('sample', JSON.stringify(tok.decode(ids, { skip_special_tokens: false })));
  }
}
