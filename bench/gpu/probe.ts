/**
 * Which WebGPU adapter headless Chromium gets on this machine, for several sets of GPU switches
 * (drivers differ in what they need). The first set runs with Dawn, WebGPU and Vulkan logging:
 * run with DEBUG=pw:browser to see Chromium's log (bench/gpu/run.sh keeps the relevant lines).
 *   npx tsx bench/gpu/probe.ts [--swiftshader]
 * PROBE_REPORT=FILE writes the first set's chrome://gpu report there, as text.
 * Prints one JSON line per set ({ args, adapter, compatibilityAdapter }); the last line,
 * `LEDGERLINE_WEBGPU_ARGS=...`, is the first set that got a GPU adapter (for the bench).
 */
import { writeFile } from 'node:fs/promises';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_PATH, extensionBrowserArgs, gpuWebgpuArgs } from '../../tests/e2e/support/browser';

const base = gpuWebgpuArgs();
const CANDIDATES: string[][] = process.argv.includes('--swiftshader')
  ? [['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan']]
  : [
      [...base, '--enable-webgpu-developer-features'],
      [...base, '--use-vulkan=native'],
      [...base, '--use-webgpu-power-preference=default-high-performance'],
      ['--enable-unsafe-webgpu', '--enable-features=Vulkan,SkiaGraphite', '--use-angle=vulkan', '--disable-vulkan-surface', '--ignore-gpu-blocklist'],
      [...base, '--enable-dawn-features=allow_unsafe_apis', '--disable-dawn-features=adapter_blocklist'],
      ['--enable-unsafe-webgpu', '--ignore-gpu-blocklist', '--use-gl=angle', '--use-angle=gl-egl'],
    ];
const LOG_ARGS = ['--enable-logging=stderr', '--v=0', '--vmodule=*dawn*=2,*webgpu*=2,*vulkan*=2,*gpu_init*=1'];

/** Runs in the page: the default adapter and the compatibility-mode one, in words. */
const REQUEST_ADAPTERS = `(async () => {
  const describe = (a) => a ? { vendor: a.info.vendor, architecture: a.info.architecture, description: a.info.description, shaderF16: a.features.has('shader-f16') } : null;
  // With --enable-webgpu-developer-features Chromium adds the backend, driver and adapter type to info.
  const details = (a) => a ? { info: Object.fromEntries(Object.keys(Object.getPrototypeOf(a.info)).map((k) => [k, String(a.info[k])])), features: [...a.features].sort(), isCompatibilityMode: a.featureLevel } : null;
  const gpu = navigator.gpu;
  if (!gpu) return { adapter: null, compatibilityAdapter: null, note: 'no navigator.gpu' };
  const compatibility = await gpu.requestAdapter({ featureLevel: 'compatibility' });
  return { adapter: describe(await gpu.requestAdapter()), compatibilityAdapter: describe(compatibility), compatibilityDetails: details(compatibility) };
})()`;

/** chrome://gpu as text (it fills in asynchronously; its sections sit in shadow roots). */
async function gpuReport(page: Page): Promise<string> {
  await page.waitForTimeout(2000);
  // A string, not a function: tsx would add helpers the page does not have.
  return (await page.evaluate(`(() => {
    const texts = [];
    const walk = (node) => {
      if (node.shadowRoot) walk(node.shadowRoot);
      node.childNodes.forEach(walk);
      if (node.nodeType === Node.TEXT_NODE && !/^(STYLE|SCRIPT)$/.test(node.parentNode?.nodeName ?? '')) texts.push(node.textContent.trim());
    };
    walk(document);
    return texts.filter(Boolean).join('\\n');
  })()`)) as string;
}

let working: string[] | null = null;
for (const [index, webgpuArgs] of CANDIDATES.entries()) {
  const withoutWebgpu = extensionBrowserArgs({});
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...withoutWebgpu, ...webgpuArgs, ...(index === 0 ? LOG_ARGS : [])],
  });
  try {
    const page = await browser.newPage();
    await page.goto('chrome://gpu');
    const result = (await page.evaluate(REQUEST_ADAPTERS)) as { adapter: { architecture?: string } | null };
    console.log(JSON.stringify({ args: webgpuArgs.join(' '), ...result }));
    if (index === 0 && process.env.PROBE_REPORT) await writeFile(process.env.PROBE_REPORT, await gpuReport(page));
    if (!working && result.adapter && !/swiftshader/i.test(JSON.stringify(result.adapter))) working = webgpuArgs;
  } catch (error) {
    console.log(JSON.stringify({ args: webgpuArgs.join(' '), error: error instanceof Error ? error.message.split('\n')[0] : String(error) }));
  } finally {
    await browser.close();
  }
}
console.log(working ? `LEDGERLINE_WEBGPU_ARGS=${working.join(' ')}` : 'no set of switches got a GPU adapter');
