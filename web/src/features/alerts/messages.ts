/**
 * The words of arrival alerts: the banner, the desktop notification, the tab title.
 * English is the reference; Russian must have every key and no other (checked by the type).
 */
import { defineMessages, translator } from '../../lib/i18n';
import { commonMessages } from '../../lib/messages';

export const alertsMessages = defineMessages(
  {
    alertsRegion: 'Urgent arrivals',
    alertFrom: 'from',
    alertIn: 'in',
    alertOpen: 'Open',
    alertMore: 'more urgent items',
    enableDesktopAlerts: 'Enable desktop alerts',
    desktopAlertsBlocked: 'Desktop alerts are blocked in this browser',
    streamDown: 'Live updates interrupted: reconnecting to your node…',
    precedenceFLASH: 'FLASH',
    precedenceIMMEDIATE: 'IMMEDIATE',
  },
  {
    alertsRegion: 'Срочные поступления',
    alertFrom: 'от',
    alertIn: 'в канале',
    alertOpen: 'Открыть',
    alertMore: 'ещё срочных',
    enableDesktopAlerts: 'Включить уведомления на рабочем столе',
    desktopAlertsBlocked: 'Уведомления заблокированы в этом браузере',
    streamDown: 'Обновления прервались: переподключение к вашему узлу…',
    precedenceFLASH: 'МОЛНИЯ',
    precedenceIMMEDIATE: 'НЕМЕДЛЕННО',
  },
);

export const t = translator(alertsMessages, commonMessages);
