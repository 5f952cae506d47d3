/**
 * The web app's reading of a node refusal (web/src/lib/field-errors.ts), without a browser: which
 * field a `path: rule` message concerns, and the rule said again in the interface's language.
 * The rules are the node's own sentences (src/core/plain-issue.ts), so these tests produce them
 * with plainIssue itself where they can, and a change of wording there fails here.
 */
import { describe, expect, it } from 'vitest';
import { plainIssue } from '../src/core/plain-issue.js';
import { claimingField, fieldRefusal, splitRefusal, translateRule } from '../web/src/lib/field-errors.js';

const refusal = (message: string, code = 'body_invalid') => ({ code, message });

describe('splitRefusal', () => {
  it('names the first field after the request part', () => {
    expect(splitRefusal('body.window.from: must be a UTC date or time').path).toEqual(['window', 'from']);
    expect(splitRefusal('body.body.text: must not be empty').path).toEqual(['text']);
    expect(splitRefusal('respondBy: 2020-01-01 is not after …').path).toEqual(['respondBy']);
    expect(splitRefusal('items.0.text: must not be empty').path).toEqual(['items', '0', 'text']);
  });

  it('names no field for the request as a whole or a sentence without a path', () => {
    expect(splitRefusal('body: must be an object').path).toEqual([]);
    expect(splitRefusal('the invitation intel/RU/4 was withdrawn (intel/RU/5): no more').path).toEqual([]);
    expect(splitRefusal('marking must be one of TEST, EXERCISE').path).toEqual([]);
  });
});

describe('translateRule', () => {
  it('says every sentence plain-issue produces for lengths and sizes in Russian, with plurals', () => {
    const tooShort = (minimum: number) => plainIssue({ code: 'too_small', origin: 'string', minimum });
    const tooLong = (maximum: number) => plainIssue({ code: 'too_big', origin: 'string', maximum });
    expect(translateRule(tooShort(1), 'ru')?.sentence).toBe('Заполните это поле.');
    expect(translateRule(tooShort(2), 'ru')?.sentence).toBe('Нужно не меньше 2 символов.');
    expect(translateRule(tooLong(1), 'ru')?.sentence).toBe('Не больше 1 символа.');
    expect(translateRule(tooLong(21), 'ru')?.sentence).toBe('Не больше 21 символа.');
    expect(translateRule(tooLong(300), 'ru')?.sentence).toBe('Не больше 300 символов.');
    expect(translateRule(tooLong(12), 'ru')?.sentence).toBe('Не больше 12 символов.');
    expect(translateRule(plainIssue({ code: 'too_big', origin: 'array', maximum: 3 }), 'ru')?.sentence).toBe(
      'Не больше 3 элементов.',
    );
    expect(
      translateRule(plainIssue({ code: 'too_small', origin: 'number', minimum: 5 }), 'ru')?.sentence,
    ).toBe('Значение должно быть не меньше 5.');
    expect(
      translateRule(plainIssue({ code: 'too_big', origin: 'number', maximum: 90, inclusive: false }), 'ru')
        ?.sentence,
    ).toBe('Значение должно быть меньше 90.');
  });

  it('says the other validation sentences in both languages', () => {
    const cases: Array<[Parameters<typeof plainIssue>[0], string, string]> = [
      [
        { code: 'invalid_type', expected: 'int', input: 1.5 },
        'Must be a whole number.',
        'Нужно целое число.',
      ],
      [
        { code: 'invalid_type', expected: 'string', input: 1 },
        'This has the wrong type of value.',
        'Значение не того типа.',
      ],
      [
        { code: 'invalid_value', values: ['visit', 'meeting'] },
        'Must be one of "visit", "meeting".',
        'Допустимые значения: "visit", "meeting".',
      ],
      [{ code: 'invalid_value', values: ['visit'] }, 'Must be "visit".', 'Допустимое значение: "visit".'],
      [{ code: 'unrecognized_keys', keys: ['extra'] }, 'Unknown field: extra.', 'Неизвестное поле: extra.'],
      [
        { code: 'invalid_union' },
        'This matches none of the allowed forms.',
        'Значение не подходит ни под одну из допустимых форм.',
      ],
      [{ code: 'invalid_format', format: 'email' }, 'Must be a valid email.', 'Неверный формат (email).'],
      [{ code: 'invalid_format', format: 'regex' }, 'The format is wrong.', 'Неверный формат.'],
      [{ code: 'custom' }, 'This is not valid.', 'Значение недопустимо.'],
    ];
    for (const [issue, en, ru] of cases) {
      const rule = plainIssue(issue);
      expect(translateRule(rule, 'en')?.sentence, rule).toBe(en);
      expect(translateRule(rule, 'ru')?.sentence, rule).toBe(ru);
    }
  });

  it('says the date rules of the schemas and the timed answer-date rule', () => {
    expect(
      translateRule('must be a UTC date or time such as 2026-03-15 or 2026-03-15T12:00Z', 'ru')?.sentence,
    ).toBe('Нужна дата или время (UTC), например 2026-03-15 или 2026-03-15T12:00Z.');
    expect(translateRule('is not a real date', 'ru')?.sentence).toBe('Такой даты нет.');
    expect(translateRule('must not be before from', 'en')?.sentence).toBe(
      'The end must not be before the start.',
    );
    const past =
      "2020-01-01 is not after the entry's own time (2026-12-01T21:00:00.000Z): the answer date must be in the future";
    expect(translateRule(past, 'ru')?.sentence).toBe('Дата ответа должна быть в будущем.');
  });

  it('knows nothing of a sentence it was not given, so the node’s own is shown', () => {
    expect(translateRule('FR is not a peer of this node', 'ru')).toBeNull();
  });
});

