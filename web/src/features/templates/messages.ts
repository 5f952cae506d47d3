/**
 * The words of notifications from templates.
 * English is the reference; Russian must have every key and no other (checked by the type).
 */
import { defineMessages, translator } from '../../lib/i18n';
import { commonMessages } from '../../lib/messages';

export const templatesMessages = defineMessages(
  {
    notifyTitle: 'Formatted notification',
    template: 'Template',
    templatesNone: 'No templates are published in this channel yet; a head publishes them.',
    templateNoFields: 'This template has no fields.',
    publishedBy: 'published by',
    templateVersion: 'version',
    notifyText: 'Text',
    sendNotification: 'Send notification',
    wholeNumber: 'whole number',
    jsonValue: 'JSON',
  },
  {
    notifyTitle: 'Уведомление по шаблону',
    template: 'Шаблон',
    templatesNone: 'В канале пока нет шаблонов; их публикует руководитель.',
    templateNoFields: 'У шаблона нет полей.',
    publishedBy: 'опубликовал',
    templateVersion: 'версия',
    notifyText: 'Текст',
    sendNotification: 'Отправить уведомление',
    wholeNumber: 'целое число',
    jsonValue: 'JSON',
  },
);

/** The current interface text for `key`. */
export const t = translator(commonMessages, templatesMessages);
export type MessageKey = Parameters<typeof t>[0];
