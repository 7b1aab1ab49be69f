// @vitest-environment happy-dom
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { h, render } from 'preact';
import { TextCredentialsCheck } from '../../components/TextCredentialsCheck';
import { embedCredentials } from '../../lib/c2pa/embed-text';
import { readText, type TextCredentialReading } from '../../lib/c2pa/manifest';
import { findWrapper, encodeWrapperPadded } from '../../lib/c2pa/text-wrapper';
import { backgroundSend } from '../support/credentials-send';
import { EDITOR, FERRY, STORY_TEXT, storyLedger, type StoryLedger } from '../support/report-fixtures';

/**
 * Reading a copied text back outside the extension: `npm run verify -- --text` (exit code and
 * lines) and the offline checker's view (props in, the DOM out), on the story's signed text, on
 * the same text with a word changed, and with a byte of its manifest changed.
 */
const run = promisify(execFile);
let story: StoryLedger;
let signed: string;
let dir: string;

beforeAll(async () => {
  story = await storyLedger('c2pa-readers');
  signed = (await embedCredentials(backgroundSend(story.ledger), story.documentKey, STORY_TEXT)).text;
  dir = await mkdtemp(join(tmpdir(), 'c2pa-readers-'));
});
afterAll(() => story.ledger.close());

const changedText = () => signed.replace(FERRY, FERRY.replace('Monday', 'Sunday'));
function brokenManifest(): string {
  const found = findWrapper(signed)!;
  const bytes = Uint8Array.from(found.manifest);
  const title = new TextEncoder().encode('Ferry timetable');
  const at = bytes.findIndex((_, i) => title.every((b, j) => bytes[i + j] === b));
  bytes[at] = bytes[at]! ^ 0x01;
  return signed.slice(0, found.start) + encodeWrapperPadded(bytes, found.lengthByte);
}

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', resolve('scripts/verify-report.ts'), ...args], { cwd: resolve('.') });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, out: e.stdout };
  }
}

describe('npm run verify -- --text', () => {
  it('verifies the signed text and shows actions, review and signer', async () => {
    const file = join(dir, 'signed.txt');
    await writeFile(file, signed, 'utf8');
    const { code, out } = await cli('--text', file);
    expect(code).toBe(0);
    expect(out).toMatch(/^VERIFIED/);
    expect(out).toContain('unchanged since it was signed');
    expect(out).toContain(`key ${(await story.ledger.publicKey()).keyId}`);
    expect(out).toMatch(/c2pa\.created compositeWithTrainedAlgorithmicMedia \(Ledgerline 0\.1\.0\)/);
    expect(out).toMatch(/c2pa\.edited trainedAlgorithmicMedia \(onnx-community\/Qwen2\.5-0\.5B-Instruct abc123\)/);
    expect(out).toMatch(/c2pa\.edited humanEdits/);
    expect(out).toContain(`${EDITOR.name} (${EDITOR.role})`);
    // Given the report too, it says whether the same key signed both.
    const report = join(dir, 'report.json');
    await writeFile(report, JSON.stringify(story.report), 'utf8');
    const both = await cli('--text', file, report);
    expect(both.code).toBe(0);
    expect(both.out).toContain('signed by the same key as the report');
  }, 60_000);

  it('says the text changed (exit 1) when a word was changed after copying', async () => {
    const file = join(dir, 'changed.txt');
    await writeFile(file, changedText(), 'utf8');
    const { code, out } = await cli('--text', file);
    expect(code).toBe(1);
    expect(out).toMatch(/^TEXT CHANGED/);
    expect(out).toContain('signature: valid');
  }, 60_000);

  it('says not verified when a byte of the manifest changed, and no credentials for plain text', async () => {
    const file = join(dir, 'broken.txt');
    await writeFile(file, brokenManifest(), 'utf8');
    const broken = await cli('--text', file, '--json');
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.out)).toMatchObject({ ok: false, verdict: 'NOT VERIFIED', signatureValid: false });
    const plain = join(dir, 'plain.txt');
    await writeFile(plain, STORY_TEXT, 'utf8');
    const none = await cli('--text', plain);
    expect(none.code).toBe(1);
    expect(none.out).toMatch(/^NO CREDENTIALS/);
  }, 60_000);
});

describe('offline checker: text view', () => {
  function draw(result: TextCredentialReading | null): HTMLElement {
    const root = document.createElement('div');
    render(h(TextCredentialsCheck, { result, checking: false, onCheck: () => undefined, headingLevel: 2 }), root);
    return root;
  }
  const state = (root: HTMLElement) => root.querySelector('[data-testid="text-check-result"]')?.getAttribute('data-state');
  const text = (root: HTMLElement, id: string) => root.querySelector(`[data-testid="${id}"]`)?.textContent ?? '';

  it('verified, changed, broken, none: each says so, with signer, actions and review', async () => {
    const ok = draw(await readText(signed));
    expect(state(ok)).toBe('verified');
    expect(ok.querySelector('[data-testid="text-check-verdict"]')?.getAttribute('role')).toBe('status');
    expect(text(ok, 'text-check-signer')).toContain('Ledgerline ledger key');
    expect(text(ok, 'text-check-actions')).toContain('compositeWithTrainedAlgorithmicMedia');
    expect(text(ok, 'text-check-review')).toContain(EDITOR.name);
    expect(state(draw(await readText(changedText())))).toBe('changed');
    const broken = draw(await readText(brokenManifest()));
    expect(state(broken)).toBe('broken');
    expect(text(broken, 'text-check-failures')).toContain('claimSignature.mismatch');
    expect(state(draw(await readText(STORY_TEXT)))).toBe('none');
  });
});
