import { normalizeSentence } from '../text/normalize';
import { sha256Hex } from '../text/hash';

/**
 * The pages the writer recently copied text from, so that a paste of that text can name its
 * source. Kept in the browser's session storage (memory only, gone when the browser closes, kept
 * across service-worker restarts) as the hash and length of the normalised copied text, never
 * the text itself; a few and for a short while only.
 */
export const RECENT_COPIES_KEY = 'recentCopies';
/** Copies remembered at most (the newest). */
export const MAX_RECENT_COPIES = 20;
/** A copy older than this no longer names a paste's source. */
export const COPY_LIFETIME_MS = 30 * 60 * 1000;

export interface CopySource {
  url: string;
  title: string;
}

interface RememberedCopy {
  hash: string;
  length: number;
  copiedAt: number;
  source: CopySource;
}

export interface SessionArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

function isRememberedCopy(value: unknown): value is RememberedCopy {
  const copy = value as RememberedCopy | null;
  return (
    typeof copy?.hash === 'string' &&
    typeof copy.length === 'number' &&
    typeof copy.copiedAt === 'number' &&
    typeof copy.source?.url === 'string' &&
    typeof copy.source.title === 'string'
  );
}

export interface RecentCopies {
  remember(text: string, source: CopySource, now?: number): Promise<void>;
  /** Where a pasted text was copied from, when the writer copied it (or most of its start) here lately. */
  sourceOf(pastedText: string, now?: number): Promise<CopySource | null>;
}

export function recentCopies(session: SessionArea): RecentCopies {
  const read = async (now: number): Promise<RememberedCopy[]> => {
    const stored = (await session.get(RECENT_COPIES_KEY))[RECENT_COPIES_KEY];
    return Array.isArray(stored) ? stored.filter(isRememberedCopy).filter((copy) => now - copy.copiedAt < COPY_LIFETIME_MS) : [];
  };
  return {
    async remember(text, source, now = Date.now()) {
      const normal = normalizeSentence(text);
      if (!normal) return;
      const copy: RememberedCopy = { hash: await sha256Hex(normal), length: normal.length, copiedAt: now, source };
      const kept = (await read(now)).filter((other) => other.hash !== copy.hash);
      await session.set({ [RECENT_COPIES_KEY]: [copy, ...kept].slice(0, MAX_RECENT_COPIES) });
    },
    async sourceOf(pastedText, now = Date.now()) {
      const normal = normalizeSentence(pastedText);
      if (!normal) return null;
      // The whole paste, or its start when a page's copy handler appended a line ("Read more at …")
      // to a copy that is still most of it. Newest copy first.
      for (const copy of await read(now)) {
        if (copy.length > normal.length || copy.length * 2 < normal.length) continue;
        if ((await sha256Hex(normal.slice(0, copy.length))) === copy.hash) return copy.source;
      }
      return null;
    },
  };
}
