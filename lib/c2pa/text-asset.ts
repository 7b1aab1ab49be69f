import type { Asset } from '@trustnxt/c2pa-ts/asset';
import { encodeWrapperPadded, findWrapper, worstCaseWrapperByteLength } from './text-wrapper';

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * Unstructured text as a C2PA asset for @trustnxt/c2pa-ts (which has no text format of its own):
 * the asset's bytes are the UTF-8 of the NFC-normalised text, with the A.8 wrapper at the end.
 * The hard binding (c2pa.hash.data) excludes exactly the wrapper's bytes; since the wrapper's
 * length must be known before the manifest is signed, it is padded to the worst-case length of
 * the space reserved (text-wrapper.ts, as the reference does).
 */
export class TextAsset implements Asset {
  readonly mimeType = 'text/plain';
  private text: Uint8Array;
  private wrapper: Uint8Array = new Uint8Array(0);
  private reserved: number | null = null;

  private constructor(textBytes: Uint8Array) {
    this.text = textBytes;
  }

  /**
   * A text to sign (without a wrapper yet) or to check (with its wrapper): NFC-normalised first,
   * as the binding is over NFC.
   */
  static fromText(text: string): TextAsset {
    return new TextAsset(utf8.encode(text.normalize('NFC')));
  }

  getDataLength(): number {
    return this.text.length + this.wrapper.length;
  }

  async getDataRange(start = 0, length?: number): Promise<Uint8Array> {
    const all = new Uint8Array(this.getDataLength());
    all.set(this.text, 0);
    all.set(this.wrapper, this.text.length);
    return all.slice(start, length === undefined ? undefined : start + length);
  }

  getManifestJUMBF(): Uint8Array | undefined {
    const all = new Uint8Array(this.getDataLength());
    all.set(this.text, 0);
    all.set(this.wrapper, this.text.length);
    return findWrapper(utf8Decoder.decode(all))?.manifest;
  }

  dumpInfo(): string {
    return `text/plain: ${this.text.length} bytes of text, ${this.wrapper.length} bytes of wrapper`;
  }

  /** Reserves the wrapper's bytes (zeros until the manifest is written). */
  async ensureManifestSpace(length: number): Promise<void> {
    this.reserved = length;
    this.wrapper = new Uint8Array(worstCaseWrapperByteLength(length));
  }

  getHashExclusionRange(): { start: number; length: number } {
    if (this.reserved === null) {
      // Reading: the wrapper found in the text.
      const found = findWrapper(utf8Decoder.decode(this.text));
      if (!found) throw new Error('No C2PA text wrapper in the text');
      return { start: found.startByte, length: found.lengthByte };
    }
    return { start: this.text.length, length: worstCaseWrapperByteLength(this.reserved) };
  }

  async writeManifestJUMBF(jumbf: Uint8Array): Promise<void> {
    if (this.reserved === null) throw new Error('ensureManifestSpace() first');
    if (jumbf.length > this.reserved) throw new Error(`Manifest (${jumbf.length} bytes) is larger than the space reserved (${this.reserved})`);
    this.wrapper = utf8.encode(encodeWrapperPadded(jumbf, worstCaseWrapperByteLength(this.reserved)));
  }

  async getBlob(): Promise<Blob | undefined> {
    return new Blob([(await this.getDataRange()) as Uint8Array<ArrayBuffer>], { type: this.mimeType });
  }

  async writeToStream(stream: WritableStream<Uint8Array>): Promise<void> {
    const writer = stream.getWriter();
    await writer.write(await this.getDataRange());
    await writer.close();
  }

  /** The text with its wrapper, as a string. */
  async toText(): Promise<string> {
    return utf8Decoder.decode(await this.getDataRange());
  }
}
