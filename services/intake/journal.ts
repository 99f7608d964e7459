/**
 * The replies journal: what handling an update has already sent, so handling it again after a crash does not
 * send it twice. Intake runs each handler inside a scope (AsyncLocalStorage, so conversations and nested
 * calls see it too); a channel's sender asks the scope before each message and tells it around the call:
 *   1. `sending()` right before the request goes on the wire — for Telegram when the request's socket is ready,
 *      and the request is written as soon as the record is committed (bot/telegram/wire-fetch.ts), so no
 *      message reaches the platform without its record, and a record is followed by its request at once;
 *   2. `sent()` with the platform's answer, or `notSent()` when the platform refused it (a 429 to wait out,
 *      an error): the message did not go out.
 * A "sent" line is kept in memory and written with the handling's next line: marking the update done clears
 * the journal anyway, so for the usual one-reply update it is never written (a store write saved per
 * update). Lost in a crash, it leaves the message recorded as "sending": not sent again either, only its
 * answer is unknown to the second handling (see below). `notSent()` and creations (`onceInHandling`) are
 * written at once.
 * Handling the update again (stored, not marked done when the process died):
 *   - a message recorded as sent is not sent again; the sender gets the recorded answer back;
 *   - a message recorded as sending with no answer was on the wire when the process died. The request was
 *     written to the socket right after its record, so the platform has it: it is not sent again either
 *     (the sender gets `unknownResult`, and builds a stand-in answer);
 *   - everything else is sent and recorded as usual. Messages are told apart by recipient, method and their
 *     order per recipient, so staff notified in parallel are recognised whatever order they go out in.
 * What is left: a kill -9 between a record's commit and its request being written loses that message; that
 * window is the microtasks in between (it was the whole way through grammY and a socket wait before
 * wire-fetch, and bench:intake lost 0, 2 or 4 of 400 replies in it).
 * The journal is cleared with the payload when the update is marked done.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** One line of the journal; the lines of one message share `k`. */
export interface JournalLine {
  /** The message: its method, recipient and how many messages to that recipient by that method came before. */
  k: string;
  /** Platform method (e.g. sendMessage; "send" for Messenger). */
  method: string;
  /** Recipient (chat id, PSID). */
  chat: string;
  phase: 'sending' | 'sent' | 'not-sent';
  /** The platform's answer (phase "sent"). */
  result?: unknown;
}

type Earlier = { state: 'sent'; result: unknown } | { state: 'unknownResult' };

/**
 * Messages are matched by recipient and method, in order per recipient — not by their place among all the
 * handling's messages: messages to several people (staff notified at once) may go out in another order the
 * second time, and must still be recognised.
 */
export class HandlingScope {
  /** What an earlier handling did with each message (last line per message wins). */
  private readonly earlier = new Map<string, { phase: JournalLine['phase']; result?: unknown }>();
  private readonly counts = new Map<string, number>();

  /** "sent" lines not written yet: they go out with the next line (or never, when the update is done first). */
  private unwritten: JournalLine[] = [];

  constructor(
    readonly updateId: string,
    journal: JournalLine[],
    private readonly store: (lines: JournalLine[]) => Promise<void>,
    private readonly onStoreError: (err: unknown) => void = () => undefined,
  ) {
    for (const l of journal) this.earlier.set(l.k, { phase: l.phase, result: l.result });
  }

  /** How many messages this handling did not send because an earlier one already had. */
  skipped = 0;

  /**
   * Called once per message before it is sent: its key (for sending / sent / notSent) and, when an earlier
   * handling of this update already sent it (or had it on the wire), what it got back — then it is not sent.
   */
  next(method: string, chat: string): { k: string; earlier?: Earlier } {
    const pair = `${method} ${chat}`;
    const n = this.counts.get(pair) ?? 0;
    this.counts.set(pair, n + 1);
    const k = `${pair} ${n}`;
    const e = this.earlier.get(k);
    if (!e || e.phase === 'not-sent') return { k };
    this.skipped++;
    return { k, earlier: e.phase === 'sent' ? { state: 'sent', result: e.result } : { state: 'unknownResult' } };
  }

  /** Right before the request (each attempt) is written. */
  async sending(k: string, method: string, chat: string): Promise<void> {
    await this.write({ k, method, chat, phase: 'sending' });
  }

  /** The platform's answer: kept until the next line is written (`durable`: written now, e.g. a creation's id). */
  async sent(k: string, method: string, chat: string, result: unknown, durable = false): Promise<void> {
    const line: JournalLine = { k, method, chat, phase: 'sent', result };
    if (durable) await this.write(line);
    else this.unwritten.push(line);
  }

  /** The platform refused it (it did not go out). */
  async notSent(k: string, method: string, chat: string): Promise<void> {
    await this.write({ k, method, chat, phase: 'not-sent' });
  }

  private async write(line: JournalLine): Promise<void> {
    const lines = [...this.unwritten, line];
    this.unwritten = [];
    try {
      await this.store(lines);
    } catch (err) {
      this.onStoreError(err);
    }
  }
}

const scopes = new AsyncLocalStorage<HandlingScope>();

export function runInScope<T>(scope: HandlingScope, fn: () => Promise<T>): Promise<T> {
  return scopes.run(scope, fn);
}

/** The update being handled in this async context, if any (broadcasts and scheduled jobs have none). */
export function currentScope(): HandlingScope | undefined {
  return scopes.getStore();
}

/**
 * A creation done once per update: handling an update again after a crash (the conversation's saved state
 * predates it) finds what the first handling created instead of creating it twice — a second pending listing,
 * a second broadcast. The created document's id is recorded in the replies journal right after it is
 * stored; the n-th creation named `name` in one handling matches the n-th of the earlier one. Outside an
 * update's handling (jobs, tests calling services directly) it simply creates.
 */
export async function onceInHandling<T extends { _id: string }>(name: string, create: () => Promise<T>, load: (id: string) => Promise<T | null>): Promise<T> {
  const scope = currentScope();
  if (!scope) return create();
  const { k, earlier } = scope.next('once', name);
  if (earlier?.state === 'sent' && typeof earlier.result === 'string') {
    const found = await load(earlier.result);
    if (found) return found;
  }
  const created = await create();
  await scope.sent(k, 'once', name, created._id, true);
  return created;
}
