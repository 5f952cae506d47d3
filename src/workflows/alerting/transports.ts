/**
 * How an escalation leaves the node: e-mail over SMTP (nodemailer) and a signed webhook POST
 * (core/webhook-signature.ts). Both have short timeouts, so a dead mail server or receiver costs
 * one attempt, not a stuck outbox; errors carry no secret (the SMTP password and webhook URLs are
 * scrubbed from their text before anyone records or logs them).
 */
import type { Transporter } from 'nodemailer';
import { ParleyError } from '../../core/errors.js';
import { WEBHOOK_HEADERS, webhookMessage, webhookSignatureHeader } from '../../core/webhook-signature.js';
import { SIGNING_DOMAIN } from '../../core/keys.js';

/** Every attempt ends within this. */
const SEND_TIMEOUT_MS = 10_000;
/** The longest error text kept with a delivery. */
const MAX_ERROR_CHARS = 500;

export interface MailSettings {
  /** smtp://user:password@host:port or smtps://…; null: no e-mail. */
  smtpUrl: string | null;
  /** The From: of every message. */
  mailFrom: string;
}

/**
 * Checks the mail settings once at start (`--smtp-url`, `--mail-from`), naming the bad one.
 * The URL's password never appears in the message.
 */
export function checkMailSettings(settings: MailSettings): MailSettings {
  if (settings.smtpUrl === null) return settings;
  let url: URL;
  try {
    url = new URL(settings.smtpUrl);
  } catch {
    throw new ParleyError(
      'validation_failed',
      '--smtp-url must be a URL such as smtp://user:password@mail.example:587',
    );
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new ParleyError(
      'validation_failed',
      `--smtp-url must start with smtp:// or smtps://, not ${url.protocol}//`,
    );
  if (url.hostname === '') throw new ParleyError('validation_failed', '--smtp-url names no host');
  if (!/^[^\s@]+@[^\s@]+$/.test(settings.mailFrom.replace(/^.*<([^>]*)>\s*$/, '$1')))
    throw new ParleyError('validation_failed', `--mail-from '${settings.mailFrom}' is not an e-mail address`);
  return settings;
}

/** Replaces every secret in `text` (passwords, URLs that may carry a token) with [redacted]. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 3) out = out.split(secret).join('[redacted]');
  return out.length > MAX_ERROR_CHARS ? `${out.slice(0, MAX_ERROR_CHARS)}…` : out;
}

/** The secrets of the mail settings: the SMTP URL and its password. */
export function mailSecrets(settings: MailSettings): string[] {
  if (!settings.smtpUrl) return [];
  const url = new URL(settings.smtpUrl);
  return [settings.smtpUrl, decodeURIComponent(url.password), url.password].filter((s) => s !== '');
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Stable per delivery, so a receiving system can drop a copy sent again after a crash. */
  messageId: string;
}

export class Mailer {
  /** Made on the first message: nodemailer (some 60 modules) is loaded only by a node that mails. */
  private transporter: Promise<Transporter> | null = null;

  constructor(private readonly settings: MailSettings) {}

  get enabled(): boolean {
    return this.settings.smtpUrl !== null;
  }

  async send(message: MailMessage): Promise<void> {
    if (!this.settings.smtpUrl) throw new Error('no SMTP server is configured (--smtp-url)');
    this.transporter ??= this.connect(this.settings.smtpUrl);
    const transporter = await this.transporter;
    await transporter.sendMail({
      from: this.settings.mailFrom,
      to: message.to,
      subject: message.subject,
      text: message.text,
      messageId: message.messageId,
    });
  }

  private async connect(smtpUrl: string): Promise<Transporter> {
    const { createTransport } = await import('nodemailer');
    const url = new URL(smtpUrl);
    const secure = url.protocol === 'smtps:';
    return createTransport({
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      ...(url.username
        ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
        : {}),
      connectionTimeout: SEND_TIMEOUT_MS,
      greetingTimeout: SEND_TIMEOUT_MS,
      socketTimeout: SEND_TIMEOUT_MS,
    });
  }

  close(): void {
    void this.transporter?.then((transporter) => transporter.close()).catch(() => {});
    this.transporter = null;
  }
}

/**
 * POSTs `body` to `url`, signed with the node key at `timestamp` (Unix seconds); throws unless the
 * receiver answers 2xx. Redirects are not followed: the signature is for the URL configured.
 */
export async function postWebhook(
  url: string,
  body: string,
  delivery: string,
  timestamp: number,
  node: { nodePublicKey: string; signAsNode(domain: string, message: string): string },
): Promise<void> {
  const signature = node.signAsNode(SIGNING_DOMAIN.webhook, webhookMessage(timestamp, body));
  const response = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    headers: {
      'content-type': 'application/json',
      [WEBHOOK_HEADERS.timestamp]: String(timestamp),
      [WEBHOOK_HEADERS.signature]: webhookSignatureHeader(signature),
      [WEBHOOK_HEADERS.nodeKey]: node.nodePublicKey,
      [WEBHOOK_HEADERS.delivery]: delivery,
    },
    body,
  });
  await response.body?.cancel().catch(() => {});
  if (response.status < 200 || response.status > 299)
    throw new Error(`the receiver answered HTTP ${response.status}`);
}
