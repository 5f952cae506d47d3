/**
 * The interface language: switched at run time and remembered in localStorage, with dates and
 * times written in it. Each feature keeps its own words in its `messages.ts` (English and
 * Russian, `defineMessages`) and reads them through a `translator` over its own and the common
 * words (lib/messages.ts). Entry texts are never translated here: they are shown as written, in
 * their original language, marked with a `lang` attribute.
 */
import { signal } from './signal';

export type Locale = 'en' | 'ru';
export const LOCALES: ReadonlyArray<{ id: Locale; label: string }> = [
  { id: 'en', label: 'English' },
  { id: 'ru', label: 'Русский' },
];
const STORAGE_KEY = 'parley.locale';

/** One feature's words in every interface language, under the same keys. */
export type Messages<K extends string> = Readonly<Record<Locale, Readonly<Record<K, string>>>>;

/**
 * The words of one feature: English names the keys, and Russian must have exactly those keys
 * (a missing or an extra one is a type error).
 */
export function defineMessages<const E extends Record<string, string>>(
  en: E,
  ru: { [K in keyof E]: string },
): Messages<keyof E & string> {
  return { en, ru };
}

type KeyOf<M> = M extends Messages<infer K> ? K : never;

/**
 * The current-language text for a key of any of `parts`. A key may be defined by one part only,
 * so that no feature silently changes another's words.
 */
export function translator<P extends ReadonlyArray<Messages<string>>>(
  ...parts: P
): (key: KeyOf<P[number]>) => string {
  const merged: Record<Locale, Record<string, string>> = { en: {}, ru: {} };
  for (const part of parts)
    for (const id of Object.keys(merged) as Locale[])
      for (const [key, text] of Object.entries(part[id])) {
        if (key in merged[id]) throw new Error(`interface text "${key}" is defined twice`);
        merged[id][key] = text;
      }
  return (key) => merged[locale.get()][key] ?? key;
}

function initialLocale(): Locale {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'en' || stored === 'ru') return stored;
  } catch {
    // Storage disabled: fall through to the browser's language.
  }
  return navigator.language.toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export const locale = signal<Locale>(initialLocale());

export function setLocale(next: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not remembered, but still switched.
  }
  document.documentElement.lang = next;
  locale.set(next);
}

/** Date and time in the interface language, UTC, to the second. */
export function formatTime(at: number | string): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return String(at);
  return `${date.toLocaleString(locale.get() === 'ru' ? 'ru-RU' : 'en-GB', {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  })} UTC`;
}

/** The HLC's wall-clock part (`2026-02-20T08:00:00.000Z/000003`), formatted. */
export function formatHlc(hlc: string): string {
  return formatTime(hlc.split('/')[0] ?? hlc);
}
