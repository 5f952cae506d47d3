/**
 * The words of search and the Ctrl+K switcher.
 * English is the reference; Russian must have every key and no other (checked by the type).
 */
import { defineMessages, translator } from '../../lib/i18n';
import { commonMessages } from '../../lib/messages';

export const searchMessages = defineMessages(
  {
    navSearch: 'Search',
    searchTitle: 'Search',
    searchIntro:
      'Every channel you may read. Words match in any form (договорённость finds договорённости, negotiated finds negotiations); every word must occur.',
    searchWords: 'Words',
    searchButton: 'Search',
    searchChannel: 'Channel',
    searchAnyChannel: 'All my channels',
    searchKind: 'Kind',
    searchAnyKind: 'Any kind',
    searchPrecedence: 'Precedence',
    searchAnyPrecedence: 'Any precedence',
    searchMarking: 'Marking',
    searchAnyMarking: 'Real and test traffic',
    searchRealOnly: 'Real traffic only',
    searchParty: 'Party (chain)',
    searchFrom: 'From (date)',
    searchTo: 'Before (date)',
    searchResults: 'Results',
    searchNothing: 'Nothing found in the channels you may read.',
    searchMore: 'More results',
    searchAsk: 'Type words to search for.',
    searchBy: 'by',
    switcherOpen: 'Go to… (Ctrl+K)',
    switcherTitle: 'Go to a channel or search',
    switcherPlaceholder: 'Channel name, or words to search for',
    switcherSearchFor: 'Search all my channels for',
    switcherChannels: 'Channels and search',
    switcherHint: '↑↓ to choose, Enter to open, Esc to close',
    switcherNoChannel: 'No channel of that name.',
    kind_note: 'Note',
    kind_notification: 'Notification',
    kind_response: 'Response',
    kind_receipt: 'Receipt (read-back)',
    kind_clarification_request: 'Clarification request',
    kind_clarification: 'Clarification',
    kind_translation: 'Translation',
    kind_readout: 'Readout',
    kind_summary_point: 'Joint summary point',
    kind_statement_draft: 'Statement draft',
    kind_briefing_proposal: 'Briefing proposal',
    kind_briefing_record: 'Briefing minutes',
    kind_invitation_proposal: 'Invitation',
    kind_glossary_term: 'Glossary term',
  },
  {
    navSearch: 'Поиск',
    searchTitle: 'Поиск',
    searchIntro:
      'Во всех каналах, которые вам доступны. Слова находятся в любой форме (договорённость найдёт договорённости, negotiated — negotiations); нужны все слова.',
    searchWords: 'Слова',
    searchButton: 'Найти',
    searchChannel: 'Канал',
    searchAnyChannel: 'Все мои каналы',
    searchKind: 'Вид записи',
    searchAnyKind: 'Любой вид',
    searchPrecedence: 'Срочность',
    searchAnyPrecedence: 'Любая срочность',
    searchMarking: 'Пометка',
    searchAnyMarking: 'Реальные и учебные',
    searchRealOnly: 'Только реальные',
    searchParty: 'Сторона (цепочка)',
    searchFrom: 'С (дата)',
    searchTo: 'До (дата)',
    searchResults: 'Результаты',
    searchNothing: 'В доступных вам каналах ничего не найдено.',
    searchMore: 'Ещё результаты',
    searchAsk: 'Введите слова для поиска.',
    searchBy: 'автор',
    switcherOpen: 'Перейти… (Ctrl+K)',
    switcherTitle: 'Перейти к каналу или искать',
    switcherPlaceholder: 'Название канала или слова для поиска',
    switcherSearchFor: 'Искать во всех моих каналах:',
    switcherChannels: 'Каналы и поиск',
    switcherHint: '↑↓ — выбор, Enter — открыть, Esc — закрыть',
    switcherNoChannel: 'Канала с таким названием нет.',
    kind_note: 'Записка',
    kind_notification: 'Уведомление',
    kind_response: 'Ответ',
    kind_receipt: 'Квитанция (повтор)',
    kind_clarification_request: 'Запрос уточнения',
    kind_clarification: 'Уточнение',
    kind_translation: 'Перевод',
    kind_readout: 'Отчёт о беседе',
    kind_summary_point: 'Пункт совместного итога',
    kind_statement_draft: 'Проект заявления',
    kind_briefing_proposal: 'Предложение брифинга',
    kind_briefing_record: 'Протокол брифинга',
    kind_invitation_proposal: 'Приглашение',
    kind_glossary_term: 'Термин глоссария',
  },
);

export const t = translator(commonMessages, searchMessages);

/** The kinds a person filters by (what people write), in the order offered. */
export const SEARCHED_KINDS = [
  'note',
  'notification',
  'response',
  'receipt',
  'clarification-request',
  'clarification',
  'translation',
  'readout',
  'summary-point',
  'statement-draft',
  'briefing-proposal',
  'briefing-record',
  'invitation-proposal',
  'glossary-term',
] as const;

/** A kind's name in the interface language; kinds not listed keep their own name. */
export function kindLabel(kind: string): string {
  const known = (SEARCHED_KINDS as readonly string[]).includes(kind);
  return known ? t(`kind_${kind.replace(/-/g, '_')}` as Parameters<typeof t>[0]) : kind;
}
