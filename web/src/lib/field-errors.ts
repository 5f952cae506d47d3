/**
 * A refusal of the node, put on the field it concerns in the interface's language (issue "field
 * errors in a sentence on the right field, in the interface's language"). The node writes
 * `path: rule` in English (src/core/plain-issue.ts for validation, the kinds' own rules for the
 * rest), e.g. `body.window.from: must be a UTC date or time …`; the field is the first path segment
 * after the request part (`body.`), and the rule is one of a finite set of sentences, matched here
 * and said again in the interface language. A rule not known here is shown as the node wrote it.
 * Pure (no DOM, no signals): the locale is a parameter, so it is unit-tested in Node.
 */

/** i18n.ts's `Locale`, restated: the node's type check (test/) reads this file too. */
type Locale = 'en' | 'ru';

/** What a refusal says about one field, or about the request as a whole (`field: null`). */
export interface FieldRefusal {
  /** The form field it concerns: `window`, `respondBy`, `text`…; null for the whole request. */
  field: string | null;
  /** The whole path below the request part: `['window', 'from']`. */
  path: string[];
  /** The rule as a sentence in the interface language (or the node's own, if not known here). */
  sentence: string;
  /** Whether the rule was one of the known sentences (so `sentence` is translated). */
  known: boolean;
  /** Whether the sentence says all there is without its field (a state refusal, not a format). */
  standalone: boolean;
}

/** The part of a request a path starts with (error-mapping.ts names it); not a form field. */
const REQUEST_PARTS = new Set(['body', 'query', 'querystring', 'params', 'headers', 'request', 'entry']);
const PATH = /^((?:[A-Za-z_][\w-]*|\d+)(?:\.(?:[A-Za-z_][\w-]*|\d+))*): (.+)$/s;

/** `body.window.from: rule` → the path's segments (request part dropped) and the rule. */
export function splitRefusal(message: string): { path: string[]; rule: string } {
  const match = PATH.exec(message);
  if (!match) return { path: [], rule: message };
  const path = match[1]!.split('.');
  while (path.length > 0 && REQUEST_PARTS.has(path[0]!)) path.shift();
  return { path, rule: match[2]! };
}

/**
 * A count in the genitive, as after «не меньше» / «не больше»: одного символа, двух символов,
 * двадцати одного символа, пяти символов.
 */
function ruPlural(n: number, [one, many]: readonly [string, string]): string {
  return n % 10 === 1 && n % 100 !== 11 ? one : many;
}

const RU_UNITS: Record<string, readonly [string, string]> = {
  character: ['символа', 'символов'],
  item: ['элемента', 'элементов'],
  byte: ['байта', 'байтов'],
};

function ruCount(n: string, unit: string | undefined): string {
  if (!unit) return n;
  const forms = RU_UNITS[unit.replace(/s$/, '')];
  return forms ? `${n} ${ruPlural(Number(n), forms)}` : `${n} ${unit}`;
}

type Say = (groups: string[]) => string;
interface Rule {
  pattern: RegExp;
  en: Say;
  ru: Say;
  standalone?: boolean;
}

/**
 * The node's rule sentences: plain-issue.ts's whole set, then the schemas' and kinds' own words
 * that forms meet. Each `en` is a whole sentence too, so a field error reads the same in both.
 */
