import { describe, expect, it } from 'vitest';
import vectors from '../fixtures/c2pa-text-vectors.json';
import {
  embedManifest,
  encodeWrapper,
  encodeWrapperPadded,
  extractManifest,
  findWrapper,
  stripWrapper,
  worstCaseWrapperByteLength,
  WrapperError,
} from '../../lib/c2pa/text-wrapper';

/**
 * Our A.8 wrapper against the Python reference `c2pa-text` 3.0.0: the fixture is its output
 * (scripts/c2pa-text-vectors.py). Our encoder must produce exactly the reference's strings and
 * our decoder must read the reference's texts to the same bytes and offsets.
 */
const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));
const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

describe('C2PA text wrapper vs c2pa-text 3.0.0', () => {
  it('was made by the reference version we test against', () => {
    expect(vectors.reference).toBe('c2pa-text 3.0.0');
    expect(vectors.embed.length).toBeGreaterThan(30);
  });

  it('encodes every vector exactly as the reference (wrapper and embedded text)', () => {
    for (const v of vectors.embed) {
      const manifest = hex(v.manifestHex);
      expect(encodeWrapper(manifest)).toBe(v.wrapper);
      expect(embedManifest(v.text, manifest)).toBe(v.wrapped);
    }
  });

  it('pads to the reference worst case and extra lengths exactly', () => {
    for (const v of vectors.padded) {
      const manifest = hex(v.manifestHex);
      expect(worstCaseWrapperByteLength(manifest.length)).toBe(v.worstCase);
      const padded = encodeWrapperPadded(manifest, v.target);
      expect(padded).toBe(v.wrapper);
      expect(new TextEncoder().encode(padded).length).toBe(v.target);
      // Padding after the manifest does not change what a reader gets.
      expect(toHex(findWrapper(`Text.${padded}`)!.manifest)).toBe(v.manifestHex);
    }
  });

  it('decodes the reference output to the same bytes, offsets and clean text', () => {
    for (const v of vectors.decode) {
      const found = findWrapper(v.wrapped);
      expect(found).not.toBeNull();
      expect(toHex(found!.manifest)).toBe(v.manifestHex);
      expect(found!.startByte).toBe(v.wrapperStartByte);
      expect(found!.lengthByte).toBe(v.wrapperLengthByte);
      const extracted = extractManifest(v.wrapped);
      expect(extracted.text).toBe(v.clean);
      expect(stripWrapper(v.wrapped)).toBe(v.clean);
    }
  });

  it('finds nothing where the reference finds nothing, and leaves the text as the reference does', () => {
    for (const v of vectors.reject) {
      expect(findWrapper(v.text), v.label).toBeNull();
      expect(extractManifest(v.text)).toEqual({ manifest: null, text: v.clean });
    }
  });

  it('refuses a text with two wrappers, as the reference does', () => {
    for (const text of vectors.multiple) expect(() => findWrapper(text)).toThrow(WrapperError);
  });

  it('refuses a padding target shorter than the wrapper', () => {
    expect(() => encodeWrapperPadded(new Uint8Array(10), 20)).toThrow(WrapperError);
  });
});
