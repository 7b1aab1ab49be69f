import { openLedger, type OpenLedgerOptions } from '../lib/ledger';
import { makeSentence, rng } from '../lib/ledger/calibration';
import { makeAcceptance } from '../lib/ledger/testing';

/**
 * Append benchmark (accept → durable, chained, signed): each append segments and hashes the
 * sentences, builds and hashes the entry, signs the head (Ed25519, or ECDSA P-256), and commits
 * one IndexedDB transaction. Runnable in Node (fake-indexeddb) and in a browser page (IndexedDB).
 */
export interface LedgerBenchResult {
  environment: string;
  algorithm: string;
  appends: number;
  /** Entries already in the ledger before the measured appends. */
  prefilled: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
  verifyMs: number;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

export async function runLedgerBench(
  o: { appends: number; prefill: number; seed: number },
  environment: string,
  deps: Pick<OpenLedgerOptions, 'indexedDB' | 'IDBKeyRange'> = {},
): Promise<LedgerBenchResult> {
  const ledger = openLedger({ name: `bench-ledger-${Date.now()}`, ...deps });
  const r = rng(o.seed);
  const text = () => `${makeSentence(r)} ${makeSentence(r)}`;
  for (let i = 0; i < o.prefill; i++) await ledger.append(makeAcceptance({ insertedText: text(), acceptedAt: Date.now() }));
  const times: number[] = [];
  for (let i = 0; i < o.appends; i++) {
    const input = makeAcceptance({ insertedText: text(), acceptedAt: Date.now() });
    const t = performance.now();
    await ledger.append(input);
    times.push(performance.now() - t);
  }
  const tv = performance.now();
  const verified = await ledger.verify();
  const verifyMs = performance.now() - tv;
  if (!verified.ok) throw new Error(`bench ledger does not verify: ${verified.reason}`);
  const head = await ledger.head();
  ledger.close();
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    environment,
    algorithm: head!.algorithm,
    appends: o.appends,
    prefilled: o.prefill,
    medianMs: round(quantile(times, 0.5)),
    p95Ms: round(quantile(times, 0.95)),
    minMs: round(Math.min(...times)),
    maxMs: round(Math.max(...times)),
    verifyMs: Math.round(verifyMs),
  };
}
