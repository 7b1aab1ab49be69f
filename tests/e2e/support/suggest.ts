import { expect } from 'vitest';
import type { Frame, Page } from 'playwright-core';

/**
 * A sentence as a writer finishes one: more new words than the opening rule asks for by default
 * (lib/fields/opening-rule.ts), ending in a full stop, so a pause after it opens the panel.
 */
export const FINISHED_SENTENCE =
  ' The council voted on Tuesday to delay the budget until the spring, after residents filled the hall to ask why the bus routes were being cut again.';

/** Waits for the panel in `frame` to offer an acceptable suggestion and returns its text. */
export async function waitForSuggestion(frame: Frame | Page, timeout = 60_000): Promise<string> {
  const accept = frame.getByTestId('accept-variant').first();
  const error = frame.getByTestId('panel-error');
  // An error in the panel fails at once, with what the writer would read, not after the timeout.
  await accept.or(error).first().waitFor({ state: 'visible', timeout });
  if (!(await accept.isVisible())) throw new Error(`the panel shows an error, not a suggestion: ${await error.textContent()}`);
  // A rewrite is shown as an inline diff: the suggested text is everything but the deletions.
  return frame
    .getByTestId('suggestion-variant')
    .first()
    .locator('.text')
    .evaluate((element) => {
      const copy = element.cloneNode(true) as HTMLElement;
      copy.querySelectorAll('del').forEach((deleted) => deleted.remove());
      return copy.textContent ?? '';
    });
}

/** Model text as the assertions compare it: NBSP as space, one "\n" between blocks. */
export function norm(text: string): string {
  return text.replace(/\u00a0/g, ' ').replace(/\n+/g, '\n').replace(/\n$/, '');
}

/** `before` with `inserted` put right after the (unique) `marker`. */
export function insertedAfter(before: string, marker: string, inserted: string): string {
  const at = before.indexOf(marker);
  if (at < 0 || before.indexOf(marker, at + 1) >= 0) throw new Error(`marker ${JSON.stringify(marker)} is not unique in ${JSON.stringify(before)}`);
  const end = at + marker.length;
  return norm(before.slice(0, end) + inserted + before.slice(end));
}

/**
 * Accepts the selected variant the way a writer does on a panel that opened on a pause, where
 * Tab keeps its page meaning: Alt+↓ into the list, then Enter on the selected variant.
 */
export async function acceptFromList(page: Page): Promise<void> {
  await moveIntoList(page);
  await page.keyboard.press('Enter');
}

/**
 * Alt+↓ from the field, then the focus lands on a variant's Accept, as the writer sees it land
 * before the next key (on a loaded machine, a key pressed at once still reaches the field).
 */
export async function moveIntoList(page: Page): Promise<void> {
  await page.keyboard.press('Alt+ArrowDown');
  const focused = () => page.getByTestId('accept-variant').evaluateAll((buttons) => buttons.some((button) => button.matches(':focus')));
  await expect.poll(focused).toBe(true);
}