const RULES: readonly Rule[] = [
  { pattern: /^must not be empty$/, en: () => 'This must not be empty.', ru: () => 'Заполните это поле.' },
  { pattern: /^is required$/, en: () => 'This is required.', ru: () => 'Это поле обязательно.' },
  {
    pattern: /^must have at least (\d+)(?: (characters?|items?|bytes?))?$/,
    en: ([n, unit]) => `Must have at least ${n}${unit ? ` ${unit}` : ''}.`,
    ru: ([n, unit]) => `Нужно не меньше ${ruCount(n!, unit)}.`,
  },
  {
    pattern: /^must have at most (\d+)(?: (characters?|items?|bytes?))?$/,
    en: ([n, unit]) => `Must have at most ${n}${unit ? ` ${unit}` : ''}.`,
    ru: ([n, unit]) => `Не больше ${ruCount(n!, unit)}.`,
  },
  {
    pattern: /^must be at least (-?[\d.]+)$/,
    en: ([n]) => `Must be at least ${n}.`,
    ru: ([n]) => `Значение должно быть не меньше ${n}.`,
  },
  {
    pattern: /^must be at most (-?[\d.]+)$/,
    en: ([n]) => `Must be at most ${n}.`,
    ru: ([n]) => `Значение должно быть не больше ${n}.`,
  },
  {
    pattern: /^must be more than (-?[\d.]+)$/,
    en: ([n]) => `Must be more than ${n}.`,
    ru: ([n]) => `Значение должно быть больше ${n}.`,
  },
  {
    pattern: /^must be less than (-?[\d.]+)$/,
    en: ([n]) => `Must be less than ${n}.`,
    ru: ([n]) => `Значение должно быть меньше ${n}.`,
  },
  {
    pattern: /^must be a whole number$/,
    en: () => 'Must be a whole number.',
    ru: () => 'Нужно целое число.',
  },
  {
    pattern: /^must be one of (.+)$/,
    en: ([values]) => `Must be one of ${values}.`,
    ru: ([values]) => `Допустимые значения: ${values}.`,
  },
  {
    pattern: /^must be ("[^"]*"|-?[\d.]+|true|false|null)$/,
    en: ([value]) => `Must be ${value}.`,
    ru: ([value]) => `Допустимое значение: ${value}.`,
  },
  {
    pattern:
      /^must be (?:text|a number|a list|an object|true or false|a (?:bigint|symbol|nan|int))$|^has the wrong type$/,
    en: () => 'This has the wrong type of value.',
    ru: () => 'Значение не того типа.',
  },
  {
    pattern: /^has a value that is not allowed$/,
    en: () => 'This value is not allowed.',
    ru: () => 'Такое значение не допускается.',
  },
  {
    pattern: /^unknown fields? (.+)$/,
    en: ([keys]) => `Unknown field: ${keys}.`,
    ru: ([keys]) => `Неизвестное поле: ${keys}.`,
  },
  {
    pattern: /^has unknown fields$/,
    en: () => 'It has unknown fields.',
    ru: () => 'Есть неизвестные поля.',
  },
  {
    pattern: /^does not match any of the allowed forms$/,
    en: () => 'This matches none of the allowed forms.',
    ru: () => 'Значение не подходит ни под одну из допустимых форм.',
  },
  {
    pattern: /^must be a valid (\w+)$/,
    en: ([format]) => `Must be a valid ${format}.`,
    ru: ([format]) => `Неверный формат (${format}).`,
  },
  { pattern: /^has the wrong format$/, en: () => 'The format is wrong.', ru: () => 'Неверный формат.' },
  { pattern: /^is not valid$/, en: () => 'This is not valid.', ru: () => 'Значение недопустимо.' },
  // The schemas' own words (times.ts and the kinds' schemas).
  {
    pattern: /^must be a (UTC )?(date or time|date and time|date|time)(?: such as (\S+(?: or \S+)?))?$/,
    en: ([utc, what, example]) => `Must be a ${utc ?? ''}${what}${example ? ` such as ${example}` : ''}.`,
    ru: ([utc, what, example]) =>
      `${RU_TIME_WHAT[what!] ?? 'Нужна дата'}${utc ? ' (UTC)' : ''}${example ? `, например ${example.replace(/ or /g, ' или ')}` : ''}.`,
  },
  { pattern: /^is not a real date$/, en: () => 'There is no such date.', ru: () => 'Такой даты нет.' },
  { pattern: /^is not a real time$/, en: () => 'There is no such time.', ru: () => 'Такого времени нет.' },
  {
    pattern: /^must be a duration such as (\S+)$/,
    en: ([example]) => `Must be a duration such as ${example}.`,
    ru: ([example]) => `Нужна продолжительность, например ${example}.`,
  },
  {
    pattern: /^must not be before from$/,
    en: () => 'The end must not be before the start.',
    ru: () => 'Конец не может быть раньше начала.',
  },
  {
    pattern: /^must be after from$/,
    en: () => 'The end must be after the start.',
    ru: () => 'Конец должен быть позже начала.',
  },
  {
    pattern: /^must not contain control characters$/,
    en: () => 'Must not contain control characters.',
    ru: () => 'Управляющие символы не допускаются.',
  },
  {
    pattern: /^a decline must give a reason$/,
    en: () => 'Give a reason for declining.',
    ru: () => 'Укажите причину отказа.',
  },
  {
    pattern: /^must give a reason$/,
    en: () => 'Give a reason.',
    ru: () => 'Укажите причину.',
  },
  {
    pattern: /^a counter-proposal gives another window or place$/,
    en: () => 'Give other dates or another place.',
    ru: () => 'Предложите другие даты или другое место.',
  },
  // Ajv's words for a notification's template fields (workflows/templates/kinds.ts).
  {
    pattern: /^must be (<=|>=|<|>) (-?[\d.]+)$/,
    en: ([op, n]) => `Must be ${AJV_BOUND[op!]!.en} ${n}.`,
    ru: ([op, n]) => `Значение должно быть ${AJV_BOUND[op!]!.ru} ${n}.`,
  },
  { pattern: /^must be integer$/, en: () => 'Must be a whole number.', ru: () => 'Нужно целое число.' },
  {
    pattern: /^must be (?:number|string|boolean|object|array|null)$/,
    en: () => 'This has the wrong type of value.',
    ru: () => 'Значение не того типа.',
  },
  {
    pattern: /^must be equal to one of the allowed values$/,
    en: () => 'Choose one of the allowed values.',
    ru: () => 'Выберите одно из допустимых значений.',
  },
  {
    pattern: /^must NOT have more than (\d+) (characters?|items?)$/,
    en: ([n, unit]) => `Must have at most ${n} ${unit}.`,
    ru: ([n, unit]) => `Не больше ${ruCount(n!, unit)}.`,
  },
  {
    pattern: /^must NOT have fewer than (\d+) (characters?|items?)$/,
    en: ([n, unit]) => `Must have at least ${n} ${unit}.`,
    ru: ([n, unit]) => `Нужно не меньше ${ruCount(n!, unit)}.`,
  },
  {
    pattern: /^must match format "([^"]+)"$/,
    en: ([format]) => `Must be a valid ${format}.`,
    ru: ([format]) => `Неверный формат (${format}).`,
  },
  {
    pattern: /^is not a field of the template$/,
    en: () => 'The template has no such field.',
    ru: () => 'В шаблоне нет такого поля.',
  },
  // Timed rules (a date against the entry's own time).
  {
    pattern: /^\S+ is not after the entry's own time \([^)]*\): the answer date must be in the future$/,
    en: () => 'The answer date must be in the future.',
    ru: () => 'Дата ответа должна быть в будущем.',
  },
  {
    pattern: /^\S+ is after the window ends \(([^)]*)\)$/,
    en: ([end]) => `The answer date must not be after the window ends (${end}).`,
    ru: ([end]) => `Дата ответа должна быть не позже конца периода (${end}).`,
  },
  // State refusals of an invitation's thread (workflows/contacts/invitations/fold.ts).
  {
    pattern:
      /^the invitation \S+ was withdrawn \([^)]*\): no answer, counter-proposal or withdrawal after it$/,
    en: () => 'The invitation was withdrawn: it can no longer be answered.',
    ru: () => 'Приглашение отозвано: на него больше нельзя ответить.',
    standalone: true,
  },
  {
    pattern: /^\S+ is superseded by \S+; answer the current proposal$/,
    en: () => 'These terms were replaced by newer ones: answer the current terms.',
    ru: () => 'Эти условия уже заменены новыми: ответьте на текущие.',
    standalone: true,
  },
  {
    pattern: /^the invitation \S+ is already (accepted|declined)$/,
    en: ([state]) => `The invitation is already ${state}.`,
    ru: ([state]) => `Приглашение уже ${state === 'accepted' ? 'принято' : 'отклонено'}.`,
    standalone: true,
  },
  {
    pattern: /^(\S+) has already answered \S+$/,
    en: ([party]) => `${party} has already answered these terms.`,
    ru: ([party]) => `Сторона ${party} уже ответила на эти условия.`,
    standalone: true,
  },
];

