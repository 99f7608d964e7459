/**
 * The demo's view of the emulator: who each chat belongs to (personas and seeded users), the users' Telegram
 * profiles (name, language_code), and each chat's timeline as the web chat shows it.
 */
import type { Locale } from '../../models/user.js';
import type { Services } from '../../services/app.js';
import type { BotApiEmulator, EmulatedUser, SentMessage } from './emulator.js';

export const PERSONA_KEYS = ['newcomer', 'owner', 'customer', 'staff'] as const;
export type PersonaKey = (typeof PERSONA_KEYS)[number];

export interface Persona {
  key: PersonaKey;
  /** Telegram user id (= private chat id). */
  id: number;
  firstName: string;
  /** What "share my phone number" sends for this persona. */
  phone: string;
  locale: Locale;
}

export interface ButtonView {
  text: string;
  /** Inline buttons: callback data, a link, or text to copy. */
  data?: string;
  url?: string;
  copy?: string;
  /** Reply-keyboard buttons: sends the phone number instead of the text. */
  contact?: boolean;
}

export interface MessageView {
  id: number;
  from: 'bot' | 'user';
  text?: string;
  /** Same-origin URL of a photo. */
  photo?: string;
  document?: string;
  contact?: string;
  buttons?: ButtonView[][];
  edited?: boolean;
  deleted?: boolean;
  at: number;
}

export interface ChatView {
  version: number;
  user: { id: number; name: string; locale: string };
  messages: MessageView[];
  /** The reply keyboard shown under the input, if the bot set one. */
  replyKeyboard: ButtonView[][] | null;
}

/** Only http(s) links become link buttons; anything else is shown as plain text. */
function safeUrl(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}

export class DemoChats {
  private readonly users = new Map<number, EmulatedUser>();

  constructor(
    readonly emulator: BotApiEmulator,
    readonly personas: Persona[],
    private readonly services: Services,
  ) {
    for (const p of personas) this.users.set(p.id, emulator.user(p.id, { first_name: p.firstName, language_code: p.locale }));
  }

  persona(id: number): Persona | undefined {
    return this.personas.find((p) => p.id === id);
  }

  /** The emulated Telegram user of a chat: a persona, or a user the store knows (seeded or one who wrote). */
  async user(id: number): Promise<EmulatedUser | null> {
    const known = this.users.get(id);
    if (known) return known;
    const stored = await this.services.users.byExternal('telegram', String(id));
    if (!stored) return null;
    const u = this.emulator.user(id, { first_name: stored.firstName ?? `User ${id}`, language_code: stored.locale });
    this.users.set(id, u);
    return u;
  }

  /** Sets the user's Telegram language; a user the bot already knows gets it as their language too. */
  async setLanguage(u: EmulatedUser, locale: Locale): Promise<void> {
    u.profile.language_code = locale;
    const stored = await this.services.users.byExternal('telegram', String(u.id));
    if (stored && stored.locale !== locale) await this.services.users.setLocale(stored._id, locale);
  }

  /** Chats with messages, most recent first (for the inbox switch). */
  async activeChats(limit = 300): Promise<{ id: number; name: string }[]> {
    const last = new Map<number, number>();
    for (const m of this.emulator.sent) last.set(m.chat_id, Math.max(last.get(m.chat_id) ?? 0, m.at));
    for (const m of this.emulator.inbound) last.set(m.chat_id, Math.max(last.get(m.chat_id) ?? 0, m.at));
    const ids = [...last.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([id]) => id);
    const out: { id: number; name: string }[] = [];
    for (const id of ids) {
      const u = await this.user(id);
      out.push({ id, name: u ? `${u.profile.first_name} (${id})` : String(id) });
    }
    return out;
  }

  /** One chat as the page shows it: user and bot messages in order, the current reply keyboard. */
  async view(id: number): Promise<ChatView> {
    const version = this.emulator.version;
    const u = await this.user(id);
    const messages: MessageView[] = [
      ...this.emulator.inbound.filter((m) => m.chat_id === id).map((m): MessageView => ({
        id: m.message_id, from: 'user', text: m.text ?? m.caption, at: m.at,
        ...(m.photoFileId ? { photo: `/demo/file/${encodeURIComponent(m.photoFileId)}` } : {}),
        ...(m.contact ? { contact: m.contact } : {}),
        ...(m.document ? { document: m.document } : {}),
      })),
      ...this.emulator.messagesTo(id).map((m) => this.botMessage(m)),
    ].sort((a, b) => a.at - b.at || a.id - b.id);
    return {
      version,
      user: { id, name: u?.profile.first_name ?? String(id), locale: u?.profile.language_code ?? 'ro' },
      messages,
      replyKeyboard: this.replyKeyboard(id),
    };
  }

  private botMessage(m: SentMessage): MessageView {
    const view: MessageView = { id: m.message_id, from: 'bot', at: m.at };
    if (m.deleted) return { ...view, deleted: true };
    const text = m.text ?? m.caption;
    if (text !== undefined) view.text = String(text);
    if (m.edits) view.edited = true;
    if (m.photoRef?.fileId) view.photo = `/demo/file/${encodeURIComponent(m.photoRef.fileId)}`;
    else if (m.photoRef?.url) view.photo = this.sameOrigin(m.photoRef.url);
    if (m.document) view.document = m.document.filename ?? 'file';
    const rows = m.reply_markup?.inline_keyboard as any[][] | undefined;
    if (Array.isArray(rows)) {
      view.buttons = rows.map((row) => row.map((b): ButtonView => ({
        text: String(b.text ?? ''),
        ...(typeof b.callback_data === 'string' ? { data: b.callback_data } : {}),
        ...(safeUrl(b.url) ? { url: safeUrl(b.url) } : {}),
        ...(typeof b.copy_text?.text === 'string' ? { copy: b.copy_text.text } : {}),
      })));
    }
    return view;
  }

  /** Photos the bot links on this server (PUBLIC_URL/media/…) are shown by path, so the page's CSP holds. */
  private sameOrigin(url: string): string | undefined {
    try {
      const u = new URL(url);
      return u.pathname.startsWith('/media/') ? u.pathname : undefined;
    } catch {
      return undefined;
    }
  }

  /** The latest reply keyboard that is still up: not removed, and (one-time keyboards) not used yet. */
  private replyKeyboard(id: number): ButtonView[][] | null {
    const sent = this.emulator.messagesTo(id);
    for (let i = sent.length - 1; i >= 0; i--) {
      const rm = sent[i].reply_markup;
      if (rm?.remove_keyboard) return null;
      if (Array.isArray(rm?.keyboard)) {
        if (rm.one_time_keyboard && this.emulator.inbound.some((m) => m.chat_id === id && m.at > sent[i].at)) return null;
        return (rm.keyboard as any[][]).map((row) => row.map((b): ButtonView => (typeof b === 'string'
          ? { text: b }
          : { text: String(b.text ?? ''), ...(b.request_contact ? { contact: true } : {}) })));
      }
    }
    return null;
  }
}
