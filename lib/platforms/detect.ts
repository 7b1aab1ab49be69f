import { countCodePoints, countCodeUnits, countGraphemes, countMastodon, countX } from './counting';

export type PlatformId = 'x' | 'bluesky' | 'threads' | 'mastodon' | 'linkedin' | 'maxlength';

export interface PlatformLimit {
  platform: PlatformId;
  /** Shown to the writer, e.g. "X". */
  label: string;
  limit: number;
  count: (text: string) => number;
}

const PLATFORMS: Record<Exclude<PlatformId, 'maxlength'>, Omit<PlatformLimit, 'platform'>> = {
  x: { label: 'X', limit: 280, count: countX },
  bluesky: { label: 'Bluesky', limit: 300, count: countGraphemes },
  threads: { label: 'Threads', limit: 500, count: countCodePoints },
  mastodon: { label: 'Mastodon', limit: 500, count: countMastodon },
  linkedin: { label: 'LinkedIn', limit: 3000, count: countCodePoints },
};

function hostIs(hostname: string, ...domains: string[]): boolean {
  return domains.some((domain) => hostname === domain || hostname.endsWith(`.${domain}`));
}

function platformOf(hostname: string, field: Element): Exclude<PlatformId, 'maxlength'> | null {
  // Composer markers first, so a page reproducing a composer is recognised on any host.
  if (field.closest('[data-testid^="tweetTextarea"]') || hostIs(hostname, 'x.com', 'twitter.com')) return 'x';
  if (hostIs(hostname, 'bsky.app')) return 'bluesky';
  if (hostIs(hostname, 'threads.net', 'threads.com')) return 'threads';
  if (hostIs(hostname, 'linkedin.com')) return 'linkedin';
  const app = field.ownerDocument.querySelector('meta[name="application-name"]')?.getAttribute('content');
  if (app === 'Mastodon' || field.closest('.compose-form')) return 'mastodon';
  return null;
}

/**
 * The length limit that applies to a field: its platform's (X, Bluesky, Threads, Mastodon,
 * LinkedIn) or the field's own `maxlength`. Null when there is none.
 */
export function limitFor(hostname: string, field: Element): PlatformLimit | null {
  const platform = platformOf(hostname, field);
  if (platform) return { platform, ...PLATFORMS[platform] };
  const maxLength = (field as HTMLInputElement).maxLength;
  if (typeof maxLength === 'number' && maxLength > 0) {
    return { platform: 'maxlength', label: 'this field', limit: maxLength, count: countCodeUnits };
  }
  return null;
}
