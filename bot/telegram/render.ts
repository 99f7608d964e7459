/**
 * Channel-neutral messages → Telegram. Texts are sent WITHOUT parse_mode: whatever a user typed (a
 * business called `<b>&"`) is shown literally and can never become markup.
 */
import { InlineKeyboard } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import type { Button, OutMessage } from '../../services/messages.js';
import { byteLength, resolveBody, resolveText } from '../../services/messages.js';
import type { TFunction } from '../../services/i18n.js';

export const TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

/** Cuts at a line/word boundary and adds an ellipsis, so the Bot API never rejects the length. */
export function fit(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  const cut = chars.slice(0, max - 1).join('');
  const at = Math.max(cut.lastIndexOf('\n'), cut.lastIndexOf(' '));
  return `${at > max * 0.6 ? cut.slice(0, at) : cut}…`;
}

export function keyboard(t: TFunction, rows: Button[][] | undefined): InlineKeyboard | undefined {
  if (!rows?.length) return undefined;
  const kb: InlineKeyboardButton[][] = rows.map((row) => row.map((b) => {
    const label = fit(resolveText(t, b.label), 64);
    if ('intent' in b) {
      if (byteLength(b.intent) > 64) throw new Error(`callback data over 64 bytes: ${b.intent}`);
      return { text: label, callback_data: b.intent };
    }
    if ('url' in b) return { text: label, url: b.url };
    // Telegram has no "call" button: a tel: URL is refused, so show the number as a copyable button.
    return { text: `${label}: ${b.phone}`, copy_text: { text: b.phone } };
  }));
  return new InlineKeyboard(kb);
}

export function renderText(t: TFunction, msg: OutMessage, limit = TEXT_LIMIT): string {
  return fit(resolveBody(t, msg), limit);
}

