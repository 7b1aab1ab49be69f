import { DEFAULT_MODEL_HOST } from './settings';

/**
 * Which host permission a model host needs. The extension asks for no host access at install
 * (the manifest's `optional_host_permissions` only say what it may ask for): the default hub
 * sends CORS headers, and so does `npm run model-host`. A custom mirror may not, and then the
 * model host document (cross-origin isolated, so it loads nothing cross-origin without CORS or
 * a permission) can read it only with access to that one origin, asked for when the writer sets it.
 */

export interface PatternSyntax {
  /** Chromium's match patterns name a port; Firefox's cannot (a pattern there covers every port of a host). */
  ports: boolean;
}

/** The match pattern for a model host's origin, or null for the default hub and for an unusable URL. */
export function hostAccessPattern(modelHost: string, syntax: PatternSyntax): string | null {
  let url: URL;
  try {
    url = new URL(modelHost);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.origin === new URL(DEFAULT_MODEL_HOST).origin) return null;
  return `${syntax.ports ? url.origin : `${url.protocol}//${url.hostname}`}/*`;
}

/** What changing the model host asks of the browser: access to ask for, and access no longer used. */
export function hostAccessChange(previousHost: string, nextHost: string, syntax: PatternSyntax): { request: string | null; release: string | null } {
  const request = hostAccessPattern(nextHost, syntax);
  const previous = hostAccessPattern(previousHost, syntax);
  return { request, release: previous !== null && previous !== request ? previous : null };
}
