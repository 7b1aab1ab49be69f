import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import { startModelHost } from '../../scripts/model-host';
import { TINY_MODEL_ID, TINY_MODEL_ROOT } from '../support/tiny-model';
import { askBackground, entriesBesidesTyping, launchExtension, runSuggestCommand, setSettings, type LaunchedExtension, openExtensionPage } from './support/browser';
import { startCmsServer } from './support/cms-server';
import { FINISHED_SENTENCE, waitForSuggestion } from './support/suggest';

/**
 * The honest record (#11) and hostile pages (#15), end to end with the built extension and the
 * tiny model, on a CMS-like post editor at /wp-admin/post.php?post=N&action=edit:
 * - a writer who types, pauses and tabs through the form: only deliberate acceptances are
 *   recorded (no single-line field opens on a pause; Tab on a panel that opened by itself moves on);
 * - an acceptance taken back at once (one Ctrl+Z, or deleting it) is recorded as withdrawn, and
 *   the audit and the report no longer count it;
 * - the page's own scripts cannot open, generate or accept (synthetic events, element.click());
 * - a field that turns into a password or payment field after focus gets nothing;
 * - what a content-script world (what a compromised renderer can send) may ask the background.
 */
const PAUSE_MS = 300;
/** Long enough for a pause to open the panel if it were going to (its generation takes ~0.1 s here). */
const QUIET_MS = PAUSE_MS + 1500;

