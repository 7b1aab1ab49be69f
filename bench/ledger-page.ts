import { runLedgerBench } from './ledger-core';

// Bundled by bench/ledger.ts (esbuild) and loaded into a Chromium page.
(globalThis as unknown as { runLedgerBench: typeof runLedgerBench }).runLedgerBench = runLedgerBench;
