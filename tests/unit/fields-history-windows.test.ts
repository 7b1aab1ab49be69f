import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lexicalAdapter } from '../../lib/fields/adapters/lexical';
import { proseMirrorAdapter } from '../../lib/fields/adapters/prosemirror';
import { quillAdapter } from '../../lib/fields/adapters/quill';

/**
 * Editors that merge changes made within a time window into one undo step: an insertion waits
 * out the editor's window after the writer's last edit, so one Ctrl+Z takes back only the
 * suggestion (#11). The windows are read from the editors' own sources, so a change there shows.
 */
const source = (path: string) => readFileSync(new URL(`../../node_modules/${path}`, import.meta.url), 'utf8');

describe('undo windows of editors that merge by time', () => {
  it('ProseMirror: longer than prosemirror-history’s default newGroupDelay', () => {
    const delay = Number(/newGroupDelay: config\.newGroupDelay \|\| (\d+)/.exec(source('prosemirror-history/dist/index.js'))![1]);
    expect(delay).toBe(500);
    expect(proseMirrorAdapter.historyMergeMs).toBeGreaterThan(delay);
  });

  it('Quill: longer than its history module’s default delay', () => {
    const delay = Number(/delay: (\d+)/.exec(source('quill/modules/history.js'))![1]);
    expect(delay).toBe(1000);
    expect(quillAdapter.historyMergeMs).toBeGreaterThan(delay);
  });

  it('Lexical: longer than the delay the fixture editor (like most apps) passes to registerHistory', () => {
    const delay = Number(/registerHistory\(editor, createEmptyHistoryState\(\), (\d+)\)/.exec(readFileSync(new URL('../fixtures/editors/src/lexical.ts', import.meta.url), 'utf8'))![1]);
    expect(lexicalAdapter.historyMergeMs).toBeGreaterThan(delay);
    expect(lexicalAdapter.historyMergeMs).toBeGreaterThanOrEqual(1000);
  });
});
