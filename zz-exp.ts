import { startModelHost } from './scripts/model-host';
import { launchExtension, setSettings } from './tests/e2e/support/browser';
import { engineRequest, generateViaPort, openLab } from './tests/e2e/support/engine-helpers';
import { TINY_MODEL_ID, TINY_MODEL_ROOT } from './tests/support/tiny-model';
import { preparePrompt } from './lib/engine/prompts';
const host = await startModelHost({ root: TINY_MODEL_ROOT });
const b = await launchExtension();
await setSettings(b.worker, { modelHost: host.origin, modelId: TINY_MODEL_ID, variants: 1, maxNewTokens: 48 });
const lab = await openLab(b);
await engineRequest(lab, { type: 'engine.warmUp' });
const text = 'The city council met on Tuesday to discuss the new budget. The mayor said';
const prompt = preparePrompt({ action: 'continue', text, caret: text.length, selection: null });
const opts = { host: host.origin, modelId: TINY_MODEL_ID, revision: 'main', device: 'wasm', dtype: 'q8', messages: prompt.messages, maxNewTokens: 48, runs: 8 };
for (const fn of ['directRuns', 'engineCodeRuns', 'directRuns', 'engineCodeRuns']) {
  const r: any = await lab.evaluate(([fn, o]) => (globalThis as any).ledgerlineLab[fn](o), [fn, opts] as const);
  const totals = r.runs.slice(1).map((x: any) => x.totalMs).sort((a: number, b: number) => a - b);
  console.log(fn, 'median total', totals[3].toFixed(1), 'tokens', r.runs[1].tokens);
}
for (let i = 0; i < 6; i++) {
  await generateViaPort(lab, { requestId: 'x' + i, fieldKey: 'f', action: 'continue', text, selectionStart: text.length, selectionEnd: text.length, variants: 1 });
  const s = (await engineRequest(lab, { type: 'engine.stats' })).at(-1)!;
  console.log('sw gen', s.generateMs, 'tokens', s.tokens);
}
await b.close(); await host.close(); process.exit(0);
