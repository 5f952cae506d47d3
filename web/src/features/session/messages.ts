/**
 * The words of signing in, the passkey step and the passkeys panel.
 * English is the reference; Russian must have every key and no other (checked by the type).
 */
import { defineMessages, translator } from '../../lib/i18n';
import { commonMessages } from '../../lib/messages';

export const sessionMessages = defineMessages(
  {
    tagline: 'Duty officer console',
    // Login
    loginUser: 'User id',
    loginPassword: 'Password',
    loginSubmit: 'Sign in',
    loginBusy: 'Signing in…',
    loginFailed: 'User or password is wrong.',
    loginThrottled: 'Too many failed attempts. Wait and try again later.',
    loginMissing: 'Enter your user id and password.',
    // Passkey step of the login
    passkeyStepTitle: 'Confirm with your passkey',
    passkeyStepText: 'Your password was right. Now confirm with one of your passkeys.',
    passkeyUse: 'Use passkey',
    passkeyBusy: 'Waiting for your passkey…',
    passkeyEnrolTitle: 'Register a passkey',
    passkeyEnrolText:
      'This node requires a passkey for your role. Register one now on this device or a security key; you will confirm every login with it.',
    passkeyCancel: 'Cancel and sign out',
    passkeyUnsupported: 'This browser cannot use passkeys. Use a browser that supports WebAuthn.',
    passkeyCancelled: 'The passkey was not used (cancelled or timed out). Try again.',
    passkeyAlreadyRegistered: 'This authenticator holds one of your passkeys already.',
    passkeyCloned:
      'This passkey answered with a counter already seen; it may have been copied. Use another passkey and tell an administrator.',
    passkeyUnknown: 'This passkey is not registered for you on this node.',
    passkeyLastRequired: 'Your role requires a passkey: register another one before removing this one.',
    // Passkeys panel
    passkeysTitle: 'Passkeys',
    passkeysIntro:
      'A passkey confirms each login after your password. You can register several (this computer, a security key) and remove those you no longer use.',
    passkeysOff: 'This node does not use passkeys.',
    passkeysRequired: 'This node requires a passkey for your role.',
    passkeysNone: 'You have no passkeys yet.',
    passkeyName: 'Name of the new passkey',
    passkeyNameHint: 'For example “office laptop” or “security key”.',
    passkeyNameMissing: 'Give the passkey a name.',
    passkeyAdd: 'Register passkey',
    passkeyAdded: 'Passkey registered.',
    passkeyRemove: 'Remove',
    passkeyRemoveConfirm: 'Remove this passkey? You can no longer log in with it.',
    passkeyRemoved: 'Passkey removed.',
    passkeyCreated: 'registered',
    passkeyLastUsed: 'last used',
    passkeyNeverUsed: 'never used',
    passkeySynced: 'synced',
  },
  {
    tagline: 'Пульт дежурного',
    // Login
    loginUser: 'Пользователь',
    loginPassword: 'Пароль',
    loginSubmit: 'Войти',
    loginBusy: 'Вход…',
    loginFailed: 'Неверный пользователь или пароль.',
    loginThrottled: 'Слишком много неудачных попыток. Повторите позже.',
    loginMissing: 'Введите пользователя и пароль.',
    // Passkey step of the login
    passkeyStepTitle: 'Подтвердите ключом доступа',
    passkeyStepText: 'Пароль верен. Теперь подтвердите вход одним из ваших ключей доступа.',
    passkeyUse: 'Использовать ключ доступа',
    passkeyBusy: 'Ожидание ключа доступа…',
    passkeyEnrolTitle: 'Регистрация ключа доступа',
    passkeyEnrolText:
      'Для вашей роли этот узел требует ключ доступа. Зарегистрируйте его сейчас на этом устройстве или на электронном ключе; им вы будете подтверждать каждый вход.',
    passkeyCancel: 'Отменить и выйти',
    passkeyUnsupported:
      'Этот браузер не поддерживает ключи доступа. Используйте браузер с поддержкой WebAuthn.',
    passkeyCancelled: 'Ключ доступа не использован (отменено или истекло время). Повторите.',
    passkeyAlreadyRegistered: 'На этом аутентификаторе уже есть ваш ключ доступа.',
    passkeyCloned:
      'Ключ доступа прислал уже виденный счётчик; возможно, он скопирован. Используйте другой ключ и сообщите администратору.',
    passkeyUnknown: 'Этот ключ доступа не зарегистрирован для вас на этом узле.',
    passkeyLastRequired: 'Вашей роли нужен ключ доступа: сначала зарегистрируйте другой.',
    // Passkeys panel
    passkeysTitle: 'Ключи доступа',
    passkeysIntro:
      'Ключ доступа подтверждает каждый вход после пароля. Можно зарегистрировать несколько (этот компьютер, электронный ключ) и удалить ненужные.',
    passkeysOff: 'Этот узел не использует ключи доступа.',
    passkeysRequired: 'Для вашей роли этот узел требует ключ доступа.',
    passkeysNone: 'У вас ещё нет ключей доступа.',
    passkeyName: 'Название нового ключа',
    passkeyNameHint: 'Например, «рабочий ноутбук» или «электронный ключ».',
    passkeyNameMissing: 'Дайте ключу название.',
    passkeyAdd: 'Зарегистрировать ключ',
    passkeyAdded: 'Ключ доступа зарегистрирован.',
    passkeyRemove: 'Удалить',
    passkeyRemoveConfirm: 'Удалить этот ключ доступа? Входить с ним будет нельзя.',
    passkeyRemoved: 'Ключ доступа удалён.',
    passkeyCreated: 'зарегистрирован',
    passkeyLastUsed: 'последнее использование',
    passkeyNeverUsed: 'не использовался',
    passkeySynced: 'синхронизируется',
  },
);

/** The current interface text for `key`. */
export const t = translator(commonMessages, sessionMessages);
export type MessageKey = Parameters<typeof t>[0];
