import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_HOST, DEFAULT_SETTINGS, parseSettings } from '@/lib/settings';
import { webHostOf, withSiteEnabled } from '@/lib/site-settings';

describe('settings', () => {
  it('falls back to defaults for missing or damaged storage', () => {
    expect(parseSettings(undefined)).toEqual(DEFAULT_SETTINGS);
    expect(parseSettings('garbage')).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS.modelHost).toBe(DEFAULT_MODEL_HOST);
  });

  it('keeps valid values and replaces only the invalid ones', () => {
    const parsed = parseSettings({ modelHost: 'not a url', pauseDelayMs: 1500, variants: 99, device: 'webgpu', dtype: 'q9', disabledSites: ['a.example'] });
    expect(parsed.modelHost).toBe(DEFAULT_MODEL_HOST);
    expect(parsed.pauseDelayMs).toBe(1500);
    expect(parsed.variants).toBe(DEFAULT_SETTINGS.variants);
    expect(parsed.device).toBe('webgpu');
    expect(parsed.dtype).toBe('auto');
    expect(parsed.disabledSites).toEqual(['a.example']);
  });
});

describe('per-site switch', () => {
  it('turns a site off and on without duplicates', () => {
    const off = withSiteEnabled(withSiteEnabled(DEFAULT_SETTINGS, 'news.example', false), 'news.example', false);
    expect(off.disabledSites).toEqual(['news.example']);
    expect(withSiteEnabled(off, 'news.example', true).disabledSites).toEqual([]);
  });

  it('only web pages have a site', () => {
    expect(webHostOf('https://cms.example/edit?id=1')).toBe('cms.example');
    expect(webHostOf('chrome-extension://abc/popup.html')).toBeNull();
    expect(webHostOf('chrome://settings')).toBeNull();
    expect(webHostOf(undefined)).toBeNull();
    expect(webHostOf('not a url')).toBeNull();
  });
});
