/**
 * Every Bot API call the bot makes goes through `outbound(budget)`: messages (send*, copy*, forward*) wait
 * for a slot in the shared outbound budget, and a 429 pauses that budget for `parameters.retry_after` and
 * is retried — the caller sees the real answer, never "too many requests". Installed on bot.api (and so on
 * every ctx.api), on each conversation's ctx.api (the conversations plugin builds its own Api, without
 * bot.api's transformers) and on the broadcast worker's Api with bulk priority.
 * While an update is being handled, each message also goes through the replies journal
 * (services/intake/journal.ts): one an interrupted earlier handling already sent is not sent again.
 */
import type { Transformer } from 'grammy';
import { currentScope } from '../../services/intake/journal.js';
import type { Metrics } from '../../services/metrics.js';
import type { OutboundBudget, Priority } from '../../services/outbound/budget.js';
import { beforeWire } from './wire-fetch.js';

/** Methods that send a message and count against Telegram's message limits. */
export const MESSAGE_METHODS = /^(send(?!ChatAction)|copyMessage|forwardMessage)/;

export interface OutboundOptions {
  priority: Priority;
  metrics?: Metrics;
  /** Give up (return the 429) when Telegram asks to wait longer than this, in seconds. */
  maxRetryAfterSec?: number;
  maxAttempts?: number;
}

/** Group, supergroup or channel: negative ids and @usernames. */
function isGroup(chatId: unknown): boolean {
  return (typeof chatId === 'number' && chatId < 0) || (typeof chatId === 'string' && (chatId.startsWith('-') || chatId.startsWith('@')));
}

/**
 * What a replayed send returns when the earlier handling had the message on the wire but never saw the answer:
 * the platform has it, but its id is unknown. Only the id is made up (0); everything else is what was sent.
 */
function standIn(chat: string, payload: Record<string, unknown>): unknown {
  const id = Number(chat);
  return {
    message_id: 0,
    date: Math.floor(Date.now() / 1000),
    chat: { id: Number.isFinite(id) ? id : chat, type: isGroup(payload.chat_id) ? 'supergroup' : 'private' },
    ...(typeof payload.text === 'string' ? { text: payload.text } : {}),
    ...(typeof payload.caption === 'string' ? { caption: payload.caption } : {}),
  };
}

/** What the journal keeps of a sent message: what a handler may use of it, not its whole text and keyboard. */
function recordable(result: unknown): unknown {
  if (!result || typeof result !== 'object') return result;
  const m = result as { message_id?: number; date?: number; chat?: { id: number; type: string } };
  return m.message_id === undefined ? result : { message_id: m.message_id, date: m.date, chat: m.chat && { id: m.chat.id, type: m.chat.type } };
}

/** Longest wait between two tries of a message whose request failed on the network. */
const NETWORK_MAX_WAIT_MS = 30_000;

export function outbound(budget: OutboundBudget, o: OutboundOptions): Transformer {
  const maxWait = o.maxRetryAfterSec ?? 300;
  const maxAttempts = o.maxAttempts ?? 20;
  return async (prev, method, payload, signal) => {
    const p = payload as Record<string, unknown> | undefined;
    const paced = MESSAGE_METHODS.test(method) && p?.chat_id !== undefined;
    const scope = paced ? currentScope() : undefined;
    const chat = String(p?.chat_id);
    const msg = scope?.next(method, chat);
    // The recorded answer of this very message (or a stand-in for it): it is not sent again.
    if (msg?.earlier) return { ok: true, result: (msg.earlier.state === 'sent' ? msg.earlier.result : standIn(chat, p!)) as never };
    let networkFailures = 0;
    for (let attempt = 1; ; attempt++) {
      if (paced) await budget.acquire({ chat, group: isGroup(p!.chat_id), priority: o.priority, paid: p!.allow_paid_broadcast === true });
      let res: Awaited<ReturnType<typeof prev>>;
      try {
        // "Sending" is recorded when the request's socket is ready, right before its bytes are written
        // (wire-fetch.ts): a kill -9 between the record and the request is then a matter of microtasks.
        res = msg ? await beforeWire(() => scope!.sending(msg.k, method, chat), () => prev(method, payload, signal)) : await prev(method, payload, signal);
      } catch (err) {
        // A network error: the message is taken as not sent and tried again here, under the same journal entry,
        // until it goes out (as auto-retry would, which then never sees a message's network error). Retried from
        // outside, it would count as another message, and a crash would skip this one as "on the wire".
        if (msg) await scope!.notSent(msg.k, method, chat);
        if (!paced || signal?.aborted) throw err;
        await new Promise((r) => setTimeout(r, Math.min(NETWORK_MAX_WAIT_MS, 250 * 2 ** networkFailures++)));
        continue;
      }
      if (res.ok) {
        if (msg) await scope!.sent(msg.k, method, chat, recordable(res.result));
        return res;
      }
      if (msg) await scope!.notSent(msg.k, method, chat);
      if (res.error_code !== 429) return res;
      o.metrics?.rateLimited.inc({ channel: 'telegram' });
      const retryAfter = Math.max(1, Number(res.parameters?.retry_after ?? 1));
      if (retryAfter > maxWait || attempt >= maxAttempts) return res;
      // Everything waits, not only this call: Telegram counts the whole bot.
      budget.pause(retryAfter * 1000);
      if (!paced) await new Promise((r) => setTimeout(r, retryAfter * 1000));
    }
  };
}
