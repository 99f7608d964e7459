/**
 * Channel-neutral messages → Telegram. Texts are sent WITHOUT parse_mode: whatever a user typed (a
 * business called `<b>&"`) is shown literally and can never become markup.
 */
import { InlineKeyboard } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import { encode } from '../../services/actions.js';
import type { Button, Card, OutMessage } from '../../services/messages.js';
import { byteLength, resolveBody, resolveText, shorten } from '../../services/messages.js';
import type { TFunction } from '../../services/i18n.js';

export const TEXT_LIMIT = 4096;
export const CAPTION_LIMIT = 1024;

/** Cuts at a line/word boundary with an ellipsis, so the Bot API never rejects the length. */
export const fit = shorten;

export function keyboard(t: TFunction, rows: Button[][] | undefined): InlineKeyboard | undefined {
  if (!rows?.length) return undefined;
  const kb: InlineKeyboardButton[][] = rows.map((row) => row.map((b) => {
    if ('phone' in b) return { text: fit(t('search:button.copy_number'), 64), copy_text: { text: b.phone } };
    const label = fit(resolveText(t, b.label), 64);
    if ('action' in b) return { text: label, callback_data: encode(b.action) };
    if ('intent' in b) {
      if (byteLength(b.intent) > 64) throw new Error(`callback data over 64 bytes: ${b.intent}`);
      return { text: label, callback_data: b.intent };
    }
    return { text: label, url: b.url };
  }));
  return new InlineKeyboard(kb);
}

export function renderText(t: TFunction, msg: OutMessage, limit = TEXT_LIMIT): string {
  return fit(resolveBody(t, msg), limit);
}


/** A card as Telegram text: the name, then its subtitle and lines, one per line. */
export function renderCard(t: TFunction, card: Card, limit = TEXT_LIMIT): string {
  const lines = [card.title, ...(card.subtitle ? [resolveText(t, card.subtitle)] : []), ...(card.lines ?? []).map((l) => resolveText(t, l))];
  return fit(lines.join('\n'), limit);
}
