import type { Settings } from './settings';

/** Turns suggestions on or off for one site (a hostname), keeping the list sorted and unique. */
export function withSiteEnabled(settings: Settings, host: string, enabled: boolean): Settings {
  const others = settings.disabledSites.filter((site) => site !== host);
  return { ...settings, disabledSites: enabled ? others : [...others, host].sort() };
}

/** The hostname of a web page URL; null for browser and extension pages, where nothing runs. */
export function webHostOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.hostname : null;
  } catch {
    return null;
  }
}
