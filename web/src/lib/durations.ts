/**
 * How a span or an amount of time is written, its units in the interface's language (given, not
 * read, so that the node's tests in test/ read this file without a browser).
 */

/** i18n.ts's `Locale`, restated: the node's type check (test/) reads this file too. */
type Locale = 'en' | 'ru';

/** The units of time as each interface language abbreviates them. */
const UNITS: Readonly<Record<Locale, Readonly<Record<TimeUnit, string>>>> = {
  en: { day: 'd', hour: 'h', minute: 'min', second: 's', millisecond: 'ms' },
  ru: { day: 'дн.', hour: 'ч', minute: 'мин', second: 'с', millisecond: 'мс' },
};
export type TimeUnit = 'day' | 'hour' | 'minute' | 'second' | 'millisecond';

/** A unit of time in `lang`: `min`, `мин`. */
export function timeUnit(unit: TimeUnit, lang: Locale): string {
  return UNITS[lang][unit];
}

/** `1.5 s`, `1,5 с`: an amount of `unit` to `digits` decimals, written the way `lang` writes numbers. */
export function formatAmount(value: number, unit: TimeUnit, lang: Locale, digits = 1): string {
  const number = value.toLocaleString(lang === 'ru' ? 'ru-RU' : 'en-GB', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    useGrouping: false,
  });
  return `${number} ${timeUnit(unit, lang)}`;
}

/** `4:07`, `1:02:09`, `3 d 04:10` (`3 дн. 04:10`) for a span of milliseconds (sign ignored). */
export function formatSpan(ms: number, lang: Locale): string {
  let seconds = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(seconds / 86_400);
  seconds -= days * 86_400;
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (days > 0) return `${days} ${timeUnit('day', lang)} ${two(hours)}:${two(minutes)}`;
  if (hours > 0) return `${hours}:${two(minutes)}:${two(seconds)}`;
  return `${minutes}:${two(seconds)}`;
}
