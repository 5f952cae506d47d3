/**
 * The words of the channel charter and its changes.
 * English is the reference; Russian must have every key and no other (checked by the type).
 */
import { defineMessages, translator } from '../../lib/i18n';
import { commonMessages } from '../../lib/messages';

export const charterMessages = defineMessages(
  {
    charterTitle: 'Charter and changes',
    charterState: 'State',
    charterLanguages: 'Languages',
    charterParties: 'Parties',
    charterObservers: 'Observers',
    changeJoiningParties: 'Parties that join as writers (PARTY=office, office; pinned peers)',
    charterDeadlines: 'Deadlines per precedence (minutes)',
    charterDelivery: 'Delivery within',
    charterResponse: 'Response within',
    charterChanges: 'Proposed changes',
    charterNoChanges: 'No change has been proposed.',
    charterHeadsOnly: 'Only the head of a member office proposes or agrees to changes.',
    changeSuspend: 'Suspend the channel',
    changeResume: 'Resume the channel',
    changeAmend: 'Amend the charter',
    changeAgreedBy: 'agreed by',
    changeInEffect: 'in effect',
    changeWaitingFor: 'waiting for',
    changeAgree: 'Agree',
    changePropose: 'Propose a change',
    changeKind: 'Change',
    changeReason: 'Reason (shown to every party)',
    changeSubmit: 'Propose',
    changeSent: 'Proposed:',
  },
  {
    charterTitle: 'Устав и изменения',
    charterState: 'Состояние',
    charterLanguages: 'Языки',
    charterParties: 'Стороны',
    charterObservers: 'Наблюдатели',
    changeJoiningParties: 'Стороны, которые присоединяются (СТОРОНА=ведомство, ведомство; закреплённые узлы)',
    charterDeadlines: 'Сроки по срочности (минуты)',
    charterDelivery: 'Доставка в течение',
    charterResponse: 'Ответ в течение',
    charterChanges: 'Предложенные изменения',
    charterNoChanges: 'Изменения не предлагались.',
    charterHeadsOnly: 'Изменения предлагает и одобряет только руководитель ведомства-участника.',
    changeSuspend: 'Приостановить канал',
    changeResume: 'Возобновить канал',
    changeAmend: 'Изменить устав',
    changeAgreedBy: 'одобрили',
    changeInEffect: 'действует',
    changeWaitingFor: 'ожидается',
    changeAgree: 'Одобрить',
    changePropose: 'Предложить изменение',
    changeKind: 'Изменение',
    changeReason: 'Причина (видна всем сторонам)',
    changeSubmit: 'Предложить',
    changeSent: 'Предложено:',
  },
);

/** The current interface text for `key`. */
export const t = translator(commonMessages, charterMessages);
export type MessageKey = Parameters<typeof t>[0];
