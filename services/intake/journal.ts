/**
 * The replies journal: what handling an update has already sent, so handling it again after a crash does not
 * send it twice. Intake runs each handler inside a scope (AsyncLocalStorage, so conversations and nested
 * calls see it too); a channel's sender asks the scope before each message and tells it around the call:
 *   1. `sending()` right before the request goes on the wire — the store write is done before the request is
 *      built, so no message reaches the platform without its record;
 *   2. `sent()` with the platform's answer, or `notSent()` when the platform refused it (a 429 to wait out,
 *      an error): the message did not go out.
 * Handling the update again (stored, not marked done when the process died):
 *   - a message recorded as sent is not sent again; the sender gets the recorded answer back;
 *   - a message recorded as sending with no answer was on the wire when the process died. The request was
 *     written to the socket right after its record, so the platform has it: it is not sent again either
 *     (the sender gets `unknownResult`, and builds a stand-in answer);
 *   - everything after those is sent and recorded as usual. The first message that differs from the record
 *     (another method or recipient) ends the replay: the handler is taking another path from there.
 * What is left: a kill -9 in the microseconds between a record and its request reaching the socket loses that
 * one message — instead of every in-flight reply being sent twice, as before the journal.
 * The journal is cleared with the payload when the update is marked done.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** One line of the journal; the lines of one message share `k` (its position in the handling). */
export interface JournalLine {
  k: number;
  /** Platform method (e.g. sendMessage; "send" for Messenger). */
  method: string;
  /** Recipient (chat id, PSID). */
  chat: string;
  phase: 'sending' | 'sent' | 'not-sent';
  /** The platform's answer (phase "sent"). */
  result?: unknown;
}

type Earlier = { state: 'sent'; result: unknown } | { state: 'unknownResult' };

export class HandlingScope {
  /** What an earlier handling did with each message, by position (last line per position wins). */
  private readonly earlier: { method: string; chat: string; phase: JournalLine['phase']; result?: unknown }[] = [];
  private position = 0;
  private replaying: boolean;

  constructor(
    readonly updateId: string,
    journal: JournalLine[],
    private readonly store: (line: JournalLine) => Promise<void>,
    private readonly onStoreError: (err: unknown) => void = () => undefined,
  ) {
    for (const l of journal) this.earlier[l.k] = { method: l.method, chat: l.chat, phase: l.phase, result: l.result };
    this.replaying = this.earlier.length > 0;
  }

  /** How many messages this handling did not send because an earlier one already had. */
  skipped = 0;

  /**
   * Asked before a message is sent: when an earlier handling of this update already sent it (or had it on the
   * wire), what it got back; else undefined, and the caller sends it (calling sending / sent / notSent).
   */
  alreadySent(method: string, chat: string): Earlier | undefined {
    if (!this.replaying) return undefined;
    const e = this.earlier[this.position];
    if (!e || e.method !== method || e.chat !== chat || e.phase === 'not-sent') {
      this.replaying = false; // another path, or the message never went out: send from here on
      return undefined;
    }
    this.position++;
    this.skipped++;
    return e.phase === 'sent' ? { state: 'sent', result: e.result } : { state: 'unknownResult' };
  }

  /** Right before the request is written; returns the message's position for sent / notSent. */
  async sending(method: string, chat: string): Promise<number> {
    const k = this.position++;
    await this.write({ k, method, chat, phase: 'sending' });
    return k;
  }

  async sent(k: number, method: string, chat: string, result: unknown): Promise<void> {
    await this.write({ k, method, chat, phase: 'sent', result });
  }

  /** The platform refused it (it did not go out); a retry calls `sending` again with the same position. */
  async notSent(k: number, method: string, chat: string): Promise<void> {
    await this.write({ k, method, chat, phase: 'not-sent' });
  }

  /** A retry of the message at position k. */
  async retrying(k: number, method: string, chat: string): Promise<void> {
    await this.write({ k, method, chat, phase: 'sending' });
  }

  private async write(line: JournalLine): Promise<void> {
    try {
      await this.store(line);
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
