import { afterEach } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { openLedger, type Ledger } from '../../lib/ledger';

/**
 * Ledgers on a fresh fake IndexedDB each, all reading one test-set clock (`clock.now`), closed
 * and the clock reset after every test of the file that calls this.
 */
export function clockedLedgers(start: number): { clock: { now: number }; fresh(name?: string): Ledger } {
  const clock = { now: start };
  const open: Ledger[] = [];
  afterEach(() => {
    while (open.length) open.pop()!.close();
    clock.now = start;
  });
  return {
    clock,
    fresh(name = 'ledger') {
      const ledger = openLedger({ name, indexedDB: new IDBFactory(), IDBKeyRange, now: () => clock.now });
      open.push(ledger);
      return ledger;
    },
  };
}
