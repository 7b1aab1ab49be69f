/**
 * The C2PA text manifest wrapper for unstructured text (C2PA 2.3/2.4, Annex A.8), written from
 * the specification: after U+FEFF (ZWNBSP), the bytes `"C2PATXT\0"`, a version byte (1), the
 * manifest length as a big-endian uint32, then the manifest-store bytes, every byte written as a
 * Unicode variation selector (0x00–0x0F → U+FE00–U+FE0F, 0x10–0xFF → U+E0100–U+E01EF). It goes
 * at the end of the NFC-normalised text. Checked against the Python reference `c2pa-text` 3.0.0
 * (tests/fixtures/c2pa-text-vectors.json, made by scripts/c2pa-text-vectors.py).
 */

export const WRAPPER_MAGIC = new Uint8Array([0x43, 0x32, 0x50, 0x41, 0x54, 0x58, 0x54, 0x00]);
export const WRAPPER_VERSION = 1;
/** Magic (8) + version (1) + length (4). */
export const HEADER_BYTES = 13;
export const ZWNBSP = '\uFEFF';

const VS = '[\\uFE00-\\uFE0F\\u{E0100}-\\u{E01EF}]';
/** ZWNBSP and at least a header's worth of variation selectors. */
const WRAPPER_RE = new RegExp(`${ZWNBSP}(${VS}{${HEADER_BYTES},})`, 'gu');

const utf8 = new TextEncoder();
const utf8Length = (s: string) => utf8.encode(s).length;

export class WrapperError extends Error {
  override readonly name = 'WrapperError';
}

function byteToSelector(byte: number): string {
  if (byte < 0 || byte > 255 || !Number.isInteger(byte)) throw new WrapperError(`Byte out of range: ${byte}`);
  return String.fromCodePoint(byte < 16 ? 0xfe00 + byte : 0xe0100 + (byte - 16));
}

function selectorToByte(codePoint: number): number | null {
  if (codePoint >= 0xfe00 && codePoint <= 0xfe0f) return codePoint - 0xfe00;
  if (codePoint >= 0xe0100 && codePoint <= 0xe01ef) return codePoint - 0xe0100 + 16;
  return null;
}

function selectors(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += byteToSelector(b);
  return out;
}

/** The wrapper for `manifest`: ZWNBSP, then header and manifest as variation selectors. */
export function encodeWrapper(manifest: Uint8Array): string {
  if (manifest.length > 0xffffffff) throw new WrapperError('Manifest too large for the wrapper');
  const header = new Uint8Array(HEADER_BYTES);
  header.set(WRAPPER_MAGIC, 0);
  header[8] = WRAPPER_VERSION;
  new DataView(header.buffer).setUint32(9, manifest.length, false);
  return ZWNBSP + selectors(header) + selectors(manifest);
}

/**
 * The UTF-8 length a wrapper for a manifest of `manifestBytes` bytes is padded to, fixed before
 * the manifest is signed (its hard binding excludes exactly this many bytes): ZWNBSP (3) + every
 * header and manifest byte at its worst (4) + 6, so the gap to the real length is always
 * expressible in 3- and 4-byte selectors.
 */
export function worstCaseWrapperByteLength(manifestBytes: number): number {
  return 3 + (HEADER_BYTES + manifestBytes) * 4 + 6;
}

/** Padding bytes whose selectors take exactly `gap` UTF-8 bytes (3a + 4b = gap, fewest characters). */
function paddingFor(gap: number): number[] {
  if (gap === 0) return [];
  for (let b = Math.floor(gap / 4); b >= 0; b--) {
    const rest = gap - 4 * b;
    if (rest % 3 === 0) return [...new Array<number>(rest / 3).fill(0x00), ...new Array<number>(b).fill(0xff)];
  }
  throw new WrapperError(`Cannot pad ${gap} UTF-8 bytes with variation selectors`);
}

/**
 * The wrapper padded with trailing selectors to exactly `targetByteLength` UTF-8 bytes (readers
 * use the header's length and ignore what follows the manifest).
 */
export function encodeWrapperPadded(manifest: Uint8Array, targetByteLength: number): string {
  const base = encodeWrapper(manifest);
  const gap = targetByteLength - utf8Length(base);
  if (gap < 0) throw new WrapperError(`Target length ${targetByteLength} is shorter than the wrapper (${utf8Length(base)} bytes)`);
  return base + paddingFor(gap).map(byteToSelector).join('');
}

/** The text, NFC-normalised, with the wrapper for `manifest` at its end. */
export function embedManifest(text: string, manifest: Uint8Array): string {
  return text.normalize('NFC') + encodeWrapper(manifest);
}

export interface FoundWrapper {
  manifest: Uint8Array;
  /** Where the wrapper starts and how long it is, in UTF-8 bytes of the text as given. */
  startByte: number;
  lengthByte: number;
  /** The same, as UTF-16 indices of the string (for slicing). */
  start: number;
  end: number;
}

/**
 * The wrapper in `text`, decoded; null when there is none or the first one is not valid (wrong
 * magic, unsupported version, shorter than its length says). Throws WrapperError when the text
 * has two: an asset carries exactly one.
 */
export function findWrapper(text: string): FoundWrapper | null {
  const matches = [...text.matchAll(WRAPPER_RE)];
  if (!matches.length) return null;
  if (matches.length > 1) throw new WrapperError('The text carries more than one C2PA text wrapper; an asset must carry exactly one.');
  const m = matches[0]!;
  const seq = m[1]!;
  const raw: number[] = [];
  for (const ch of seq) {
    const b = selectorToByte(ch.codePointAt(0)!);
    if (b === null) return null;
    raw.push(b);
  }
  if (raw.length < HEADER_BYTES) return null;
  for (let i = 0; i < WRAPPER_MAGIC.length; i++) if (raw[i] !== WRAPPER_MAGIC[i]) return null;
  if (raw[8] !== WRAPPER_VERSION) return null;
  const length = new DataView(Uint8Array.from(raw.slice(9, 13)).buffer).getUint32(0, false);
  if (raw.length < HEADER_BYTES + length) return null;
  const start = m.index;
  const end = start + m[0].length;
  return {
    manifest: Uint8Array.from(raw.slice(HEADER_BYTES, HEADER_BYTES + length)),
    startByte: utf8Length(text.slice(0, start)),
    lengthByte: utf8Length(m[0]),
    start,
    end,
  };
}

/** The text without its wrapper, NFC-normalised, and the manifest it carried (null: none). */
export function extractManifest(text: string): { manifest: Uint8Array | null; text: string } {
  const found = findWrapper(text);
  if (!found) return { manifest: null, text: text.normalize('NFC') };
  return { manifest: found.manifest, text: (text.slice(0, found.start) + text.slice(found.end)).normalize('NFC') };
}

/** The text without its wrapper, NFC-normalised (unchanged but for NFC when it has no valid one). */
export function stripWrapper(text: string): string {
  return extractManifest(text).text;
}
