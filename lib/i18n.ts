// Only the type: the strings themselves come from the browser, so the content script does not
// carry a copy of the English file (~8 KB gzipped).
import type english from '../public/_locales/en/messages.json';

export type MessageKey = keyof typeof english;
export type Messages = Record<string, { message: string }>;

/** Strings for code running outside an extension: Node (tests, benchmarks) and the offline report checker. */
let outsideExtension: Messages | null = null;

export function useMessagesOutsideExtension(messages: Messages): void {
  outsideExtension = messages;
}

type I18nApi = { getMessage(key: string, substitutions?: string | string[]): string };

function browserI18n(): I18nApi | null {
  const scope = globalThis as unknown as { chrome?: { i18n?: I18nApi }; browser?: { i18n?: I18nApi } };
  return scope.browser?.i18n ?? scope.chrome?.i18n ?? null;
}

/** The message, or null when no source has it. */
function lookup(key: string, values: string[]): string | null {
  const fromBrowser = browserI18n()?.getMessage(key, values);
  if (fromBrowser) return fromBrowser;
  const message = outsideExtension?.[key]?.message;
  return message === undefined ? null : message.replace(/\$(\d)/g, (_match, digit: string) => values[Number(digit) - 1] ?? '');
}

/**
 * A UI string through the browser's i18n mechanism (`_locales/<lang>/messages.json`), so every
 * string lives in one place and can be translated. Outside an extension it reads the strings
 * given to useMessagesOutsideExtension, substituting $1…$9 the way the browser does; with none,
 * the key and its values, so a missing set-up shows rather than throws.
 */
export function t(key: MessageKey, ...substitutions: (string | number)[]): string {
  const values = substitutions.map(String);
  return lookup(key, values) ?? [key, ...values].join(' ');
}

/** The base names of messages with plural forms (`<base>_one`, `<base>_other`, …). */
export type CountedKey = { [K in MessageKey]: K extends `${infer Base}_other` ? Base : never }[MessageKey];

/**
 * A string about `count` things, in the plural form the UI language's rules choose for it
 * (Intl.PluralRules: English and German "one"/"other", French also "many"). A form a language
 * does not need falls back to `<base>_other`. `substitutions` are the message's $1…$9, the count
 * among them wherever the sentence puts it.
 */
export function tCount(base: CountedKey, count: number, ...substitutions: (string | number)[]): string {
  const form = new Intl.PluralRules(t('uiLanguage')).select(count);
  const values = substitutions.map(String);
  return lookup(`${base}_${form}`, values) ?? t(`${base}_other` as MessageKey, ...substitutions);
}

/** An extension page in the strings' language: `lang` (so screen readers pronounce it right) and its tab title. */
export function localizePage(doc: Document, titleKey?: MessageKey): void {
  doc.documentElement.lang = t('uiLanguage');
  if (titleKey) doc.title = t(titleKey);
}
