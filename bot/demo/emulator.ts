/**
 * A Bot API emulator, spoken over real HTTP on 127.0.0.1: the bot points TELEGRAM_API_ROOT here and runs its
 * real client code (long polling, sendMessage, getFile + file download, …). Demo mode (`npm run demo`) puts a
 * web chat in front of it; end-to-end tests (tests/helpers/fake-telegram.ts) drive it as users would: send
 * text, press buttons, share a contact, upload a photo. It keeps every chat's timeline in memory: what users
 * sent and what the bot sent, edited and deleted.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The only token the emulator accepts (a made-up one: the emulator never talks to Telegram). */
export const EMULATOR_TOKEN = '123456:TEST-token-abcdefghijklmnopqrstuvwxyz';
export const BOT_ID = 123456;

export interface ApiCall {
  method: string;
  params: Record<string, any>;
  at: number;
}

export interface SentMessage {
  message_id: number;
  chat_id: number;
  text?: string;
  caption?: string;
  reply_markup?: any;
  photo?: boolean;
  document?: { filename?: string; data?: Buffer };
  params: Record<string, any>;
  edits: number;
  /** Set when the bot deleted the message (deleteMessage). */
  deleted?: boolean;
  /** Where the sent photo's bytes are: an emulator file id (uploaded or reused), or a URL the bot gave. */
  photoRef?: { fileId?: string; url?: string };
  at: number;
}

/** Something a user sent the bot (kept for chat timelines; buttons pressed are not messages). */
export interface InboundMessage {
  message_id: number;
  chat_id: number;
  text?: string;
  caption?: string;
  /** Emulator file id of the largest photo size. */
  photoFileId?: string;
  contact?: string;
  document?: string;
  at: number;
  update_id?: number;
}

interface Failure {
  method: string;
  code: number;
  description: string;
  retryAfter?: number;
  times: number;
}

interface Waiter {
  resolve: (u: unknown[]) => void;
  timer: NodeJS.Timeout;
}

export class BotApiEmulator {
  readonly calls: ApiCall[] = [];
  readonly sent: SentMessage[] = [];
  readonly inbound: InboundMessage[] = [];
  /** Grows on every change users could see (a message sent, edited, deleted or received). */
  version = 0;
  private changeWaiters: (() => void)[] = [];
  readonly files = new Map<string, { path: string; data: Buffer }>();
  private updates: any[] = [];
  private updateId = 1;
  private messageId = 1000;
  private waiters: Waiter[] = [];
  private failures: Failure[] = [];
  private server!: Server;
  apiRoot = '';
  /** Max messages (send*, copyMessage, forwardMessage) in any one-second window before answering 429 (undefined = unlimited). */
  rateLimitPerSecond?: number;
  /** Min milliseconds between two messages to one chat before answering 429 (undefined = unlimited). */
  perChatIntervalMs?: number;
  /** Arrival jitter forgiven by both limits (loopback on a busy machine). */
  limitToleranceMs = 10;
  /** Messages refused with 429 because a limit was broken, by limit. */
  readonly violations = { overall: 0, perChat: 0 };
  private accepted: number[] = [];
  private lastToChat = new Map<string, number>();
  private closing = false;
  /**
   * Awaited BEFORE a call is recorded: a test can hold calls in flight (e.g. to kill the bot while its
   * replies are unsent). A call whose connection closed meanwhile is dropped, as Telegram would never
   * have received it.
   */
  beforeAnswer?: (method: string, params: Record<string, any>) => Promise<void> | void;
  /** The next `n` getUpdates ignore their offset, as if Telegram had not seen the confirmation. */
  ignoreOffsetTimes = 0;
  /** Awaited after a call is recorded, before the HTTP answer is written (additive test hook). */
  afterAnswer?: (method: string, params: Record<string, any>) => Promise<void> | void;