describe('honest record on a CMS post editor (built extension, tiny model)', () => {
  let cms: Awaited<ReturnType<typeof startCmsServer>>;
  let origin: string;
  let host: Awaited<ReturnType<typeof startModelHost>>;
  let browser: LaunchedExtension;
  let page: Page;
  let ext: Page;

  beforeAll(async () => {
    cms = await startCmsServer();
    origin = cms.origin;
    host = await startModelHost({ root: TINY_MODEL_ROOT });
    browser = await launchExtension();
    await setSettings(browser.worker, { modelHost: host.origin, modelId: TINY_MODEL_ID, pauseDelayMs: PAUSE_MS, variants: 1 });
    ext = await openExtensionPage(browser);
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await cms?.close();
  });

  /** A request from an extension page (the audit page's view of the ledger). */
  const ask = (message: object) => askBackground(ext, message);
  /** Whether the chain verifies, and how many acceptances and withdrawals it holds. */
  const ledgerEntries = async () => ({
    ok: ((await ask({ type: 'audit.verify' })) as { result: { ok: boolean } }).result.ok,
    entries: (await entriesBesidesTyping(ext)).length,
  });
  const panelCount = () => page.getByTestId('suggestion-panel').count();
  const value = (selector: string) => page.locator(selector).inputValue();
  const activeId = () => page.evaluate(() => document.activeElement?.id ?? '');
  /** The ledger document of a post's body: the story is named by `post`, `action` is not. */
  const bodyKey = (post = 101) => `${origin}/wp-admin/post.php?post=${post}#content`;

  async function openPost(post: number): Promise<void> {
    await page.goto(`${origin}/wp-admin/post.php?post=${post}&action=edit`);
    await page.bringToFront();
  }

  /** Shortcut, suggestion, Tab: returns the field's text before and the suggestion. */
  async function acceptInBody(typed: string): Promise<{ before: string; suggestion: string }> {
    await page.locator('#content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(typed);
    const before = await value('#content');
    await runSuggestCommand(browser.worker);
    const suggestion = await waitForSuggestion(page);
    await expect.poll(() => page.getByTestId('panel-status').textContent()).toMatch(/Tab accepts/);
    expect(await page.locator('ledgerline-panel .keys').textContent()).toMatch(/^Tab: accept · /);
    await page.keyboard.press('Tab');
    await expect.poll(() => value('#content')).toBe(before + suggestion);
    return { before, suggestion };
  }

  it('a writer who types, pauses and tabs through the form: nothing is inserted, nothing recorded but their typing', async () => {
    await openPost(101);
    const start = (await ledgerEntries()).entries;
    const steps: [string, string, string][] = [
      ['#title', 'Council approves transit budget', 'standfirst'],
      ['#standfirst', 'The vote ends a decade of delay', 'content'],
      ['#content', FINISHED_SENTENCE, 'tags'],
      ['#tags', 'transit, council', 'post-search'],
      ['#post-search', 'budget', 'pin'],
    ];
    await page.locator('#title').click();
    for (const [selector, words, next] of steps) {
      const before = await value(selector);
      if (selector === '#content') await page.keyboard.press('Control+End');
      await page.keyboard.type(words);
      const typed = await value(selector);
      expect(typed).toBe(before + words);
      if (selector === '#content') {
        // The body is long-form: the pause after a finished sentence opens the panel and it shows a suggestion...
        await waitForSuggestion(page);
        await expect.poll(() => page.getByTestId('panel-status').textContent()).toMatch(/Tab keeps its usual meaning/);
        // The key hint says only what is true here: Tab does not accept, and Enter accepts only in the list.
        const hint = (await page.locator('ledgerline-panel .keys').textContent()) ?? '';
        expect(hint).toMatch(/^Alt\+↓: into the list, then ↑↓ and Enter · .*Tab keeps its page meaning/);
        expect(hint).not.toMatch(/Tab: accept|Tab or Enter/);
      } else {
        // ...single-line fields never open on a pause.
        await page.waitForTimeout(QUIET_MS);
        expect(await panelCount(), selector).toBe(0);
      }
      // ...and Tab moves on, inserting nothing.
      await page.keyboard.press('Tab');
      await expect.poll(activeId).toBe(next);
      expect(await value(selector), selector).toBe(typed);
      await expect.poll(panelCount).toBe(0);
    }
    expect(await ledgerEntries()).toEqual({ ok: true, entries: start });
    // What they typed in the body is theirs in the audit; the text already there stays unseen.
    const kindOf = async (sentence: string) => {
      const { attribution } = (await ask({ type: 'audit.attribute', text: await value('#content'), documentKey: bodyKey() })) as {
        attribution: { sentences: { text: string; kind: string }[] };
      };
      return attribution.sentences.find((s) => s.text.includes(sentence))?.kind;
    };
    await expect.poll(() => kindOf(FINISHED_SENTENCE.trim())).toBe('typed');
    expect(await kindOf('Residents packed the hall')).toBe('not-logged');
  });

  it('accepted with the shortcut and Tab, then one Ctrl+Z: withdrawn in the record, not counted by the audit or the report', async () => {
    await openPost(101);
    const start = (await ledgerEntries()).entries;
    const { before, suggestion } = await acceptInBody(' The mayor spoke first.');
    await expect.poll(async () => (await ledgerEntries()).entries).toBe(start + 1);
    const accepted = await ask({ type: 'audit.attribute', text: before + suggestion, documentKey: bodyKey() });
    const aiBefore = (accepted as { attribution: { figures: { aiSentences: number } } }).attribution.figures.aiSentences;
    expect(aiBefore).toBeGreaterThan(0);

    await page.keyboard.press('Control+z');
    await expect.poll(() => value('#content')).toBe(before);
    // The withdrawal is its own entry; the chain still verifies.
    await expect.poll(async () => (await ledgerEntries()).entries).toBe(start + 2);
    expect((await ledgerEntries()).ok).toBe(true);
    const after = (await ask({ type: 'audit.attribute', text: before + suggestion, documentKey: bodyKey() })) as {
      attribution: { figures: { aiSentences: number } };
    };
    expect(after.attribution.figures.aiSentences).toBe(0);
    const report = (await ask({ type: 'audit.report', documentKey: bodyKey(), text: before })) as {
      statement: string;
      files: { json: { content: string } };
    };
    expect(report.statement).toMatch(/taken back by the writer right after accepting/);
    const json = JSON.parse(report.files.json.content) as { summary: { withdrawn: { reason: string }[] } };
    expect(json.summary.withdrawn.map((w) => w.reason)).toContain('undone');
    // An undo is not the writer typing: no panel opens after it.
    await page.waitForTimeout(QUIET_MS);
    expect(await panelCount()).toBe(0);
  });

  it('deleting the inserted text before moving on withdraws it too', async () => {
    await openPost(101);
    const start = (await ledgerEntries()).entries;
    const { before, suggestion } = await acceptInBody(' Then the vote.');
    await expect.poll(async () => (await ledgerEntries()).entries).toBe(start + 1);
    await page.locator('#content').evaluate((el: HTMLTextAreaElement, from: number) => el.setSelectionRange(from, el.value.length), before.length);
    await page.keyboard.press('Backspace');
    await expect.poll(() => value('#content')).toBe(before);
    await expect.poll(async () => (await ledgerEntries()).entries).toBe(start + 2);
    const json = JSON.parse(((await ask({ type: 'audit.report', documentKey: bodyKey(), text: before + suggestion })) as { files: { json: { content: string } } }).files.json.content) as {
      summary: { withdrawn: { reason: string }[] };
      text: { sentences: { category: string }[] };
    };
    expect(json.summary.withdrawn.map((w) => w.reason)).toContain('deleted');
    expect(json.text.sentences.filter((s) => s.category !== 'not-logged').length).toBe(0);
  });

  it("the page's own scripts cannot open the panel, generate or accept", async () => {
    await openPost(101);
    const start = (await ledgerEntries()).entries;
    // Synthetic focus and typing, five rounds: nothing opens.
    await page.evaluate(async () => {
      const body = document.getElementById('content') as HTMLTextAreaElement;
      for (let round = 0; round < 5; round++) {
        body.dispatchEvent(new FocusEvent('focusin', { bubbles: true, composed: true }));
        body.value += ` Injected ${round}.`;
        body.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertText', data: '.' }));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    });
    await page.waitForTimeout(QUIET_MS);
    expect(await panelCount()).toBe(0);

    // The writer opens the panel; the page tries every accept path on it, hidden.
    await page.locator('#content').click();
    await page.keyboard.press('Control+End');
    const before = await value('#content');
    await runSuggestCommand(browser.worker);
    await waitForSuggestion(page);
    await page.evaluate(() => {
      const body = document.getElementById('content')!;
      const panel = document.querySelector('ledgerline-panel');
      (panel as HTMLElement | null)?.style.setProperty('opacity', '0', 'important');
      for (const init of [{ key: 'Tab' }, { key: 'ArrowRight', altKey: true }, { key: 'Enter' }]) {
        body.dispatchEvent(new KeyboardEvent('keydown', { ...init, bubbles: true, composed: true, cancelable: true }));
      }
      const root = panel?.shadowRoot;
      root?.querySelectorAll<HTMLElement>('[data-testid="accept-variant"], [data-testid="variant-sentence"], .action').forEach((el) => el.click());
    });
    await page.waitForTimeout(QUIET_MS);
    expect(await value('#content')).toBe(before);
    expect((await ledgerEntries()).entries).toBe(start);
    // The writer's own Tab still accepts.
    await expect.poll(panelCount).toBe(1);
    await page.keyboard.press('Tab');
    await expect.poll(() => value('#content')).not.toBe(before);
    await expect.poll(async () => (await ledgerEntries()).entries).toBe(start + 1);
  });

  it("a page that overrides the DOM's prototypes, floods events and removes the panel: the writer's own keys still work", async () => {
    await openPost(505);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.evaluate(() => {
      // The main world's prototypes: the content script's isolated world has its own.
      Element.prototype.attachShadow = () => {
        throw new Error('no shadow roots here');
      };
      const dispatch = EventTarget.prototype.dispatchEvent;
      EventTarget.prototype.dispatchEvent = function (event: Event) {
        return dispatch.call(this, event);
      };
      (window as unknown as { KeyboardEvent: unknown }).KeyboardEvent = function () {
        throw new Error('no keys');
      };
      const body = document.getElementById('content')!;
      for (let i = 0; i < 2000; i++) {
        body.dispatchEvent(new FocusEvent(i % 2 ? 'focusin' : 'focusout', { bubbles: true, composed: true }));
        body.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
      }
      // The panel's host is taken out of the page the first time it appears.
      new MutationObserver((_records, observer) => {
        const host = document.querySelector('ledgerline-panel');
        if (!host) return;
        host.remove();
        (window as unknown as { panelRemoved: boolean }).panelRemoved = true;
        observer.disconnect();
      }).observe(document.documentElement, { childList: true });
    });
    await page.locator('#content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' The writer types on.');
    expect(await value('#content')).toMatch(/The writer types on\.$/);
    const before = await value('#content');
    await runSuggestCommand(browser.worker);
    // The panel comes back with the streamed suggestion, and the writer's Tab accepts it.
    const suggestion = await waitForSuggestion(page);
    await page.keyboard.press('Tab');
    await expect.poll(() => value('#content')).toBe(before + suggestion);
    expect(await page.evaluate(() => (window as unknown as { panelRemoved?: boolean }).panelRemoved)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('a field that turns into a password or payment field after focus gets nothing', async () => {
    await openPost(101);
    for (const selector of ['#pin', '#card']) {
      await page.locator(selector).click();
      await page.keyboard.type('4242 4242 4242');
      await runSuggestCommand(browser.worker);
      await page.waitForTimeout(QUIET_MS);
      expect(await panelCount(), selector).toBe(0);
    }
    expect(await page.locator('#pin').getAttribute('type')).toBe('password');
  });

  it('each story is its own document: two posts in one tab keep their own records', async () => {
    await openPost(303);
    const first = await acceptInBody(' The first story ends here.');
    await openPost(404);
    await acceptInBody(' The second story ends here.');
    const documents = ((await ask({ type: 'audit.documents' })) as { documents: { key: string }[] }).documents.map((d) => d.key);
    expect(documents).toEqual(expect.arrayContaining([bodyKey(303), bodyKey(404)]));
    // The second story's report holds nothing of the first.
    const report = (await ask({ type: 'audit.report', documentKey: bodyKey(404), text: null })) as { files: { json: { content: string } } };
    const json = JSON.parse(report.files.json.content) as { summary: { entries: number }; chain: { entries: { documentKey?: string; insertedText?: string | null }[] } };
    expect(json.summary.entries).toBe(1);
    const texts = json.chain.entries.flatMap((e) => (e.insertedText ? [e.insertedText] : []));
    expect(texts.join(' ')).not.toContain(first.suggestion.trim());
    // The popup names the document the focused field is filed under.
    await ext.reload();
    await expect.poll(() => ext.getByTestId('field-document').locator('code').textContent()).toBe(bodyKey(404));
    await page.bringToFront();
  });

  it('a content-script world gets only what a content script needs, for its own page', async () => {
    await openPost(202);
    const cdp = await page.context().newCDPSession(page);
    const contexts: { id: number; origin: string; auxData?: { type?: string; isDefault?: boolean } }[] = [];
    cdp.on('Runtime.executionContextCreated', ({ context }) => contexts.push(context));
    await cdp.send('Runtime.enable');
    const extensionOrigin = `chrome-extension://${browser.extensionId}`;
    await expect.poll(() => contexts.some((c) => c.auxData?.type === 'isolated' && c.origin === extensionOrigin)).toBe(true);
    const world = contexts.find((c) => c.auxData?.type === 'isolated' && c.origin === extensionOrigin)!;
    const fromContentScript = (message: object) => sendFrom(cdp, world.id, message);

    const entries = (await ledgerEntries()).entries;
    const backup = (await ask({ type: 'audit.backup' })) as { file: { content: string } };
    for (const message of [
      { type: 'audit.backup' },
      { type: 'audit.restore', backup: backup.file.content, replace: true },
      { type: 'audit.documents' },
      { type: 'audit.report', documentKey: bodyKey(), text: null },
      { type: 'audit.prune', retentionDays: 1 },
      { type: 'ledger.summary', limit: 10 },
      { type: 'engine.deleteModel', modelId: TINY_MODEL_ID },
      // Another site's document.
      { type: 'audit.attribute', text: 'The mayor spoke first.', documentKey: 'https://elsewhere.example/compose#body' },
    ]) {
      expect(await fromContentScript(message), message.type).toMatchObject({ ok: false, code: 'forbidden' });
    }
    // Its own page's field is answered.
    expect(await fromContentScript({ type: 'audit.attribute', text: 'Typed here.', documentKey: bodyKey(202) })).toMatchObject({ ok: true });
    expect(await ledgerEntries()).toEqual(expect.objectContaining({ ok: true, entries }));
    await cdp.detach();
  });
});

/** Sends a runtime message from an execution context (the extension's isolated world in the page). */
async function sendFrom(cdp: CDPSession, contextId: number, message: object): Promise<unknown> {
  const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', {
    contextId,
    expression: `chrome.runtime.sendMessage(${JSON.stringify(message)})`,
    awaitPromise: true,
    returnByValue: true,
  });
  if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
  return result.value;
}
