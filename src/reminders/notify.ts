/**
 * GOV.UK Notify as the transport for patient messages (and staff email) when NOTIFY_API_KEY is
 * set. The message is rendered here (views/messages) and handed to one Notify template per
 * channel whose content is the personalisation: email subject "((subject))" and body "((body))",
 * text message "((body))". Each message's `reference` is its outbox id, so a delivery receipt
 * (and anyone reading Notify's dashboard) finds the outbox row.
 */
import type Mail from "nodemailer/lib/mailer/index.js";
import { NotifyClient } from "notifications-node-client";
import type { MailTransport, SendResult, TextTransport } from "./mailer.ts";

export const NOTIFY_API = "https://api.notifications.service.gov.uk";

export interface NotifySettings {
  apiKey: string;
  baseUrl: string;
  emailTemplateId: string;
  smsTemplateId: string;
  /** A request with no answer by then may have been accepted: it is marked in doubt, not retried. */
  timeoutMs?: number;
}

type RestClient = (options: Record<string, unknown>) => Promise<unknown>;

/** The Notify client with a request timeout (the client's HTTP library has none by default). */
export function notifyClient(settings: NotifySettings): NotifyClient {
  const client = new NotifyClient(settings.baseUrl, settings.apiKey);
  const inner = client.apiClient as unknown as { restClient: RestClient };
  const request = inner.restClient;
  const timeout = settings.timeoutMs ?? 15_000;
  inner.restClient = (options) => request({ ...options, timeout });
  return client;
}

const host = (url: string) => new URL(url).host;

export function notifyTextTransport(client: NotifyClient, settings: NotifySettings): TextTransport {
  return {
    description: `GOV.UK Notify text messages (${host(settings.baseUrl)})`,
    async send(message): Promise<SendResult> {
      const res = await unlessInDoubt(() => client.sendSms(settings.smsTemplateId, message.to, { personalisation: { body: message.body }, reference: message.reference }));
      return { messageId: res.data.id, emlFile: null };
    },
    close: () => undefined,
  };
}

export function notifyMailTransport(client: NotifyClient, settings: NotifySettings): MailTransport {
  return {
    description: `GOV.UK Notify email (${host(settings.baseUrl)})`,
    async send(message: Mail.Options, _fileName: string, reference?: string): Promise<SendResult> {
      const unsubscribe = /^<(.+)>$/.exec(String((message.headers as Record<string, string> | undefined)?.["List-Unsubscribe"] ?? ""))?.[1];
      const res = await unlessInDoubt(() =>
        client.sendEmail(settings.emailTemplateId, String(message.to), {
          personalisation: { subject: String(message.subject ?? ""), body: String(message.text ?? "") },
          reference,
          oneClickUnsubscribeURL: unsubscribe,
        }),
      );
      return { messageId: res.data.id, emlFile: null };
    },
    close: () => undefined,
  };
}

/**
 * Network failures that happen before a request can reach Notify (no connection, no address, a
 * certificate refused): nothing was sent, so a retry cannot duplicate.
 */
const NOT_SENT = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL|ERR_TLS_.*|CERT_.*|UNABLE_TO_.*|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_INVALID_URL)$/;

/**
 * A request that got no answer after it may have reached Notify (timed out, connection reset, socket
 * hang up) may have been accepted: Notify does not de-duplicate by reference, so it is marked
 * `inDoubt` and staff check Notify's dashboard for the reference instead of it being sent again.
 */
async function unlessInDoubt<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    const e = err as { response?: unknown; code?: unknown; message?: unknown };
    if (e.response === undefined && !NOT_SENT.test(String(e.code ?? ""))) {
      throw Object.assign(new Error(`GOV.UK Notify gave no answer after the request was sent (${String(e.code ?? e.message)}): it may have been accepted`), { inDoubt: true, cause: err });
    }
    throw err;
  }
}

/**
 * Whether a failed send will fail again: Notify's 400 (bad request, e.g. an invalid number) and
 * 403 (bad key) will; 429 (rate limit), 5xx and no answer at all (refused, timed out) may not.
 */
export function notifyErrorIsPermanent(err: unknown): boolean | null {
  const status = (err as { response?: { status?: number } }).response?.status;
  if (typeof status !== "number") return null;
  return status >= 400 && status < 500 && status !== 429 && status !== 408;
}

/** Notify's error text for the problems page: status and Notify's own messages. */
export function describeNotifyError(err: unknown): string | null {
  const response = (err as { response?: { status?: number; data?: { errors?: { error?: string; message?: string }[] } } }).response;
  if (!response?.status) return null;
  const messages = (response.data?.errors ?? []).map((e) => `${e.error ?? ""}: ${e.message ?? ""}`).join("; ");
  return `GOV.UK Notify ${response.status}${messages ? `: ${messages}` : ""}`;
}