describe('fieldRefusal', () => {
  it('puts a validation refusal on its field, in the interface language', () => {
    expect(fieldRefusal(refusal('body.window.from: is not a real date', 'validation_failed'), 'ru')).toEqual({
      field: 'window',
      path: ['window', 'from'],
      sentence: 'Такой даты нет.',
      known: true,
      standalone: false,
    });
  });

  it('falls back to the node’s sentence, made a sentence', () => {
    expect(fieldRefusal(refusal('text: a resolution is a wording without brackets'), 'ru')).toMatchObject({
      field: 'text',
      sentence: 'A resolution is a wording without brackets.',
      known: false,
    });
  });

  it('says a state refusal of an invitation as a whole sentence needing no field', () => {
    const withdrawn = fieldRefusal(
      refusal(
        'the invitation intel/RU/4 was withdrawn (intel/RU/6): no answer, counter-proposal or withdrawal after it',
        'state_conflict',
      ),
      'ru',
    );
    expect(withdrawn).toMatchObject({ field: null, known: true, standalone: true });
    expect(withdrawn.sentence).toBe('Приглашение отозвано: на него больше нельзя ответить.');
    const superseded = fieldRefusal(
      refusal('to: intel/RU/4 is superseded by intel/US/7; answer the current proposal', 'state_conflict'),
      'en',
    );
    expect(superseded).toMatchObject({ field: 'to', standalone: true });
  });
});

describe('claimingField', () => {
  it('gives the refusal to the form field its path falls under', () => {
    expect(claimingField(['window', 'from'], ['where', 'window', 'respondBy'])).toBe('window');
    expect(claimingField(['renderings', 'ru'], ['term', 'renderings.en', 'renderings.ru'])).toBe(
      'renderings.ru',
    );
    expect(claimingField(['renderings'], ['renderings.en'])).toBeNull();
    expect(claimingField(['to'], ['where', 'window'])).toBeNull();
    expect(claimingField([], ['text'])).toBeNull();
  });
});

describe('template fields (Ajv)', () => {
  it('says the bounds, types and formats of a template field in both languages', () => {
    expect(fieldRefusal(refusal('fields.area.lat: must be <= 90'), 'en')).toMatchObject({
      path: ['fields', 'area', 'lat'],
      sentence: 'Must be at most 90.',
    });
    expect(translateRule('must be <= 90', 'ru')?.sentence).toBe('Значение должно быть не больше 90.');
    expect(translateRule('must be integer', 'ru')?.sentence).toBe('Нужно целое число.');
    expect(translateRule('must NOT have more than 40 characters', 'ru')?.sentence).toBe(
      'Не больше 40 символов.',
    );
    expect(translateRule('must match format "date"', 'en')?.sentence).toBe('Must be a valid date.');
    expect(translateRule('is not a field of the template', 'ru')?.sentence).toBe(
      'В шаблоне нет такого поля.',
    );
  });
});

describe('fieldRefusal of a wrong password', () => {
  it('puts the pathless refusal of a password on the field the request names it by', () => {
    // workflows/directory/accounts.ts (POST /api/v1/me/password) and key-rotation.ts (…/key/rotate).
    expect(fieldRefusal(refusal('current password is wrong', 'forbidden'), 'en')).toEqual({
      field: 'current',
      path: ['current'],
      sentence: 'The current password is wrong.',
      known: true,
      standalone: false,
    });
    expect(fieldRefusal(refusal('password is wrong', 'forbidden'), 'ru')).toMatchObject({
      field: 'password',
      sentence: 'Пароль неверен.',
      known: true,
    });
    // The login's refusal names no field of its own (user or password): it stays the form's.
    expect(fieldRefusal(refusal('user or password is wrong', 'invalid_credentials'), 'en').field).toBeNull();
  });
});
