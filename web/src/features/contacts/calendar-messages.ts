/**
 * The words of a channel's calendar panel (calendar-feeds.tsx), in English and Russian (English
 * is the reference; Russian must have every key).
 */
import { defineMessages, translator } from '../../lib/i18n';

export const calendarMessages = defineMessages(
  {
    calendarTitle: 'Calendar',
    calendarIntro:
      'Every occurrence of this channel’s briefings as an iCalendar file, or as an address a calendar application subscribes to.',
    download: 'Download the calendar (.ics)',
    subscribe: 'Create a subscription address',
    creating: 'Creating…',
    newAddress: 'Subscription address',
    newAddressHint:
      'Shown once. Anyone with this address reads this channel’s calendar: keep it like a password, and revoke it when it is no longer needed.',
    feedsTitle: 'My subscription addresses for this channel',
    noFeeds: 'None yet.',
    createdOn: 'created',
    revoke: 'Revoke',
    revokeAsk: 'Revoke this address? Calendars subscribed to it stop updating.',
    revokeYes: 'Yes, revoke',
    revokeNo: 'Keep it',
    revoked: 'Revoked: the address answers “not found” from now on.',
  },
  {
    calendarTitle: 'Календарь',
    calendarIntro:
      'Все брифинги этого канала в формате iCalendar — файлом или адресом, на который подписывается календарное приложение.',
    download: 'Скачать календарь (.ics)',
    subscribe: 'Создать адрес подписки',
    creating: 'Создание…',
    newAddress: 'Адрес подписки',
    newAddressHint:
      'Показывается один раз. Любой, у кого есть этот адрес, видит календарь канала: храните его как пароль и отзовите, когда он больше не нужен.',
    feedsTitle: 'Мои адреса подписки на этот канал',
    noFeeds: 'Пока нет.',
    createdOn: 'создан',
    revoke: 'Отозвать',
    revokeAsk: 'Отозвать этот адрес? Подписанные на него календари перестанут обновляться.',
    revokeYes: 'Да, отозвать',
    revokeNo: 'Оставить',
    revoked: 'Отозван: по этому адресу теперь ничего не найдётся.',
  },
);

/** The current interface text for a calendar-panel `key`. */
export const ct = translator(calendarMessages);
