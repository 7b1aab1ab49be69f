// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { contentEditableAdapter } from '../../lib/fields/adapters/contenteditable';
import { slateAdapter } from '../../lib/fields/adapters/slate';
import { textControlAdapter } from '../../lib/fields/adapters/text-control';
import { UNKNOWN_EDITOR_MERGE_MS } from '../../lib/fields/insert-methods';

/**
 * Editors we do not know may keep their own undo history and take a step on a word-boundary key
 * (space, Enter, Backspace): before inserting, the generic adapters send such a key, so the
 * writer's last words are a step of their own and one undo takes back only the insertion.
 */

afterEach(() => {
  (document as { execCommand?: unknown }).execCommand = undefined;
  document.body.replaceChildren();
});

/** What a step-on-keys page would record: the field's text at each space keydown, and each input. */
function recordSteps(field: HTMLElement, read: () => string): string[] {
  const log: string[] = [];
  field.addEventListener('keydown', (event) => {
    if (event.key === ' ') log.push(`step at "${read()}"`);
  });
  field.addEventListener('input', () => log.push(`input "${read()}"`));
  return log;
}

describe('generic adapters end the writer pending undo step before inserting', () => {
  it('contenteditable: a space keydown with the writer text, then the insertion', async () => {
    document.body.innerHTML = '<div contenteditable="true">The mayor spoke</div>';
    const root = document.body.firstElementChild as HTMLElement;
    const log = recordSteps(root, () => root.textContent ?? '');
    // No execCommand here (happy-dom): the insertion falls through to the DOM method.
    const outcome = await contentEditableAdapter.replace(root, 15, 15, ' first.');
    expect(outcome).toEqual({ ok: true, method: 'dom' });
    expect(log).toEqual(['step at "The mayor spoke"', 'input "The mayor spoke first."']);
  });

  it('textarea: a space keydown with the writer text, then the insertion', async () => {
    document.body.innerHTML = '<textarea>The mayor spoke</textarea>';
    const textarea = document.querySelector('textarea')!;
    const log = recordSteps(textarea, () => textarea.value);
    const outcome = await textControlAdapter.replace(textarea, 15, 15, ' first.');
    expect(outcome.ok).toBe(true);
    expect(log).toEqual(['step at "The mayor spoke"', 'input "The mayor spoke first."']);
  });

  it('a page that types on the key itself: nothing is inserted and the reason is given', async () => {
    document.body.innerHTML = '<textarea>The mayor spoke</textarea>';
    const textarea = document.querySelector('textarea')!;
    textarea.addEventListener('keydown', (event) => {
      if (event.key !== ' ') return;
      event.preventDefault();
      textarea.value += ' ';
    });
    const outcome = await textControlAdapter.replace(textarea, 15, 15, ' first.');
    expect(outcome).toEqual({ ok: false, reason: expect.stringMatching(/word-boundary key/) });
    expect(textarea.value).toBe('The mayor spoke ');
  });

  it('a single-line input gets no key: tag fields there turn the word before a space into a tag', async () => {
    document.body.innerHTML = '<input type="text" value="transit">';
    const input = document.querySelector('input')!;
    const keys: string[] = [];
    input.addEventListener('keydown', (event) => keys.push(event.key));
    expect((await textControlAdapter.replace(input, 7, 7, ', budget')).ok).toBe(true);
    expect(keys).toEqual([]);
    expect(input.value).toBe('transit, budget');
  });

  it('known editors get no extra key (their own history is handled per editor)', async () => {
    document.body.innerHTML = '<div contenteditable="true" data-slate-editor="true">The mayor</div>';
    const root = document.body.firstElementChild as HTMLElement;
    const keys: string[] = [];
    root.addEventListener('keydown', (event) => keys.push(event.key));
    root.addEventListener('beforeinput', (event) => event.preventDefault());
    await slateAdapter.replace(root, 9, 9, ' said no.');
    expect(keys).toEqual([]);
  });

  it('generic adapters ask for the unknown editors merge window to pass; known ones do not', () => {
    expect(contentEditableAdapter.historyMergeMs).toBe(UNKNOWN_EDITOR_MERGE_MS);
    expect(textControlAdapter.historyMergeMs).toBe(UNKNOWN_EDITOR_MERGE_MS);
    expect(slateAdapter.historyMergeMs).toBeUndefined();
  });
});
