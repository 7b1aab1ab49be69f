/**
 * Every UI language under public/_locales says everything the English file says: the same keys,
 * no empty message, the same $1…$9 placeholders (a lost "$2" silently drops a number from a
 * disclosure statement). When English gains keys, the failure lists them per language.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const LOCALES_DIR = join(import.meta.dirname, '../../public/_locales');

type Messages = Record<string, { message: string; description?: string }>;

function readMessages(locale: string): Messages {
  const file = join(LOCALES_DIR, locale, 'messages.json');
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as Messages;
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

function placeholders(message: string): string[] {
  return [...new Set(message.match(/\$[1-9]/g) ?? [])].sort();
}

const english = readMessages('en');
const translations = readdirSync(LOCALES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'en')
  .map((entry) => entry.name);

describe('translated UI strings', () => {
  it('ships more than English', () => {
    expect(translations).toEqual(expect.arrayContaining(['de', 'fr']));
  });

  describe.each(translations)('%s', (locale) => {
    const messages = readMessages(locale);

    it('has every English key and no other', () => {
      const missing = Object.keys(english).filter((key) => !(key in messages));
      const extra = Object.keys(messages).filter((key) => !(key in english));
      expect(missing, `keys missing in _locales/${locale}/messages.json: ${missing.join(', ')}`).toEqual([]);
      expect(extra, `keys in _locales/${locale}/messages.json that English lacks: ${extra.join(', ')}`).toEqual([]);
    });

    it('has a non-empty message with the English placeholders for each key', () => {
      for (const [key, entry] of Object.entries(messages)) {
        expect(typeof entry?.message, `${locale} ${key}`).toBe('string');
        expect(entry.message.trim().length, `${locale} ${key} is empty`).toBeGreaterThan(0);
        if (key in english) {
          expect(placeholders(entry.message), `${locale} ${key}: placeholders`).toEqual(placeholders(english[key]!.message));
        }
      }
    });
  });
});
