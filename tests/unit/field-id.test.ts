// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { fieldIdOf } from '../../lib/fields';

function target(markup: string): HTMLElement {
  document.body.innerHTML = markup;
  return document.body.querySelector('[data-target]') as HTMLElement;
}

describe('fieldIdOf', () => {
  it('keeps the id and [name=…] forms existing ledger documents are keyed by', () => {
    expect(fieldIdOf(target('<textarea data-target id="content" name="body"></textarea>'))).toBe('content');
    expect(fieldIdOf(target('<textarea data-target name="body" aria-label="Body"></textarea>'))).toBe('[name=body]');
    expect(fieldIdOf(target('<div><p></p><div><textarea data-target></textarea></div></div>'))).toBe('div:0>div:1>textarea:0');
  });

  it('prefers attributes that name the field over its position', () => {
    const cases: [string, string][] = [
      ['<div><div contenteditable data-target data-testid="story-body" aria-label="Story"></div></div>', '[data-testid=story-body]'],
      ['<div><textarea data-target data-field="summary" placeholder="Summary"></textarea></div>', '[data-field=summary]'],
      ['<div><textarea data-target data-name="dek"></textarea></div>', '[data-name=dek]'],
      ['<div><textarea data-target data-id="body-7"></textarea></div>', '[data-id=body-7]'],
      ['<div><div contenteditable data-target aria-label="Add title" placeholder="Title"></div></div>', '[aria-label=Add title]'],
      ['<div><textarea data-target placeholder="Write your story"></textarea></div>', '[placeholder=Write your story]'],
    ];
    for (const [markup, id] of cases) expect(fieldIdOf(target(markup)), markup).toBe(id);
  });

  it('does not name a field by the id it gets anew on every load', () => {
    const uuid = '3f2b1c4d-0a1b-4c2d-9e8f-0123456789ab';
    const block = `<div><p></p><p data-target contenteditable id="block-${uuid}" data-block="${uuid}" aria-label="Block: Paragraph"></p></div>`;
    expect(fieldIdOf(target(block)), 'a WordPress block: its label flips when it empties').toBe('div:0>p:1');
    for (const id of [':r1:', ':R2d6:', '«r3»', '_r_4_', 'ember1234']) {
      expect(fieldIdOf(target(`<div><textarea data-target id="${id}" data-testid="body"></textarea></div>`)), id).toBe('[data-testid=body]');
    }
    expect(fieldIdOf(target(`<div><textarea data-target data-id="${uuid}"></textarea></div>`)), 'a record id').toBe(`[data-id=${uuid}]`);
  });

  it('names a field in a shadow root within its host, host ids joined', () => {
    document.body.innerHTML = '<my-editor id="my-editor"></my-editor>';
    const outer = document.getElementById('my-editor')!.attachShadow({ mode: 'open' });
    outer.innerHTML = '<inner-box name="inner"></inner-box><textarea id="textarea"></textarea>';
    expect(fieldIdOf(outer.querySelector('textarea')!)).toBe('my-editor>>>textarea');
    const inner = outer.querySelector('inner-box')!.attachShadow({ mode: 'open' });
    inner.innerHTML = '<div><div contenteditable></div></div>';
    expect(fieldIdOf(inner.querySelector('[contenteditable]')!)).toBe('my-editor>>>[name=inner]>>>div:0>div:0');
  });

  it('names a field in a reachable frame within its frame element', () => {
    // happy-dom loads no frames: a document whose window reports its frame element stands in.
    const iframe = document.createElement('iframe');
    iframe.id = 'content_ifr';
    const frameDocument = document.implementation.createHTMLDocument('');
    Object.defineProperty(frameDocument, 'defaultView', { value: { frameElement: iframe } });
    frameDocument.body.id = 'tinymce';
    expect(fieldIdOf(frameDocument.body)).toBe('content_ifr>>>tinymce');
  });

  it('stays within the message schema limit of 512', () => {
    expect(fieldIdOf(target(`<textarea data-target aria-label="${'x'.repeat(2000)}"></textarea>`))).toHaveLength(512);
    const deep = `${'<div>'.repeat(200)}<textarea data-target></textarea>${'</div>'.repeat(200)}`;
    expect(fieldIdOf(target(deep)).length).toBeLessThanOrEqual(512);
  });
});
