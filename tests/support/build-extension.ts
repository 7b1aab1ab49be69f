import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real `wxt build` into a temporary folder (the tested build in .output stays as it is):
 * without LEDGERLINE_ENGINE_LAB it is what ships. Returns the Chromium build's folder.
 */
export function buildExtension(env: Record<string, string> = {}): { dir: string; remove(): void } {
  const outDir = mkdtempSync(join(tmpdir(), 'ledgerline-build-'));
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LEDGERLINE_OUT_DIR: outDir, ...env };
  if (!('LEDGERLINE_ENGINE_LAB' in env)) delete childEnv.LEDGERLINE_ENGINE_LAB;
  execFileSync('npx', ['wxt', 'build'], { stdio: 'pipe', env: childEnv });
  return { dir: join(outDir, 'chrome-mv3'), remove: () => rmSync(outDir, { recursive: true, force: true }) };
}
