/**
 * The replies journal: what handling an update has already sent, so handling it again after a crash does not
 * send it twice. Intake runs each handler inside a scope (AsyncLocalStorage, so conversations and nested
 * calls see it too); a channel's sender asks the scope before each message and tells it after:
 *   - first handling: every message that went out is recorded (method, chat, the platform's answer) in the
 *     update's inbox entry right after the platform accepted it;
 *   - handling again (the update was stored but not marked done when the process died): the recorded
 *     messages are not sent again — the sender gets the recorded answer back, in order — and everything after
 *     them is sent and recorded as usual. The first message that differs (another method or chat) ends the
 *     replay: from there on the handler is taking another path, and its messages go out.
 * What is left: a kill -9 while a message is on the wire (sent, the answer not yet recorded) sends that one
 * message again — a few milliseconds per message, instead of the whole handling as before.
 * The journal is cleared with the payload when the update is marked done.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface SentRecord {
  /** Platform method (e.g. sendMessage, or "send" for Messenger). */
  method: string;
  /** Recipient (chat id, PSID). */
  chat: string;
  /** What the platform answered (the sent message), handed back on replay. */
  result: unknown;
}

export class HandlingScope {
  private next = 0;

  constructor(
    readonly updateId: string,
    private readonly replay: SentRecord[],
    private readonly store: (rec: SentRecord) => Promise<void>,
    private readonly onStoreError: (err: unknown) => void = () => undefined,
  ) {}

  /** The recorded answer when this message already went out in an earlier handling; else undefined. */
  alreadySent(method: string, chat: string): { result: unknown } | undefined {
    const rec = this.replay[this.next];
    if (rec && rec.method === method && rec.chat === chat) {
      this.next++;
      return { result: rec.result };
    }
    this.next = Infinity; // another path from here: nothing more is skipped
    return undefined;
  }

  /** A message went out: remembered before the handler goes on. A failing store is reported, not thrown. */
  async sent(method: string, chat: string, result: unknown): Promise<void> {
    try {
      await this.store({ method, chat, result });
    } catch (err) {
      this.onStoreError(err);
    }
  }

  /** How many recorded messages this handling skipped so far. */
  get replayed(): number {
    return Number.isFinite(this.next) ? this.next : this.replay.length;
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
