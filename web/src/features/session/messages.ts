/**
 * The words of signing in.
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
  },
);

/** The current interface text for `key`. */
export const t = translator(commonMessages, sessionMessages);
export type MessageKey = Parameters<typeof t>[0];
