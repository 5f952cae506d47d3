/**
 * The readout alignment: sentences kept as written, Russian and English words stemmed across
 * their inflections, paraphrases paired as similar, identical wording alone called the same, and
 * the conflicts a person must see (numbers, dates, times, durations, validity, negation,
 * modality) labelled and their words marked.
 */
import { describe, expect, it } from 'vitest';
import { alignReadouts, splitSentences, type AlignedPoint } from './alignment.js';
import { stemWord } from '../../language/stemming.js';

const en = (text: string) => ({ text, lang: 'en' });
const ru = (text: string) => ({ text, lang: 'ru' });
const marked = (parts: AlignedPoint['aParts'], mark = 'conflict') =>
  (parts ?? []).filter((p) => p.mark === mark).map((p) => p.text);

describe('splitting and stemming', () => {
  it('splits sentences so that they join back into the text as written', () => {
    const text = 'First point.  Second one?! Third — with a dash…\nFourth line without stop';
    const sentences = splitSentences(text);
    expect(sentences.map((s) => s.text).join('')).toBe(text);
    expect(sentences.map((s) => s.normal)).toEqual([
      'first point',
      'second one',
      'third with a dash',
      'fourth line without stop',
    ]);
    expect(sentences.map((s) => s.start)).toEqual([0, 14, 27, 48]);
    expect(splitSentences('«Да», — сказал он. Нет.').map((s) => s.normal)).toEqual(['да сказал он', 'нет']);
  });

  it('stems Russian words across their inflections to one key', () => {
    const key = (words: string[]) => new Set(words.map((w) => stemWord(w, 'ru')));
    expect(key(['переговоры', 'переговоров', 'переговорам', 'переговорах']).size).toBe(1);
    expect(key(['уведомлять', 'уведомление', 'уведомления', 'уведомлением']).size).toBe(1);
    expect(key(['Учения', 'учений', 'учениях']).size).toBe(1);
    expect(key(['стабильность', 'стабильности'])).toEqual(key(['стабильностью']));
    expect(stemWord('Ёлка', 'ru')).toBe(stemWord('елки', 'ru'));
    expect(key(['notify', 'notified', 'notification', 'notifications']).size).toBe(1);
    expect(stemWord('exercises', 'en')).toBe(stemWord('exercise', 'en'));
  });

  it('pairs an inflected Russian paraphrase as similar, never as the same', () => {
    const result = alignReadouts(
      ru('Президенты обсудили вопросы стратегической стабильности.'),
      ru('Вопросы стратегической стабильности обсуждались президентами.'),
    );
    expect(result.points.map((p) => p.label)).toEqual(['similar']);
    expect(result.points[0]!.similarity).toBeGreaterThan(0.5);
  });
});

