/**
 * A field's text handed from the in-page audit to the audit page, where an editor records a
 * review (a review is signed on an extension page, never in the page the text is on). The text
 * waits in the service worker's memory under a one-time token the audit page's URL carries; it is
 * gone once taken, after a few minutes, or when the worker stops (the page then asks for the text).
 */
export const HANDOFF_LIFETIME_MS = 5 * 60 * 1000;
/** Hand-offs waiting at most (the newest). */
const MAX_WAITING = 5;

export interface HandedOffText {
  documentKey: string;
  text: string;
}

export interface ReviewHandoffs {
  /** Keeps the text and returns the token that takes it. */
  offer(handed: HandedOffText, now?: number): string;
  /** The text once, or null (unknown token, taken already, expired). */
  take(token: string, now?: number): HandedOffText | null;
}

export function reviewHandoffs(newToken: () => string = () => crypto.randomUUID()): ReviewHandoffs {
  const waiting = new Map<string, HandedOffText & { at: number }>();
  return {
    offer(handed, now = Date.now()) {
      const token = newToken();
      waiting.set(token, { ...handed, at: now });
      for (const old of [...waiting.keys()].slice(0, Math.max(0, waiting.size - MAX_WAITING))) waiting.delete(old);
      return token;
    },
    take(token, now = Date.now()) {
      const handed = waiting.get(token);
      waiting.delete(token);
      return handed && now - handed.at < HANDOFF_LIFETIME_MS ? { documentKey: handed.documentKey, text: handed.text } : null;
    },
  };
}
