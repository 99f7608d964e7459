/**
 * Sends a channel-neutral message to a Telegram chat: its text, then each card as its own message (a photo
 * with a caption when the card has one), the message's buttons on the last message sent. Used by features
 * (replies) and by the notifier (pushes) alike.
 */
import { GrammyError, InputFile, type Api } from 'grammy';
import type { Message } from 'grammy/types';
import type { TFunction } from '../../services/i18n.js';
import type { Button, OutMessage, Photo } from '../../services/messages.js';
import type { BlobStore } from '../../services/store/port.js';
import type { BotContext, ConvContext } from './context.js';
import { CAPTION_LIMIT, fit, keyboard, renderCard, renderText, TEXT_LIMIT } from './render.js';

type Extra = Record<string, unknown>;

async function photoOf(blobs: BlobStore, photo: Photo | undefined): Promise<InputFile | string | undefined> {
  if (!photo) return undefined;
  const blob = photo.blobId ? await blobs.get(photo.blobId) : null;
  return blob ? new InputFile(blob.data) : photo.url;
}

/**
 * One message: the text, under the photo when there is one. Telegram cuts a caption at 1024 characters, so
 * a longer text (a listing with its contacts) goes as the photo with a short caption (`caption`: the name;
 * else the text's first line), then the whole text (≤ 4096) with the buttons.
 */
async function sendOne(api: Api, chatId: number | string, text: string, photo: InputFile | string | undefined, rows: Button[][] | undefined, t: TFunction, extra: Extra, caption?: string): Promise<Message> {
  const reply_markup = keyboard(t, rows);
  if (photo) {
    const fits = [...text].length <= CAPTION_LIMIT;
    try {
      if (fits) return await api.sendPhoto(chatId, photo, { caption: text, reply_markup, ...extra });
      await api.sendPhoto(chatId, photo, { caption: fit(caption || text.split('\n')[0], CAPTION_LIMIT), ...extra });
    } catch (err) {
      // A photo Telegram can't fetch from its URL (a page not reachable from Telegram's servers): the card
      // still goes out, as text.
      if (!(typeof photo === 'string' && err instanceof GrammyError && err.error_code === 400)) throw err;
    }
  }
  return api.sendMessage(chatId, fit(text, TEXT_LIMIT), { reply_markup, link_preview_options: { is_disabled: true }, ...extra });
}

/** Sends `msg`; returns the last message sent. Throws what the Bot API threw (the notifier maps it). */
export async function sendOut(api: Api, chatId: number | string, t: TFunction, msg: OutMessage, blobs: BlobStore, extra: Extra = {}): Promise<Message> {
  const cards = msg.cards ?? [];
  if (!cards.length) {
    return sendOne(api, chatId, renderText(t, msg), await photoOf(blobs, msg.photo), msg.buttons, t, extra, msg.photo?.caption);
  }
  let last: Message | undefined;
  if (msg.text.length) last = await sendOne(api, chatId, renderText(t, msg), await photoOf(blobs, msg.photo), undefined, t, extra, msg.photo?.caption);
  for (const [i, card] of cards.entries()) {
    const isLast = i === cards.length - 1;
    const rows: Button[][] = [...pairs(card.buttons ?? []), ...(isLast ? msg.buttons ?? [] : [])];
    last = await sendOne(api, chatId, renderCard(t, card), await photoOf(blobs, card.photo), rows, t, extra, card.photo?.caption ?? card.title);
  }
  return last!;
}

/** A card's buttons two to a row: labels stay readable on a phone. */
function pairs(buttons: Button[]): Button[][] {
  const rows: Button[][] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return rows;
}

/** Replies in the current chat with a channel-neutral message, in the user's language. */
export function replyOut(ctx: BotContext | ConvContext, msg: OutMessage, extra: Extra = {}): Promise<Message> {
  return sendOut(ctx.api, ctx.chat!.id, ctx.t, msg, ctx.services.store.blobs, extra);
}