/**
 * The node's refusals that name no path but concern one field of the request all the same: a
 * password that does not prove the person (workflows/directory/accounts.ts for `POST
 * /api/v1/me/password`, whose body field is `current`; key-rotation.ts for `POST
 * /api/v1/me/key/rotate`, whose field is `password`). Code `forbidden`, status 403.
 */
const UNPATHED: readonly (Rule & { path: readonly string[] })[] = [
  {
    pattern: /^current password is wrong$/,
    path: ['current'],
    en: () => 'The current password is wrong.',
    ru: () => 'Текущий пароль неверен.',
  },
  {
    pattern: /^password is wrong$/,
    path: ['password'],
    en: () => 'The password is wrong.',
    ru: () => 'Пароль неверен.',
  },
];

/** A pathless refusal that concerns one field (UNPATHED), said in the interface language; or null. */
function unpathedRefusal(rule: string, locale: Locale): FieldRefusal | null {
  for (const known of UNPATHED) {
    const match = known.pattern.exec(rule);
    if (match)
      return {
        field: known.path[0]!,
        path: [...known.path],
        sentence: known[locale](match.slice(1)),
        known: true,
        standalone: false,
      };
  }
  return null;
}

const AJV_BOUND: Record<string, { en: string; ru: string }> = {
  '<=': { en: 'at most', ru: 'не больше' },
  '>=': { en: 'at least', ru: 'не меньше' },
  '<': { en: 'less than', ru: 'меньше' },
  '>': { en: 'more than', ru: 'больше' },
};

