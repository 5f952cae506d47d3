/**
 * The words of the readout comparison and the joint summary, in English and Russian (English is
 * the reference; Russian must have every key). Readout texts are shown as written.
 */
import { defineMessages, translator } from '../../lib/i18n';

export const readoutMessages = defineMessages(
  {
    labelSame: 'same',
    labelSimilar: 'similar — check',
    labelConflict: 'conflict',
    labelOneSide: 'only one side',
    legendSame: 'same words',
    legendSimilar: 'the same point in other words: check',
    legendConflict: 'conflicting words',
    legendOneSide: 'said by one side only',
    countsTitle: 'Points',
    throughTranslation: 'compared through a translation, not authoritative',
    originalText: 'The readout as written',
    notComparable:
      'The readouts are in different languages and neither has a translation into the other: attach a translation to compare them.',
    conflictTypes: 'Conflict',
    summaryTitle: 'Joint summary, point by point',
    summaryHint:
      'Each point is agreed only when every party has signed that exact version. Proposing a point signs it for your party.',
    summaryNone: 'No points yet. Propose one from an aligned point above.',
    proposePoint: 'Propose as a summary point',
    pointText: 'Text of the point',
    pointStatus: 'Proposed as',
    statusAgreed: 'agreed',
    statusDisputed: 'disputed',
    statusUnilateral: 'unilateral',
    pointParty: 'Whose position',
    restsOn: 'Rests on',
    submitPoint: 'Propose point',
    signPoint: 'Sign this version',
    signed: 'Signed by',
    waiting: 'Waiting for',
    stateAgreed: 'agreed by every party',
    stateOpen: 'open',
    pointRequired: 'The text of the point is required.',
  },
  {
    labelSame: 'совпадает',
    labelSimilar: 'похоже — проверьте',
    labelConflict: 'противоречие',
    labelOneSide: 'только у одной стороны',
    legendSame: 'те же слова',
    legendSimilar: 'тот же пункт другими словами: проверьте',
    legendConflict: 'противоречащие слова',
    legendOneSide: 'сказано только одной стороной',
    countsTitle: 'Пункты',
    throughTranslation: 'сравнение через перевод, не имеющий силы оригинала',
    originalText: 'Изложение в оригинале',
    notComparable:
      'Изложения на разных языках, и ни у одного нет перевода на язык другого: приложите перевод, чтобы сравнить.',
    conflictTypes: 'Противоречие',
    summaryTitle: 'Совместное резюме по пунктам',
    summaryHint:
      'Пункт согласован, только когда каждая сторона подписала именно эту редакцию. Предлагая пункт, вы подписываете его за свою сторону.',
    summaryNone: 'Пунктов пока нет. Предложите пункт из сопоставления выше.',
    proposePoint: 'Предложить как пункт резюме',
    pointText: 'Текст пункта',
    pointStatus: 'Предлагается как',
    statusAgreed: 'согласованный',
    statusDisputed: 'спорный',
    statusUnilateral: 'односторонний',
    pointParty: 'Чья позиция',
    restsOn: 'Основан на',
    submitPoint: 'Предложить пункт',
    signPoint: 'Подписать эту редакцию',
    signed: 'Подписали',
    waiting: 'Ожидается',
    stateAgreed: 'согласован всеми сторонами',
    stateOpen: 'открыт',
    pointRequired: 'Введите текст пункта.',
  },
);

/** The current interface text for a readout-comparison `key`. */
export const rt = translator(readoutMessages);