describe('labels', () => {
  it('calls same only identical wording (case, spacing, punctuation aside)', () => {
    const result = alignReadouts(
      en('The parties confirmed the hotline works!'),
      en('the parties  confirmed the hotline works.'),
    );
    expect(result.points).toMatchObject([{ label: 'same', a: 0, b: 0, conflicts: [] }]);
    expect(
      alignReadouts(en('The parties confirmed the line works.'), en('Both parties confirmed the line works.'))
        .points[0]!.label,
    ).toBe('similar');
  });

  it('marks different numbers, and reads 48 hours as two days', () => {
    const conflict = alignReadouts(
      en('Both sides agreed to notify each other 48 hours ahead.'),
      en('Both sides agreed to notify each other 24 hours ahead.'),
    ).points[0]!;
    expect(conflict.label).toBe('conflict');
    expect(conflict.conflicts).toEqual([{ type: 'duration', a: ['48 hours'], b: ['24 hours'] }]);
    expect(marked(conflict.aParts)).toEqual(['48 hours']);
    expect(marked(conflict.bParts)).toEqual(['24 hours']);
    expect(
      alignReadouts(
        ru('О пусках ракет стороны будут уведомлять за двое суток.'),
        ru('Уведомление о пусках ракет будет направляться за 48 часов.'),
      ).points[0]!.label,
    ).toBe('similar');
    const count = alignReadouts(
      en('The exchange includes 95 detainees.'),
      en('The exchange includes 90 detainees.'),
    ).points[0]!;
    expect(count.conflicts).toEqual([{ type: 'number', a: ['95'], b: ['90'] }]);
  });

  it('sees "valid until the 18th" against "no expiry", in both languages', () => {
    const point = alignReadouts(
      en('The ceasefire arrangement is valid until the 18th.'),
      en('The ceasefire arrangement has no expiry.'),
    ).points[0]!;
    expect(point.label).toBe('conflict');
    expect(point.conflicts).toEqual([{ type: 'validity', a: ['18th'], b: ['no expiry'] }]);
    const russian = alignReadouts(
      ru('Договорённость о прекращении огня действует до 18-го числа.'),
      ru('Договорённость о прекращении огня действует бессрочно.'),
    ).points[0]!;
    expect(russian.conflicts).toEqual([{ type: 'validity', a: ['18-го'], b: ['бессрочно'] }]);
  });

  it('sees negation and modality: "agreed" / "did not agree", "will" / "may"', () => {
    const negation = alignReadouts(
      en('The leaders agreed to extend the mechanism.'),
      en('The leaders did not agree to extend the mechanism.'),
    ).points[0]!;
    expect(negation.label).toBe('conflict');
    expect(negation.conflicts.map((c) => c.type)).toEqual(['negation']);
    expect(marked(negation.bParts)).toEqual(['not agree']);
    const modality = alignReadouts(en('Experts will meet in Geneva.'), en('Experts may meet in Geneva.'))
      .points[0]!;
    expect(modality.conflicts).toEqual([{ type: 'modality', a: ['will'], b: ['may'] }]);
    expect(
      alignReadouts(
        ru('Стороны не согласились продлить механизм.'),
        ru('Стороны согласились продлить механизм.'),
      ).points[0]!.conflicts.map((c) => c.type),
    ).toContain('negation');
    // "No later than" sets a limit; it is no negation.
    expect(
      alignReadouts(en('Lists are exchanged no later than Friday.'), en('Lists are exchanged by Friday.'))
        .points[0]!.label,
    ).toBe('similar');
  });

  it('sees dates and times of day, and a date given more precisely is no conflict', () => {
    const date = alignReadouts(
      en('Talks are set for 3 March in Istanbul.'),
      en('Talks are set for 10 March in Istanbul.'),
    ).points[0]!;
    expect(date.conflicts).toEqual([{ type: 'date', a: ['3 March'], b: ['10 March'] }]);
    expect(
      alignReadouts(en('Talks are set for March in Istanbul.'), en('Talks are set for 10 March in Istanbul.'))
        .points[0]!.label,
    ).toBe('similar');
    const time = alignReadouts(en('The test is on Friday at 16:00.'), en('The test is on Friday at 2 pm.'))
      .points[0]!;
    expect(time.conflicts).toEqual([{ type: 'time', a: ['16:00'], b: ['2 pm'] }]);
    expect(alignReadouts(en('They spoke at 4 pm.'), en('They spoke at 16:00.')).points[0]!.label).toBe(
      'similar',
    );
  });

  it('keeps the order, shows omissions on their side and pairs a point told elsewhere', () => {
    const result = alignReadouts(
      en(
        'Condolences were offered for the flood. Counter-terrorism cooperation was discussed. The line stays open.',
      ),
      en(
        'The line stays open. Counter-terrorism cooperation was discussed. The weather was discussed at length.',
      ),
    );
    expect(result.points.map((p) => [p.label, p.a, p.b])).toEqual([
      ['one-side', 0, null],
      ['same', 1, 1],
      ['same', 2, 0],
      ['one-side', null, 2],
    ]);
    expect(result.counts).toEqual({ same: 2, similar: 0, conflict: 0, 'one-side': 2 });
  });

  it('compares readouts in two languages through a translation, never as the same', () => {
    const a = ru('Стороны подтвердили, что линия связи работает.');
    const b = en('The parties confirmed the line works.');
    const without = alignReadouts(a, b);
    expect(without.comparable).toBe(false);
    expect(without.points.every((p) => p.label === 'one-side')).toBe(true);
    const through = alignReadouts(a, b, {
      translation: { of: 'a', lang: 'en', text: 'The parties confirmed the line works.' },
    });
    expect(through.comparable).toBe(true);
    expect(through.a).toMatchObject({ lang: 'en', translated: true });
    expect(through.b.translated).toBe(false);
    expect(through.points.map((p) => p.label)).toEqual(['similar']);
  });

  it('joins every sentence back from its marked parts', () => {
    const a = 'The sides will resume flights between the capitals, said the minister.';
    const b = 'The sides may consider resuming flights between both capitals.';
    const point = alignReadouts(en(a), en(b)).points[0]!;
    expect(point.aParts!.map((p) => p.text).join('')).toBe(a);
    expect(point.bParts!.map((p) => p.text).join('')).toBe(b);
    expect(marked(point.aParts, 'differs')).toContain('minister');
  });
});
