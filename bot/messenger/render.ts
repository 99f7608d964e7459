/**
 * Messenger payloads that always fit the platform limits: long content is cut cleanly at a
 * word boundary with an ellipsis, extra items are dropped — Meta never gets a payload it would reject.
 */
import { encode } from '../../services/actions.js';
import type { TFunction } from '../../services/i18n.js';
import { resolveBody, resolveText, shorten, type Button, type Card as CardView, type OutMessage, type Photo } from '../../services/messages.js';

export const LIMITS = {
  text: 2000,
  quickReplies: 13,
  quickReplyTitle: 20,
  buttonTitle: 20,
  buttonTemplateText: 640,
  buttons: 3,
  cards: 10,
  cardTitle: 80,
  cardSubtitle: 80,
  payload: 1000,
} as const;

/** Trims, then cuts to `max` characters at a word boundary when one is near, with an ellipsis. */
export function cut(s: string, max: number): string {
  return shorten(s.trim(), max);
}

export type MsgButton =
  | { type: 'web_url'; title: string; url: string }
  | { type: 'postback'; title: string; payload: string }
  | { type: 'phone_number'; title: string; payload: string };

export interface QuickReply { content_type: 'text'; title: string; payload: string }

export interface Card {
  title: string;
  subtitle?: string;
  image_url?: string;
  buttons?: MsgButton[];
}

export type MessengerMessage = Record<string, unknown>;

/** Quick replies within limits: ≤ 13, titles ≤ 20, payloads ≤ 1000 (longer payloads are dropped, not cut). */
export function quickReplies(items: { title: string; payload: string }[]): QuickReply[] {
  return items
    .filter((q) => q.payload.length > 0 && q.payload.length <= LIMITS.payload && q.title.trim())
    .slice(0, LIMITS.quickReplies)
    .map((q) => ({ content_type: 'text', title: cut(q.title, LIMITS.quickReplyTitle), payload: q.payload }));
}

function button(b: MsgButton): MsgButton {
  return { ...b, title: cut(b.title, LIMITS.buttonTitle) };
}

export function textMessage(text: string, replies: { title: string; payload: string }[] = []): MessengerMessage {
  const qr = quickReplies(replies);
  return { text: cut(text || '…', LIMITS.text), ...(qr.length ? { quick_replies: qr } : {}) };
}

export function buttonTemplate(text: string, buttons: MsgButton[], replies: { title: string; payload: string }[] = []): MessengerMessage {
  const qr = quickReplies(replies);
  return {
    attachment: { type: 'template', payload: { template_type: 'button', text: cut(text || '…', LIMITS.buttonTemplateText), buttons: buttons.slice(0, LIMITS.buttons).map(button) } },
    ...(qr.length ? { quick_replies: qr } : {}),
  };
}

/** A generic-template carousel: ≤ 10 cards, title/subtitle ≤ 80, ≤ 3 buttons each. */
export function carousel(cards: Card[], replies: { title: string; payload: string }[] = []): MessengerMessage {
  const qr = quickReplies(replies);
  const elements = cards.slice(0, LIMITS.cards).map((c) => ({
    title: cut(c.title || '…', LIMITS.cardTitle),
    ...(c.subtitle ? { subtitle: cut(c.subtitle, LIMITS.cardSubtitle) } : {}),
    ...(c.image_url ? { image_url: c.image_url } : {}),
    ...(c.buttons?.length ? { buttons: c.buttons.slice(0, LIMITS.buttons).map(button) } : {}),
  }));
  return { attachment: { type: 'template', payload: { template_type: 'generic', elements } }, ...(qr.length ? { quick_replies: qr } : {}) };
}

export function imageMessage(url: string): MessengerMessage {
  return { attachment: { type: 'image', payload: { url, is_reusable: true } } };
}

function photoUrl(photo: Photo | undefined, publicUrl: string): string | undefined {
  return photo?.blobId ? `${publicUrl}/media/${photo.blobId}` : photo?.url;
}

/** Splits buttons into link/call buttons (web_url, phone_number) and intents (postbacks / quick replies). */
function sortButtons(t: TFunction, buttons: Button[]): { links: MsgButton[]; intents: { title: string; payload: string }[] } {
  const links: MsgButton[] = [];
  const intents: { title: string; payload: string }[] = [];
  for (const b of buttons) {
    if ('phone' in b) {
      links.push({ type: 'phone_number', title: t('search:button.call'), payload: b.phone });
      continue;
    }
    const title = resolveText(t, b.label);
    if ('url' in b) links.push({ type: 'web_url', title, url: b.url });
    else intents.push({ title, payload: 'action' in b ? encode(b.action) : b.intent });
  }
  return { links, intents };
}

/** A neutral card as a generic-template element: its buttons in the presenter's order, ≤ 3. */
function element(t: TFunction, c: CardView, publicUrl: string): Card {
  const buttons = (c.buttons ?? []).map((b): MsgButton => {
    const { links, intents } = sortButtons(t, [b]);
    return links[0] ?? { type: 'postback', ...intents[0] };
  });
  return {
    title: c.title,
    ...(c.subtitle ? { subtitle: resolveText(t, c.subtitle) } : {}),
    ...(photoUrl(c.photo, publicUrl) ? { image_url: photoUrl(c.photo, publicUrl) } : {}),
    buttons,
  };
}

/**
 * A channel-neutral message as one or more Messenger messages: an optional photo, then the text with its
 * link/phone buttons as a button template (≤ 3) and intent buttons as quick replies. Text too long for a
 * button template goes out as a plain text message first. Cards become a carousel after the text, with the
 * message's intent buttons as its quick replies.
 */
export function renderOut(t: TFunction, msg: OutMessage, publicUrl: string): MessengerMessage[] {
  const out: MessengerMessage[] = [];
  const photo = photoUrl(msg.photo, publicUrl);
  if (photo) out.push(imageMessage(photo));
  const body = resolveBody(t, msg);
  const { links, intents } = sortButtons(t, (msg.buttons ?? []).flat());
  if (msg.cards?.length) {
    if (body) out.push(textMessage(body));
    out.push(carousel(msg.cards.map((c) => element(t, c, publicUrl)), intents));
    return out;
  }
  if (!links.length) {
    out.push(textMessage(body, intents));
    return out;
  }
  const fitsTemplate = [...body].length <= LIMITS.buttonTemplateText;
  if (!fitsTemplate) out.push(textMessage(body));
  const first = fitsTemplate ? body : cut(body.split('\n')[0] || body, LIMITS.buttonTemplateText);
  // Room left in the template goes to intents as postback buttons; the rest become quick replies.
  const postbacks = intents.slice(0, Math.max(0, LIMITS.buttons - links.length)).map((i): MsgButton => ({ type: 'postback', ...i }));
  out.push(buttonTemplate(first, [...links, ...postbacks], intents.slice(postbacks.length)));
  return out;
}
