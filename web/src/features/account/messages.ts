/**
 * The words of the account screen. English is the reference; Russian must have every key and no
 * other (checked by the type).
 */
import { defineMessages, translator } from '../../lib/i18n';
import { commonMessages } from '../../lib/messages';

export const accountMessages = defineMessages(
  {
    accountTitle: 'Your account',
    tokensTitle: 'API tokens',
    tokensHint:
      'Tokens let scripts and the command line act as you (PARLEY_TOKEN). The secret is shown once, when created; revoke a token you no longer use.',
    tokensEmpty: 'You have no API tokens.',
    tokenId: 'Id',
    tokenLabel: 'Label',
    tokenCreated: 'Created',
    tokenExpires: 'Expires',
    tokenLastUsed: 'Last used',
    tokenNever: 'never',
    tokenExpired: 'expired',
    tokenRevoke: 'Revoke',
    tokenRevoked: 'Token revoked.',
    tokenNewLabel: 'What it is for',
    tokenNewLifetime: 'Works for',
    tokenCreate: 'Create token',
    tokenSecret: 'Copy this token now: it will not be shown again.',
    days: 'days',
    passwordTitle: 'Password',
    passwordHint: 'Changing it ends your other sessions; API tokens keep working.',
    passwordCurrent: 'Current password',
    passwordNext: 'New password (12+ characters)',
    passwordRepeat: 'New password again',
    passwordMismatch: 'The new passwords differ.',
    passwordChange: 'Change password',
    passwordChanged: 'Password changed.',
    keyTitle: 'Signing key',
    keyHint:
      'Everything you sign carries this key. Replace it if you think someone copied it: the new key is published in your channels and the old one revoked there, so every party refuses what it signs from now on; what it signed before stays valid. You sign in again afterwards, and API tokens made before no longer sign.',
    keyCurrent: 'Your key:',
    keyRevoked: '(revoked by an administrator: replace it to sign again)',
    keyPassword: 'Your password',
    keyRotate: 'Replace my key',
    keyRotated: 'Key replaced; the old one is revoked.',
    signInAgain: 'Sign in again',
  },
  {
    accountTitle: 'Ваша учётная запись',
    tokensTitle: 'API-токены',
    tokensHint:
      'Токены позволяют сценариям и командной строке действовать от вашего имени (PARLEY_TOKEN). Секрет показывается один раз, при создании; отзовите токен, который больше не нужен.',
    tokensEmpty: 'У вас нет API-токенов.',
    tokenId: 'Код',
    tokenLabel: 'Назначение',
    tokenCreated: 'Создан',
    tokenExpires: 'Действует до',
    tokenLastUsed: 'Последнее использование',
    tokenNever: 'никогда',
    tokenExpired: 'истёк',
    tokenRevoke: 'Отозвать',
    tokenRevoked: 'Токен отозван.',
    tokenNewLabel: 'Для чего он',
    tokenNewLifetime: 'Срок действия',
    tokenCreate: 'Создать токен',
    tokenSecret: 'Скопируйте токен сейчас: больше он показан не будет.',
    days: 'дней',
    passwordTitle: 'Пароль',
    passwordHint: 'После смены пароля другие ваши сеансы завершатся; API-токены продолжат работать.',
    passwordCurrent: 'Текущий пароль',
    passwordNext: 'Новый пароль (от 12 символов)',
    passwordRepeat: 'Новый пароль ещё раз',
    passwordMismatch: 'Новые пароли не совпадают.',
    passwordChange: 'Сменить пароль',
    passwordChanged: 'Пароль изменён.',
    keyTitle: 'Ключ подписи',
    keyHint:
      'Всё, что вы подписываете, несёт этот ключ. Замените его, если думаете, что его скопировали: новый ключ публикуется в ваших каналах, а старый там отзывается, и все стороны отвергают то, что подписано им с этого момента; подписанное раньше остаётся в силе. После замены войдите заново; API-токены, созданные раньше, больше не подписывают.',
    keyCurrent: 'Ваш ключ:',
    keyRevoked: '(отозван администратором: замените его, чтобы снова подписывать)',
    keyPassword: 'Ваш пароль',
    keyRotate: 'Заменить мой ключ',
    keyRotated: 'Ключ заменён; старый отозван.',
    signInAgain: 'Войти заново',
  },
);

/** The current interface text for `key`. */
export const t = translator(commonMessages, accountMessages);
