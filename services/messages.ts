/**
 * Channel-neutral messages: a service says WHAT to tell a user (translation keys + params, buttons with
 * intent payloads); bot/telegram and bot/messenger decide HOW it looks. Nothing here is pre-translated,
 * so each recipient gets their own language.
 */
import type { User } from '../models/user.js';
import type { Action } from './actions.js';

/** A translatable text: i18next key ("ns:key") with parameters. `raw` is user/staff text shown as is. */
export type Text = { key: string; params?: Record<string, unknown> } | { raw: string };

export type Button =
  /** A typed action (services/actions.ts), encoded per channel (callback_data / postback payload). */
  | { label: Text; action: Action }
  /** Sends `intent` back to the bot as is (older staff buttons; prefer `action`). */
  | { label: Text; intent: string }
  | { label: Text; url: string }
  /**
   * A phone number: Messenger shows a real Call button; Telegram has none (a tel: URL is refused), so it
   * shows a "Copy number" button (copy_text) — each channel labels it for what it does there.
   */
  | { label?: Text; phone: string };

export type Photo = {
  blobId?: string;
  url?: string;
  /** Telegram: the photo's caption when the text is too long for one (≤ 1024); the text then follows on its own. */
  caption?: string;
};

/** One result/business/offer card: its own photo, lines and buttons (a message on Telegram, a carousel element on Messenger). */
export interface Card {
  /** User text (a business name): never markup. */
  title: string;
  /** The second line (Messenger: the card's subtitle). */
  subtitle?: Text;
  /** More lines under the subtitle (Telegram shows them; Messenger's card has no room). */
  lines?: Text[];
  photo?: Photo;
  buttons?: Button[];
}

export interface OutMessage {
  /** Paragraphs joined with blank lines. */
  text: Text[];
  /** Rows of buttons (after the cards when there are cards). */
  buttons?: Button[][];
  /** Photo from the blob store (id) or a public URL. */
  photo?: Photo;
  /** Cards shown after the text (search results, offers): each with its own photo and buttons. */
  cards?: Card[];
}

export type DeliveryOutcome =
  | { status: 'sent'; messageId?: string }
  /** The user blocked the bot, deleted their account, or the chat does not exist. */
  | { status: 'unreachable'; reason: string }
  /** Messenger: outside the 24-hour window for this kind of message. */
  | { status: 'outside_window' }
  | { status: 'rate_limited'; retryAfterSec: number }
  | { status: 'failed'; reason: string; retryable: boolean };

/** The port a service uses to reach a user on whatever channel they came from. */
export interface Notifier {
  send(user: User, message: OutMessage, opts?: { promotional?: boolean }): Promise<DeliveryOutcome>;
}

export const text = (key: string, params?: Record<string, unknown>): Text => ({ key, params });
export const raw = (s: string): Text => ({ raw: s });

/**
 * Shortens text to at most `max` characters (code points) at a line or word boundary, with an ellipsis, so a
 * platform never rejects it for length. Used by every channel's renderer.
 */
export function shorten(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  const head = chars.slice(0, max - 1).join('');
  const at = Math.max(head.lastIndexOf('\n'), head.lastIndexOf(' '));
  return `${(at > max * 0.6 ? head.slice(0, at) : head).trimEnd()}…`;
}

/** UTF-8 byte length: Telegram's callback_data limit (64) is in bytes. */
export function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function isText(v: unknown): v is Text {
  return !!v && typeof v === 'object' && !Array.isArray(v) && ('key' in v || 'raw' in v);
}

/**
 * Turns a Text into a string with the given translator. Parameters that are Texts (or arrays of Texts)
 * are translated first, so a message can say "{{district}}" and carry the district's translation key.
 */
export function resolveText(t: (key: string, params?: Record<string, unknown>) => string, value: Text): string {
  if ('raw' in value) return value.raw;
  if (!value.params) return t(value.key);
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value.params)) {
    if (isText(v)) params[k] = resolveText(t, v);
    else if (Array.isArray(v) && v.every(isText)) params[k] = v.map((x) => resolveText(t, x)).join(', ');
    else params[k] = v;
  }
  return t(value.key, params);
}

/** All paragraphs of a message in one language. */
export function resolveBody(t: (key: string, params?: Record<string, unknown>) => string, msg: OutMessage): string {
  return msg.text.map((p) => resolveText(t, p)).join('\n\n');
}
