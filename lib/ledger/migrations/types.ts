import type { Transaction } from 'dexie';

/**
 * One schema step. `stores` lists every table's full index spec for this version
 * (Dexie diffs it against the previous one); `upgrade` transforms existing data.
 * Never edit a shipped migration: add the next version instead.
 */
export interface Migration {
  version: number;
  stores: Record<string, string | null>;
  upgrade?: (tx: Transaction) => Promise<void> | void;
}
