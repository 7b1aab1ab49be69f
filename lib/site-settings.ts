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

/** How a field is named in `disabledFields`: the site (a hostname) and the field's id on its pages (`fieldIdOf`). */
export function fieldEntry(host: string, fieldId: string): string {
  return `${host.toLowerCase()}|${fieldId}`;
}

/** The site and field of a `disabledFields` entry (the options page lists them). */
export function parseFieldEntry(entry: string): { host: string; fieldId: string } {
  const at = entry.indexOf('|');
  return { host: entry.slice(0, at), fieldId: entry.slice(at + 1) };
}

/** Turns suggestions on or off for one field of a site, keeping the list sorted and unique. */
export function withFieldEnabled(settings: Settings, host: string, fieldId: string, enabled: boolean): Settings {
  const entry = fieldEntry(host, fieldId);
  const others = settings.disabledFields.filter((field) => field !== entry);
  return { ...settings, disabledFields: enabled ? others : [...others, entry].sort() };
}

export function isFieldDisabled(settings: Settings, host: string, fieldId: string): boolean {
  return settings.disabledFields.includes(fieldEntry(host, fieldId));
}
