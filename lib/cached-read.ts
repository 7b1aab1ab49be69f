/**
 * An async read done once and shared until `forget()` (settings, a resolved model spec): hot
 * paths reuse the value instead of waiting on storage. A failed read is not kept, so the next
 * call tries again; a forget() during a read makes the next call read afresh.
 */
export interface CachedRead<T> {
  get(): Promise<T>;
  forget(): void;
}

export function cachedRead<T>(read: () => Promise<T>): CachedRead<T> {
  let pending: Promise<T> | null = null;
  return {
    get() {
      if (pending) return pending;
      const current = read();
      pending = current;
      current.catch(() => {
        if (pending === current) pending = null;
      });
      return current;
    },
    forget() {
      pending = null;
    },
  };
}
