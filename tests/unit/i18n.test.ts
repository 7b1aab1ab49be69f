import { describe, expect, it } from 'vitest';
import messages from '../../public/_locales/en/messages.json';
import { t } from '@/lib/i18n';

describe('UI strings', () => {
  it('substitutes $1…$9 like the browser does', () => {
    expect(t('statusReady', 3)).toMatch(/^3 suggestions\./);
    expect(t('limitCountLabel', 212, 280, 'X')).toBe('212 of 280 characters as X counts them');
  });

  it('every message is non-empty and uses only placeholders it is given in order', () => {
    for (const [key, { message }] of Object.entries(messages)) {
      expect(message.trim().length, key).toBeGreaterThan(0);
      const used = [...message.matchAll(/\$(\d)/g)].map((match) => Number(match[1]));
      const highest = Math.max(0, ...used);
      for (let n = 1; n <= highest; n++) expect(used, `${key} skips $${n}`).toContain(n);
    }
  });
});
