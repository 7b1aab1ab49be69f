import { runAuditBench } from './audit-core';

// Bundled by bench/audit.ts (esbuild) and loaded into a Chromium page.
(globalThis as unknown as { runAuditBench: typeof runAuditBench }).runAuditBench = runAuditBench;
