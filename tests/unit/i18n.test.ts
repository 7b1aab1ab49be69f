import { describe, expect, it } from 'vitest';
import messages from '../../public/_locales/en/messages.json';
import { t, tCount, type CountedKey } from '@/lib/i18n';

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

describe('plural forms', () => {
  it('chooses the form by the count', () => {
    expect(tCount('auditVerified', 1, 1)).toBe('Verified: 1 entry');
    expect(tCount('auditVerified', 0, 0)).toBe('Verified: 0 entries');
    expect(tCount('auditVerified', 2, 2)).toBe('Verified: 2 entries');
    expect(tCount('auditReviewed', 1, 7, 1)).toBe('Review recorded (entry #7) for 1 AI-assisted sentence.');
  });

  it.each(['en', 'de', 'fr'])('every counted message has the forms %s needs, for any count', async (lang) => {
    const file = (await import(`../../public/_locales/${lang}/messages.json`)).default as Record<string, { message: string }>;
    const bases = Object.keys(messages).filter((key) => key.endsWith('_other')).map((key) => key.slice(0, -'_other'.length));
    expect(bases.length).toBeGreaterThan(10);
    const scope = globalThis as { chrome?: unknown };
    scope.chrome = { i18n: { getMessage: (key: string, values: string[] = []) => file[key]?.message.replace(/\$(\d)/g, (_m, d: string) => values[Number(d) - 1] ?? '') ?? '' } };
    try {
      for (const base of bases) {
        for (const count of [0, 1, 2, 5, 21, 1_000_000]) {
          const text = tCount(base as CountedKey, count, count, count, count, count, count);
          expect(text, `${lang} ${base} ${count}`).toContain(String(count));
          // No "(s)"-style form that leaves the plural to the reader.
          expect(text, `${lang} ${base}`).not.toMatch(/\(s\)|\(e\)s|\/Sätze/);
        }
      }
    } finally {
      delete scope.chrome;
    }
  });
});
