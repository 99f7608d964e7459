/**
 * The Messenger Send API and Messenger Profile API over axios. Errors become typed outcomes; rate limits
 * (codes 4 and 613) are retried with exponential backoff; a bad token (190) is logged loudly, without it.
 */
import { currentScope } from '../../services/intake/journal.js';
import axios, { type AxiosInstance } from 'axios';
import type { Logger } from 'pino';

export type SendOutcome =
  | { ok: true; messageId?: string }
  | { ok: false; kind: 'person_unavailable' | 'outside_window' | 'rate_limited' | 'invalid_token' | 'no_user' | 'failed'; code?: number; subcode?: number; message: string; retryable: boolean };

export interface SendApiOptions {
  graphUrl: string;
  graphVersion: string;
  pageAccessToken: string;
  log: Logger;
  /** Retries after a rate limit (default 3) and the first backoff in ms (default 1000, doubled each time). */
  retries?: number;
  backoffMs?: number;
  timeoutMs?: number;
}

interface GraphError {
  code?: number;
  error_subcode?: number;
  message?: string;
}

/** Maps a Graph API error to an outcome kind (codes from the Messenger Platform error reference). */
export function classify(err: GraphError | undefined, status?: number): Extract<SendOutcome, { ok: false }> {
  const code = err?.code;
  const subcode = err?.error_subcode;
  const message = err?.message ?? (status ? `HTTP ${status}` : 'network error');
  const base = { code, subcode, message };
  if (code === 551 || subcode === 1545041) return { ...base, ok: false, kind: 'person_unavailable', retryable: false };
  if (subcode === 2018278) return { ...base, ok: false, kind: 'outside_window', retryable: false };
  if (code === 4 || code === 613 || code === 32 || status === 429) return { ...base, ok: false, kind: 'rate_limited', retryable: true };
  if (code === 190) return { ...base, ok: false, kind: 'invalid_token', retryable: false };
  if (code === 100 && subcode === 2018001) return { ...base, ok: false, kind: 'no_user', retryable: false };
  return { ...base, ok: false, kind: 'failed', retryable: !status || status >= 500 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SendApi {
  private readonly http: AxiosInstance;

  constructor(private readonly opts: SendApiOptions) {
    this.http = axios.create({
      baseURL: `${opts.graphUrl}/${opts.graphVersion}`,
      timeout: opts.timeoutMs ?? 10_000,
      validateStatus: () => true,
    });
  }

  /**
   * POST /me/messages with retries on rate limits. While an event is being handled, a message an interrupted
   * earlier handling of it already sent is not sent again (the replies journal, services/intake/journal.ts).
   */
  async send(body: Record<string, unknown>): Promise<SendOutcome> {
    const scope = currentScope();
    const to = String((body.recipient as { id?: unknown } | undefined)?.id);
    const msg = scope?.next('send', to);
    // Sent by the earlier handling (or on the wire when it died): the answer recorded, or a plain success.
    if (msg?.earlier) return msg.earlier.state === 'sent' ? (msg.earlier.result as SendOutcome) : { ok: true, messageId: undefined };
    if (!msg) return this.post('/me/messages', body);
    // Each attempt is recorded before it goes on the wire and after its answer: a crash while backing off
    // from a rate limit leaves it "not sent", and the restart sends it.
    return this.post('/me/messages', body, {
      before: () => scope!.sending(msg.k, 'send', to),
      after: (outcome) => (outcome.ok ? scope!.sent(msg.k, 'send', to, outcome) : scope!.notSent(msg.k, 'send', to)),
    });
  }

  /** POST /me/messenger_profile (Get Started, greeting, persistent menu). */
  setProfile(body: Record<string, unknown>): Promise<SendOutcome> {
    return this.post('/me/messenger_profile', body);
  }

  private async post(path: string, body: Record<string, unknown>, journal?: { before(): Promise<void>; after(o: SendOutcome): Promise<void> }): Promise<SendOutcome> {
    const retries = this.opts.retries ?? 3;
    let wait = this.opts.backoffMs ?? 1000;
    for (let attempt = 0; ; attempt++) {
      let outcome: SendOutcome;
      await journal?.before();
      try {
        const res = await this.http.post(path, body, { params: { access_token: this.opts.pageAccessToken } });
        outcome = res.status >= 200 && res.status < 300
          ? { ok: true, messageId: (res.data as { message_id?: string })?.message_id }
          : classify((res.data as { error?: GraphError })?.error, res.status);
      } catch (err) {
        outcome = { ok: false, kind: 'failed', message: (err as Error).message?.replace(this.opts.pageAccessToken, '[token]') ?? 'network error', retryable: true };
      }
      await journal?.after(outcome);
      if (outcome.ok) return outcome;
      if (outcome.kind === 'invalid_token') {
        this.opts.log.error({ path, code: outcome.code, message: outcome.message }, 'MESSENGER_PAGE_ACCESS_TOKEN was refused by the Graph API (code 190): generate a new Page access token');
        return outcome;
      }
      if (outcome.kind === 'rate_limited' && attempt < retries) {
        this.opts.log.warn({ path, attempt, waitMs: wait }, 'messenger rate limited, backing off');
        await sleep(wait);
        wait *= 2;
        continue;
      }
      if (outcome.kind === 'failed') this.opts.log.warn({ path, code: outcome.code, subcode: outcome.subcode, message: outcome.message }, 'messenger call failed');
      return outcome;
    }
  }
}