const RU_TIME_WHAT: Record<string, string> = {
  'date or time': 'Нужна дата или время',
  'date and time': 'Нужны дата и время',
  date: 'Нужна дата',
  time: 'Нужно время',
};

/** A rule sentence in the interface language, or null if it is not one known here. */
export function translateRule(
  rule: string,
  locale: Locale,
): { sentence: string; standalone: boolean } | null {
  for (const known of RULES) {
    const match = known.pattern.exec(rule);
    if (match) return { sentence: known[locale](match.slice(1)), standalone: known.standalone === true };
  }
  return null;
}

/** The node's own words, made a sentence: capitalised, with a full stop. */
function asSentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}

/** What a refusal (`{code, message}` of the node) says, and about which field. */
export function fieldRefusal(error: { code: string; message: string }, locale: Locale): FieldRefusal {
  const { path, rule } = splitRefusal(error.message);
  const unpathed = path.length === 0 ? unpathedRefusal(rule, locale) : null;
  if (unpathed) return unpathed;
  const translated = translateRule(rule, locale);
  return {
    field: path[0] ?? null,
    path,
    sentence: translated?.sentence ?? asSentence(rule),
    known: translated !== null,
    standalone: translated?.standalone ?? false,
  };
}

/**
 * The first of a form's `fields` a refusal's path falls under. A field is a dotted path
 * (`renderings.ru`) the refusal's path starts with, so `window` takes `window.from` too.
 */
export function claimingField(path: readonly string[], fields: readonly string[]): string | null {
  if (path.length === 0) return null;
  return fields.find((name) => name.split('.').every((segment, i) => path[i] === segment)) ?? null;
}
