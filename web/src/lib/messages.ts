/**
 * The words the frame (navigation, interface language, sign-out) and the shared components use, and
 * the few that several features share.
 * English is the reference; Russian must have every key and no other (checked by the type).
 */
import { defineMessages, translator } from './i18n';

export const commonMessages = defineMessages(
  {
    appName: 'Parley',
    language: 'Interface language',
    loading: 'Loading…',
    retry: 'Try again',
    errorTitle: 'Something went wrong',
    skipToContent: 'Skip to content',
    // Login
    loginTitle: 'Sign in',
    logout: 'Sign out',
    signedInAs: 'Signed in as',
    // Navigation
    navChannels: 'Channels',
    navPeers: 'Peers & alerts',
    navAdmin: 'Administration',
    mainNav: 'Main navigation',
    // Channel list
    channelsEmpty: 'No channels yet. An administrator creates channels between offices.',
    stateProposed: 'proposed',
    stateActive: 'active',
    stateSuspended: 'suspended',
    stateClosed: 'closed',
    waitingFor: 'waiting for',
    reason: 'reason',
    // Compose
    precedence: 'Precedence',
    entryLanguage: 'Language of the text',
    marking: 'Marking',
    markingNone: 'None (real traffic)',
    sending: 'Sending…',
    sent: 'Sent',
    // Inspector
    deliveryNone: 'No other parties.',
    // Admin
    accept: 'Accept',
    navObligations: 'Obligations',
    iOwe: 'I owe',
    iAmOwed: 'I am owed',
    overdue: 'OVERDUE',
    question: 'Question',
    yes: 'yes',
    no: 'no',
    propose: 'Propose',
    navCadence: 'Cadence',
  },
  {
    appName: 'Parley',
    language: 'Язык интерфейса',
    loading: 'Загрузка…',
    retry: 'Повторить',
    errorTitle: 'Произошла ошибка',
    skipToContent: 'К содержанию',
    // Login
    loginTitle: 'Вход',
    logout: 'Выйти',
    signedInAs: 'Вы вошли как',
    // Navigation
    navChannels: 'Каналы',
    navPeers: 'Узлы и тревоги',
    navAdmin: 'Администрирование',
    mainNav: 'Основная навигация',
    // Channel list
    channelsEmpty: 'Каналов пока нет. Каналы между ведомствами создаёт администратор.',
    stateProposed: 'предложен',
    stateActive: 'действует',
    stateSuspended: 'приостановлен',
    stateClosed: 'закрыт',
    waitingFor: 'ожидается',
    reason: 'причина',
    // Compose
    precedence: 'Срочность',
    entryLanguage: 'Язык текста',
    marking: 'Отметка',
    markingNone: 'Нет (боевой трафик)',
    sending: 'Отправка…',
    sent: 'Отправлено',
    // Inspector
    deliveryNone: 'Других сторон нет.',
    // Admin
    accept: 'Принять',
    navObligations: 'Обязательства',
    iOwe: 'Должен я',
    iAmOwed: 'Должны мне',
    overdue: 'ПРОСРОЧЕНО',
    question: 'Вопрос',
    yes: 'да',
    no: 'нет',
    propose: 'Предложить',
    navCadence: 'Ритм контактов',
  },
);

/** The current interface text for `key`. */
export const t = translator(commonMessages);
export type MessageKey = Parameters<typeof t>[0];
