export { normalizeSentence } from './normalize';
export { sha256Hex, sha256HexSync, bytesToHex, hexToBytes } from './hash';
export { segmentSentences, shouldJoin, type SentenceSpan } from './segment';
export { tokenizeWords } from './tokenize';
export {
  SKETCH_SIZE,
  BAND_ROWS,
  BAND_COUNT,
  shinglesOf,
  sketchOf,
  sketchText,
  sketchToHex,
  sketchFromHex,
  sketchSimilarity,
  bandKeys,
  bandHashes,
  wordEditDistance,
  wordEditRatio,
} from './similarity';
