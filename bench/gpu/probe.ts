/**
 * Which WebGPU adapter Chromium gets on this machine with the benchmark's GPU switches, and
 * Chromium's own GPU report (chrome://gpu) to tell why when there is none.
 *   npx tsx bench/gpu/probe.ts [--swiftshader]
 * Prints one JSON line (the adapter, or null) then the report's WebGPU, Vulkan and problem lines.
 */
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, extensionBrowserArgs } from '../../tests/e2e/support/browser';

const webgpu = process.argv.includes('--swiftshader') ? 'swiftshader' : 'gpu';
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: extensionBrowserArgs({ webgpu }) });
try {
  const page = await browser.newPage();
  await page.goto('chrome://gpu');
  const adapter = await page.evaluate(async () => {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ info: Record<string, string>; features: Set<string> } | null> } }).gpu;
    const a = await gpu?.requestAdapter();
    return a ? { vendor: a.info.vendor, architecture: a.info.architecture, description: a.info.description, shaderF16: a.features.has('shader-f16') } : null;
  });
  console.log(JSON.stringify({ adapter }));
  await page.waitForTimeout(2000); // the report fills in asynchronously
  // A string, not a function: tsx would add helpers the page does not have.
  const report = (await page.evaluate(`(() => {
    const texts = [];
    const walk = (node) => {
      if (node.shadowRoot) walk(node.shadowRoot);
      node.childNodes.forEach(walk);
      if (node.nodeType === Node.TEXT_NODE && !/^(STYLE|SCRIPT)$/.test(node.parentNode?.nodeName ?? '')) texts.push(node.textContent.trim());
    };
    walk(document);
    return texts;
  })()`)) as string[];
  const wanted = /webgpu|vulkan|dawn|VENDOR=|ANGLE \(|disabled|error|fail/i;
  const lines = report.flatMap((text) => text.split('\n')).filter((line) => line.length < 400 && wanted.test(line));
  console.log([...new Set(lines)].slice(0, 40).join('\n'));
} finally {
  await browser.close();
}
