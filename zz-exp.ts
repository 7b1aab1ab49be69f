import { startModelHost } from './scripts/model-host';
import { launchExtension, setSettings } from './tests/e2e/support/browser';
import { engineRequest, generateViaPort, openLab } from './tests/e2e/support/engine-helpers';
import { TINY_MODEL_ID, TINY_MODEL_ROOT } from './tests/support/tiny-model';
const host = await startModelHost({ root: TINY_MODEL_ROOT });
const b = await launchExtension();
await setSettings(b.worker, { modelHost: host.origin, modelId: TINY_MODEL_ID, variants: 1, maxNewTokens: 48 });
const lab = await openLab(b);
await engineRequest(lab, { type: 'engine.warmUp' });
const text = 'The city council met on Tuesday to discuss the new budget. The mayor said';
for (let i = 0; i < 6; i++) {
  const t0 = Date.now();
  const r = await generateViaPort(lab, { requestId: 'x' + i, fieldKey: 'f', action: 'continue', text, selectionStart: text.length, selectionEnd: text.length, variants: 1 });
  const s = (await engineRequest(lab, { type: 'engine.stats' })).at(-1)!;
  console.log('port', Date.now() - t0, 'ms', JSON.stringify({ first: s.firstTokenMs, gen: s.generateMs, tokens: s.tokens, msgs: r.messages.length }));
}
await b.close(); await host.close(); process.exit(0);
