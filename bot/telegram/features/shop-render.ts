/** Texts and keyboards of /shop: the checklist, product cards, validation problems (plain text, no markup). */
import { InlineKeyboard } from 'grammy';
import type { Listing } from '../../../models/listing.js';
import type { Product, ShopSettings } from '../../../models/product.js';
import { displayPrice } from '../../../services/catalog/money.js';
import type { Problem } from '../../../services/catalog/validate.js';
import type { TFunction } from '../../../services/i18n.js';
import { fit } from '../render.js';

/** Editable product fields as they appear in callback data (sp:e:<productId>:<field>). */
export const PRODUCT_FIELDS = ['title', 'description', 'price', 'mdl', 'availability', 'condition', 'photos', 'brand', 'sale', 'category'] as const;
export type ProductFieldCode = (typeof PRODUCT_FIELDS)[number];

export function problemLines(t: TFunction, problems: Problem[]): string {
  return problems.map((p) => `• ${t(p.key, p.params)}`).join('\n');
}

export function checklistText(t: TFunction, listing: Listing, s: ShopSettings, counts: { total: number; valid: number }): string {
  const steps = [
    s.checklist.pageLinked,
    s.checklist.catalogCreated || !!s.catalogId,
    s.checklist.feedAdded,
    counts.valid > 0,
  ];
  const done = steps.filter(Boolean).length;
  const mark = (b: boolean) => (b ? '✅' : '⬜');
  const lines = [
    t('shop:title', { name: listing.name }),
    t('shop:progress', { done, total: steps.length }),
    '',
    `${mark(steps[0])} ${t('shop:step.pageLinked')}`,
    `${mark(steps[1])} ${t('shop:step.catalogCreated')}${s.catalogId ? ` (${t('shop:catalog_id', { id: s.catalogId })})` : ''}`,
    `${mark(steps[2])} ${t('shop:step.feedAdded')}`,
    `${mark(steps[3])} ${t('shop:step.productsValid')} — ${t('shop:in_feed', { count: counts.valid, total: counts.total })}`,
  ];
  if (listing.status !== 'published') lines.push('', t('shop:not_published'));
  if (done === steps.length) lines.push('', t('shop:all_done'));
  return lines.join('\n');
}

export function homeKeyboard(t: TFunction, s: ShopSettings, counts: { total: number }, staffLag: boolean): InlineKeyboard {
  const kb = new InlineKeyboard()
    .text(t('shop:button.products', { n: counts.total }), 'sp:list:0').text(t('shop:button.add'), 'sp:add').row()
    .text(t('shop:button.instructions'), 'sp:steps').text(t('shop:button.feed'), 'sp:feed').row()
    .text(t('shop:button.push'), 'sp:push').text(t(s.lagFeed ? 'shop:button.lag_on' : 'shop:button.lag_off'), 'sp:lag');
  if (staffLag) kb.row().text(t('shop:button.lag_feed_url'), 'sp:lagurl');
  return kb;
}

export function productCard(t: TFunction, p: Product, listing: Pick<Listing, 'name'>, problems: Problem[]): string {
  const lines = [
    `${p.status === 'paused' ? '⏸ ' : ''}${p.title}`,
    t('shop:card.price', { value: displayPrice(p) }),
    t('shop:card.availability', { value: t(`shop:availability.${p.availability}`) }),
    t('shop:card.condition', { value: t(`shop:condition.${p.condition}`) }),
    t('shop:card.brand', { value: p.brand?.trim() || listing.name }),
    t('shop:card.photos', { count: p.photos.length }),
  ];
  if (p.googleCategory) lines.push(t('shop:card.category', { value: p.googleCategory }));
  lines.push('', fit(p.description, 300), '');
  if (p.status === 'paused') lines.push(t('shop:card.paused'));
  else if (problems.length) lines.push(t('shop:card.not_in_feed'), problemLines(t, problems));
  else lines.push(t('shop:card.in_feed'));
  return lines.join('\n');
}

export function productKeyboard(t: TFunction, p: Product): InlineKeyboard {
  const kb = new InlineKeyboard();
  PRODUCT_FIELDS.forEach((f, i) => {
    kb.text(t(`shop:field.${f}`), `sp:e:${p._id}:${f}`);
    if (i % 3 === 2) kb.row();
  });
  return kb.row()
    .text(t(p.status === 'paused' ? 'shop:button.resume' : 'shop:button.pause'), `sp:st:${p._id}`)
    .text(t('shop:button.delete'), `sp:del:${p._id}`).row()
    .text(t('shop:button.back'), 'sp:list:0');
}
