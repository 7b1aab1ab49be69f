export { openLedger, LedgerWriteError, type Ledger, type LedgerStats, type OpenLedgerOptions, type PruneResult } from './ledger';
export type {
  AcceptanceInput,
  LedgerEntry,
  LedgerSentence,
  LedgerSettings,
  ModelInfo,
  SignedHead,
  SignedCheckpoint,
  EntryStub,
  PublicKeyInfo,
  SigningAlgorithm,
  TextHashes,
  VerifyResult,
} from './types';
export { DEFAULT_SETTINGS, GENESIS_HASH } from './types';
export { canonicalJson } from './canonical';
export { documentKeyOf, normalizePath } from './document-key';
export { verifyChain, ChainVerifier } from './chain';
export { verifyHead, headPayload } from './signing';
export { isQuotaError } from './errors';
export {
  attributeText,
  MemoryIndex,
  DEFAULT_THRESHOLDS,
  type AttributionKind,
  type AttributionResult,
  type AttributionThresholds,
  type SentenceAttribution,
  type CandidateSource,
  type LoggedSentence,
} from './attribution';