  /** `firstUpdateId`: where update ids start (a benchmark reusing a data directory must not repeat ids). */
  static async start(opts: { firstUpdateId?: number } = {}): Promise<BotApiEmulator> {
    const f = new BotApiEmulator();
    f.updateId = opts.firstUpdateId ?? 1;
    f.server = createServer((req, res) => void f.handle(req, res));
    // A client reusing a keep-alive socket the server is closing gets ECONNRESET: keep sockets long.
    f.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => f.server.listen(0, '127.0.0.1', r));
    f.apiRoot = `http://127.0.0.1:${(f.server.address() as AddressInfo).port}`;
    return f;
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const w of this.changeWaiters) w();
    this.changeWaiters = [];
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve([]);
    }
    this.waiters = [];
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Makes the next `times` calls of `method` fail with the given Bot API error. */
  failNext(method: string, code: number, description: string, opts: { times?: number; retryAfter?: number } = {}): void {
    this.failures.push({ method, code, description, retryAfter: opts.retryAfter, times: opts.times ?? 1 });
  }

  user(id: number, profile: { first_name?: string; language_code?: string; username?: string } = {}): EmulatedUser {
    return new EmulatedUser(this, id, { first_name: profile.first_name ?? `User${id}`, language_code: profile.language_code, username: profile.username });
  }

  /** Marks a visible change and wakes everyone waiting in `changedSince`. */
  private changed(): void {
    this.version++;
    const waiters = this.changeWaiters;
    this.changeWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when something changed after `version`, or after `timeoutMs` (long polling for the web chat). */
  changedSince(version: number, timeoutMs: number): Promise<void> {
    if (this.version > version || this.closing) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.changeWaiters = this.changeWaiters.filter((w) => w !== done);
        resolve();
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.changeWaiters.push(done);
    });
  }

  /** Stores a file as Telegram would after an upload; returns its file_id. */
  storeFile(data: Buffer, path: string, fileId = `file-${this.nextMessageId()}`): string {
    this.files.set(fileId, { path, data });
    return fileId;
  }

  /**
   * Webhook delivery, as Telegram does for a bot with a webhook: every pushed update is POSTed to one of `urls`
   * in turn (round-robin — several bot instances behind a load balancer), with the secret token header. The
   * updates of one chat go one at a time, each after the previous one was answered 200 (so their order is
   * kept); a failed delivery (not 200, connection refused: an instance killed) is retried on the next URL.
   */
  deliverTo(urls: string[], secret: string): void {
    this.webhook = { urls, secret, next: 0, chats: new Map() };
  }

  /** Webhook mode: deliveries made (answered 200) and attempts that failed, by URL; which URL took each update. */
  readonly webhookStats = { delivered: new Map<string, number>(), failed: new Map<string, number>(), byUpdate: new Map<number, string>() };

  /** The id of the latest pushed update. */
  get lastUpdateId(): number {
    return this.updateId - 1;
  }
  private webhook?: { urls: string[]; secret: string; next: number; chats: Map<string, Promise<void>> };

  private deliver(u: Record<string, any>): void {
    const hook = this.webhook!;
    const chat = String(u.message?.chat?.id ?? u.callback_query?.message?.chat?.id ?? u.callback_query?.from?.id ?? u.my_chat_member?.chat?.id ?? 'none');
    const prev = hook.chats.get(chat) ?? Promise.resolve();
    const done = prev.then(async () => {
      for (let attempt = 0; !this.closing; attempt++) {
        const url = hook.urls[hook.next++ % hook.urls.length];
        try {
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': hook.secret }, body: JSON.stringify(u) });
          await res.arrayBuffer().catch(() => undefined);
          if (res.status === 200) {
            this.webhookStats.delivered.set(url, (this.webhookStats.delivered.get(url) ?? 0) + 1);
            this.webhookStats.byUpdate.set(u.update_id, url);
            return;
          }
        } catch {
          // refused or reset: that instance is gone
        }
        this.webhookStats.failed.set(url, (this.webhookStats.failed.get(url) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, Math.min(1000, 50 * (attempt + 1))));
      }
    });
    hook.chats.set(chat, done);
    void done.finally(() => {
      if (hook.chats.get(chat) === done) hook.chats.delete(chat);
    });
  }

  /** Webhook mode: resolves when every pushed update has been delivered. */
  async delivered(): Promise<void> {
    while (this.webhook && this.webhook.chats.size > 0) await Promise.all([...this.webhook.chats.values()]);
  }

  pushUpdate(update: Record<string, unknown>): number {
    const u = { update_id: this.updateId++, ...update };
    const m = update.message as Record<string, any> | undefined;
    if (m) {
      this.inbound.push({
        message_id: m.message_id, chat_id: m.chat?.id, text: m.text, caption: m.caption, at: Date.now(),
        photoFileId: Array.isArray(m.photo) ? m.photo[m.photo.length - 1]?.file_id : undefined,
        contact: m.contact?.phone_number, document: m.document?.file_name, update_id: u.update_id,
      });
      this.changed();
    }
    if (this.webhook) {
      this.deliver(u);
      return u.update_id;
    }
    this.updates.push(u);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      clearTimeout(w.timer);
      w.resolve(this.takeUpdates());
    }
    return u.update_id;
  }

  nextMessageId(): number {
    return ++this.messageId;
  }

  /** Like Telegram: updates stay queued until a later getUpdates confirms them with a higher offset. */
  private takeUpdates(): unknown[] {
    return [...this.updates];
  }

  /** Messages the bot sent to one chat, oldest first. */
  messagesTo(chatId: number): SentMessage[] {
    return this.sent.filter((m) => m.chat_id === chatId);
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves when `predicate` holds (checked on every API call and every 20 ms). */
  async waitUntil<T>(predicate: () => T | undefined | false | null, timeoutMs = 10_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = predicate();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async readBody(req: IncomingMessage): Promise<Record<string, any>> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const type = req.headers['content-type'] ?? '';
    if (type.includes('application/json')) return body.length ? JSON.parse(body.toString('utf8')) : {};
    if (type.includes('multipart/form-data')) {
      // undici rejects grammY's compact part headers (`content-disposition:form-data;…;filename=x`): fall back to a plain parser.
      const form = await new Request('http://x', { method: 'POST', headers: { 'content-type': type }, body }).formData()
        .catch(() => parseMultipart(body, type));
      const out: Record<string, any> = {};
      for (const [k, v] of form.entries()) {
        if (typeof v === 'string') {
          try {
            out[k] = JSON.parse(v);
          } catch {
            out[k] = v;
          }
        } else {
          out[k] = { filename: (v as File).name, data: Buffer.from(await (v as File).arrayBuffer()) };
        }
      }
      // grammY sends files as attach://<name> references.
      for (const [k, v] of Object.entries(out)) {
        if (typeof v === 'string' && v.startsWith('attach://')) out[k] = out[v.slice(9)];
      }
      return out;
    }
    if (type.includes('x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body.toString()));
    return {};
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const file = url.pathname.match(/^\/file\/bot([^/]+)\/(.+)$/);
    if (file) {
      const entry = [...this.files.values()].find((f) => f.path === file[2]);
      if (file[1] !== EMULATOR_TOKEN || !entry) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(entry.data);
      return;
    }
    const m = url.pathname.match(/^\/bot([^/]+)\/(\w+)$/);
    if (!m) return this.json(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (m[1] !== EMULATOR_TOKEN) return this.json(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const method = m[2];
    const params = await this.readBody(req);
    if (this.beforeAnswer && method !== 'getUpdates') {
      let gone = false;
      res.once('close', () => (gone = true));
      await this.beforeAnswer(method, params);
      if (gone || res.destroyed) return;
    }
    if (method !== 'getUpdates') this.calls.push({ method, params, at: Date.now() });

    const failure = this.failures.find((f) => f.method === method && f.times > 0);
    if (failure) {
      failure.times--;
      return this.json(res, failure.code, {
        ok: false, error_code: failure.code, description: failure.description,
        ...(failure.retryAfter !== undefined ? { parameters: { retry_after: failure.retryAfter } } : {}),
      });
    }
    const limited = this.checkLimits(method, params);
    if (limited) return this.json(res, 429, limited);
    const result = await this.answer(method, params, res);
    // Lets a test act after a call was recorded but before the bot hears the answer (e.g. kill -9 there).
    if (this.afterAnswer) await this.afterAnswer(method, params);
    if (result === undefined) return this.json(res, 400, { ok: false, error_code: 400, description: `Bad Request: method ${method} is not emulated` });
    this.json(res, 200, { ok: true, result });
  }

  /** Telegram's message limits: a 429 body (and a counted violation) when this message breaks one. */
  private checkLimits(method: string, params: Record<string, any>): Record<string, unknown> | undefined {
    if (!/^(send(?!ChatAction)|copyMessage|forwardMessage)/.test(method)) return undefined;
    const now = Date.now();
    const tooMany = (retry: number) => ({ ok: false, error_code: 429, description: `Too Many Requests: retry after ${retry}`, parameters: { retry_after: retry } });
    if (this.rateLimitPerSecond) {
      const since = now - 1000 + this.limitToleranceMs;
      this.accepted = this.accepted.filter((t) => t > since);
      if (this.accepted.length >= this.rateLimitPerSecond) {
        this.violations.overall++;
        return tooMany(Math.max(1, Math.ceil((this.accepted[0] - since) / 1000)));
      }
    }
    const chat = String(params.chat_id);
    if (this.perChatIntervalMs) {
      const last = this.lastToChat.get(chat);
      if (last !== undefined && now - last < this.perChatIntervalMs - this.limitToleranceMs) {
        this.violations.perChat++;
        return tooMany(Math.max(1, Math.ceil((last + this.perChatIntervalMs - now) / 1000)));
      }
    }
    if (this.rateLimitPerSecond) this.accepted.push(now);
    if (this.perChatIntervalMs) this.lastToChat.set(chat, now);
    return undefined;
  }

  private record(method: string, params: Record<string, any>, extra: Partial<SentMessage>): any {
    const chatId = Number(params.chat_id);
    const msg: SentMessage = {
      message_id: this.nextMessageId(), chat_id: chatId, text: params.text, caption: params.caption,
      reply_markup: params.reply_markup, params, edits: 0, at: Date.now(), ...extra,
    };
    this.sent.push(msg);
    this.changed();
    return {
      message_id: msg.message_id, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private' },
      from: { id: BOT_ID, is_bot: true, first_name: 'LAG bot', username: 'lag_test_bot' },
      ...(msg.text !== undefined ? { text: msg.text } : {}), ...(msg.caption !== undefined ? { caption: msg.caption } : {}),
      ...(msg.photo ? { photo: [{ file_id: `sent-${msg.message_id}`, file_unique_id: `u${msg.message_id}`, width: 800, height: 800 }] } : {}),
      ...(msg.document ? { document: { file_id: `doc-${msg.message_id}`, file_unique_id: `d${msg.message_id}`, file_name: msg.document.filename } } : {}),
    };
  }

  /** Where a sent photo's bytes are: an upload is kept as an emulator file; a file_id or URL is referenced. */
  private photoRef(photo: unknown): SentMessage['photoRef'] {
    if (photo && typeof photo === 'object' && Buffer.isBuffer((photo as { data?: unknown }).data)) {
      return { fileId: this.storeFile((photo as { data: Buffer }).data, `photos/sent-${this.messageId + 1}.jpg`) };
    }
    if (typeof photo === 'string') return /^https?:\/\//.test(photo) ? { url: photo } : { fileId: photo };
    return undefined;
  }

  private async answer(method: string, p: Record<string, any>, res?: ServerResponse): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return { id: BOT_ID, is_bot: true, first_name: 'LAG bot', username: 'lag_test_bot', can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false };
      case 'getUpdates': {
        const offset = Number(p.offset ?? 0);
        if (this.ignoreOffsetTimes > 0) this.ignoreOffsetTimes--;
        else this.updates = this.updates.filter((u) => u.update_id >= offset);
        if (this.updates.length || this.closing) return this.takeUpdates();
        const timeout = Math.min(Number(p.timeout ?? 0), 2) * 1000;
        if (!timeout) return [];
        return new Promise<unknown[]>((resolve) => {
          const w: Waiter = { resolve, timer: setTimeout(() => {
            this.waiters = this.waiters.filter((x) => x !== w);
            resolve([]);
          }, timeout) };
          this.waiters.push(w);
          // A poller that went away (bot stopped) must not swallow updates.
          res?.on('close', () => {
            clearTimeout(w.timer);
            this.waiters = this.waiters.filter((x) => x !== w);
          });
        });
      }
      case 'sendMessage':
        return this.record(method, p, {});
      case 'sendPhoto':
        return this.record(method, p, { photo: true, photoRef: this.photoRef(p.photo) });
      case 'sendDocument':
        return this.record(method, p, { document: typeof p.document === 'object' ? p.document : { filename: String(p.document) } });
      case 'copyMessage':
        return { message_id: this.record(method, p, { text: '[copy]' }).message_id };
      case 'editMessageText':
      case 'editMessageCaption':
      case 'editMessageReplyMarkup': {
        const msg = this.sent.find((s) => s.message_id === Number(p.message_id) && s.chat_id === Number(p.chat_id));
        if (!msg) return undefined;
        if (p.text !== undefined) msg.text = p.text;
        if (p.caption !== undefined) msg.caption = p.caption;
        msg.reply_markup = p.reply_markup;
        msg.edits++;
        this.changed();
        return { message_id: msg.message_id, date: 0, chat: { id: msg.chat_id, type: 'private' }, text: msg.text };
      }
      case 'getFile': {
        const f = this.files.get(String(p.file_id));
        if (!f) return undefined;
        return { file_id: p.file_id, file_unique_id: `u-${p.file_id}`, file_size: f.data.length, file_path: f.path };
      }
      case 'deleteMessage': {
        const msg = this.sent.find((s) => s.message_id === Number(p.message_id) && s.chat_id === Number(p.chat_id));
        if (msg && !msg.deleted) {
          msg.deleted = true;
          this.changed();
        }
        return true;
      }
      case 'answerCallbackQuery':
      case 'setMyCommands':
      case 'deleteMyCommands':
      case 'deleteWebhook':
      case 'setWebhook':
      case 'sendChatAction':
      case 'setChatMenuButton':
        return true;
      default:
        return undefined;
    }
  }
}

export class EmulatedUser {
  constructor(
    readonly tg: BotApiEmulator,
    readonly id: number,
    readonly profile: { first_name: string; language_code?: string; username?: string },
  ) {}

  /** Telegram's user object for this user (the language can change between updates, as in the app). */
  private get from() {
    return { id: this.id, is_bot: false, ...this.profile };
  }

  private message(extra: Record<string, unknown>) {
    return { message_id: this.tg.nextMessageId(), date: Math.floor(Date.now() / 1000), chat: { id: this.id, type: 'private', first_name: this.profile.first_name }, from: this.from, ...extra };
  }

  /** Sends a text; texts starting with "/" carry a bot_command entity as Telegram's clients do. */
  send(text: string): void {
    const cmd = text.match(/^\/\w+/);
    const entities = cmd ? [{ type: 'bot_command', offset: 0, length: cmd[0].length }] : undefined;
    this.tg.pushUpdate({ message: this.message({ text, ...(entities ? { entities } : {}) }) });
  }

  /** Presses an inline button by its callback data (on the latest message that has it). */
  press(data: string): void {
    const msg = [...this.messages()].reverse().find((m) => buttons(m).some((b) => b.callback_data === data));
    if (!msg) throw new Error(`no message to user ${this.id} has a button "${data}"; last: ${JSON.stringify(this.last()?.text)}`);
    this.tg.pushUpdate({
      callback_query: {
        id: String(this.tg.nextMessageId()), from: this.from, chat_instance: `ci${this.id}`, data,
        message: { message_id: msg.message_id, date: 0, chat: { id: this.id, type: 'private' }, text: msg.text ?? msg.caption },
      },
    });
  }

  /** Presses the button whose label contains `label`. */
  pressLabel(label: string): void {
    const msg = [...this.messages()].reverse().find((m) => buttons(m).some((b) => b.text.includes(label) && b.callback_data));
    const b = msg && buttons(msg).find((x) => x.text.includes(label) && x.callback_data);
    if (!b) throw new Error(`no button labelled "${label}" for user ${this.id}`);
    this.press(b.callback_data!);
  }

  shareContact(phone: string): void {
    this.tg.pushUpdate({ message: this.message({ contact: { phone_number: phone, first_name: this.profile.first_name, user_id: this.id } }) });
  }

  /** Uploads a photo (bytes are served at the emulator's file endpoint, as Telegram does). */
  sendPhoto(data: Buffer, size: { width: number; height: number }, caption?: string): string {
    const fileId = `photo-${this.tg.nextMessageId()}`;
    this.tg.files.set(fileId, { path: `photos/${fileId}.jpg`, data });
    const small = { file_id: `${fileId}-s`, file_unique_id: `${fileId}-s`, width: 90, height: 90, file_size: 1000 };
    this.tg.pushUpdate({ message: this.message({ photo: [small, { file_id: fileId, file_unique_id: fileId, width: size.width, height: size.height, file_size: data.length }], ...(caption ? { caption } : {}) }) });
    return fileId;
  }

  sendDocument(data: Buffer, fileName: string, mime = 'text/csv', caption?: string): string {
    const fileId = `doc-${this.tg.nextMessageId()}`;
    this.tg.files.set(fileId, { path: `documents/${fileName}`, data });
    this.tg.pushUpdate({ message: this.message({ document: { file_id: fileId, file_unique_id: fileId, file_name: fileName, mime_type: mime, file_size: data.length }, ...(caption ? { caption } : {}) }) });
    return fileId;
  }

  sendSticker(): void {
    this.tg.pushUpdate({ message: this.message({ sticker: { file_id: 'stk', file_unique_id: 'stk', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false } }) });
  }

  sendVoice(): void {
    this.tg.pushUpdate({ message: this.message({ voice: { file_id: 'voice', file_unique_id: 'voice', duration: 3 } }) });
  }

  block(): void {
    this.tg.pushUpdate({ my_chat_member: { chat: { id: this.id, type: 'private' }, from: this.from, date: 0,
      old_chat_member: { status: 'member', user: { id: BOT_ID, is_bot: true, first_name: 'bot' } },
      new_chat_member: { status: 'kicked', user: { id: BOT_ID, is_bot: true, first_name: 'bot' }, until_date: 0 } } });
  }

  messages(): SentMessage[] {
    return this.tg.messagesTo(this.id);
  }

  last(): SentMessage | undefined {
    const all = this.messages();
    return all[all.length - 1];
  }

  /** Waits for a NEW message (sent after `since` messages) whose text/caption contains `needle` or matches. */
  async expect(needle: string | RegExp, opts: { since?: number; timeoutMs?: number } = {}): Promise<SentMessage> {
    const since = opts.since ?? 0;
    return this.tg.waitUntil(() => this.messages().slice(since).find((m) => matches(m.text ?? m.caption ?? '', needle)), opts.timeoutMs ?? 15_000,
      `message to ${this.id} matching ${needle}; got: ${JSON.stringify(this.messages().slice(since).map((m) => m.text ?? m.caption))}`);
  }

  /** Sends text and waits for the reply that contains `needle`. */
  async say(text: string, needle: string | RegExp): Promise<SentMessage> {
    const since = this.messages().length;
    this.send(text);
    return this.expect(needle, { since });
  }

  /** Presses a button and waits for a message (new or edited) containing `needle`. */
  async tap(data: string, needle: string | RegExp): Promise<SentMessage> {
    const since = this.messages().length;
    this.press(data);
    return this.expect(needle, { since });
  }
}

export function buttons(m: SentMessage): { text: string; callback_data?: string; url?: string }[] {
  return (m.reply_markup?.inline_keyboard ?? []).flat();
}

function matches(s: string, needle: string | RegExp): boolean {
  return typeof needle === 'string' ? s.includes(needle) : needle.test(s);
}

/** Minimal multipart/form-data reader (parts as strings, or File-likes when a filename is given). */
function parseMultipart(body: Buffer, type: string): { entries(): [string, string | File][] } {
  const boundary = type.match(/boundary=("?)([^";]+)\1/)?.[2];
  const parts: [string, string | File][] = [];
  if (boundary) {
    const sep = Buffer.from(`--${boundary}`);
    let at = body.indexOf(sep);
    while (at >= 0) {
      const start = at + sep.length;
      const next = body.indexOf(sep, start);
      if (next < 0) break;
      const chunk = body.subarray(start + 2, next - 2);
      const headEnd = chunk.indexOf('\r\n\r\n');
      const head = chunk.subarray(0, headEnd).toString('utf8');
      const data = chunk.subarray(headEnd + 4);
      const name = head.match(/name="?([^";\r\n]+)"?/i)?.[1] ?? '';
      const filename = head.match(/filename="?([^";\r\n]+)"?/i)?.[1];
      parts.push([name, filename ? new File([new Uint8Array(data)], filename) : data.toString('utf8')]);
      at = next;
    }
  }
  return { entries: () => parts };
}
