import { describe, expect, it } from 'vitest';
import { isOwnExtensionSender, parseGenerateClientMessage, parseGenerateServerMessage, parseRequest } from '@/lib/messaging';

const acceptance = {
  document: { origin: 'https://cms.example', path: '/edit', fieldId: 'body' },
  pageTitle: 'Draft',
  action: 'continue',
  model: { id: 'org/model', revision: 'main', dtype: 'q8', backend: 'wasm' },
  suggestedAt: 1,
  acceptedAt: 2,
  originalText: null,
  suggestedText: 'A sentence.',
  insertedText: 'A sentence.',
};

describe('the protocol is validated at the receiver', () => {
  it('accepts well-formed requests', () => {
    expect(parseRequest({ type: 'ledger.record', acceptance })).not.toBeNull();
    expect(parseRequest({ type: 'engine.status' })).toEqual({ type: 'engine.status' });
  });

  it.each([
    ['an unknown type', { type: 'ledger.wipe' }],
    ['a missing field', { type: 'ledger.record', acceptance: { ...acceptance, insertedText: undefined } }],
    ['an unknown action', { type: 'ledger.record', acceptance: { ...acceptance, action: 'exfiltrate' } }],
    ['an empty insertion', { type: 'ledger.record', acceptance: { ...acceptance, insertedText: '' } }],
    ['a wrong backend', { type: 'ledger.record', acceptance: { ...acceptance, model: { ...acceptance.model, backend: 'cloud' } } }],
    ['not an object', 'ledger.summary'],
    ['null', null],
  ])('refuses %s', (_name, message) => {
    expect(parseRequest(message)).toBeNull();
  });

  it('validates generate-port messages both ways', () => {
    const request = { type: 'generate', requestId: 'r1', fieldKey: 'k', action: 'rephrase', text: 'Hi.', selectionStart: 0, selectionEnd: 3, variants: 3 };
    expect(parseGenerateClientMessage(request)).toEqual(request);
    expect(parseGenerateClientMessage({ ...request, variants: 50 })).toBeNull();
    expect(parseGenerateClientMessage({ ...request, selectionStart: -1 })).toBeNull();
    expect(parseGenerateServerMessage({ type: 'variant', requestId: 'r1', index: 0, text: 'x', final: false })).not.toBeNull();
    expect(parseGenerateServerMessage({ type: 'done', requestId: 'r1', variants: ['x'] })).toBeNull();
  });

  it('only this extension is a trusted sender', () => {
    expect(isOwnExtensionSender({ id: 'abc' }, 'abc')).toBe(true);
    expect(isOwnExtensionSender({ id: 'other' }, 'abc')).toBe(false);
    expect(isOwnExtensionSender({}, 'abc')).toBe(false);
    expect(isOwnExtensionSender(undefined, 'abc')).toBe(false);
  });
});
