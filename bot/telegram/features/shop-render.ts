/** Texts and keyboards of /shop: the checklist, product cards, validation problems (plain text, no markup). */
import { InlineKeyboard } from 'grammy';
import type { Listing } from '../../../models/listing.js';
import { PRODUCT_EDIT_FIELDS, type Product, type ShopSettings } from '../../../models/product.js';
import { act } from '../../../services/actions.js';
import { categoryKey } from '../../../services/catalog/categories.js';
import { displayPrice } from '../../../services/catalog/money.js';
import type { Problem } from '../../../services/catalog/validate.js';
import type { TFunction } from '../../../services/i18n.js';
import { actionButton } from '../actions.js';
import { fit } from '../render.js';

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
  const kb = new InlineKeyboard();
  actionButton(kb, t('shop:button.products', { n: counts.total }), act('shop.list', { page: 0 }));
  actionButton(kb, t('shop:button.add'), act('shop.add')).row();
  actionButton(kb, t('shop:button.instructions'), act('shop.steps'));
  actionButton(kb, t('shop:button.feed'), act('shop.feed')).row();
  actionButton(kb, t('shop:button.push'), act('shop.push'));
  actionButton(kb, t(s.lagFeed ? 'shop:button.lag_on' : 'shop:button.lag_off'), act('shop.lag'));
  if (staffLag) actionButton(kb.row(), t('shop:button.lag_feed_url'), act('shop.lagUrl'));
  return kb;
}

/** Amounts in lei in the reader's language. */
export const leiIn = (t: TFunction) => (amount: string): string => t('shop:lei', { amount });

/** The category as the owner chose it (their language); an older free-text value as it was typed. */
export function categoryLabel(t: TFunction, googleCategory: string): string {
  const key = categoryKey(googleCategory);
  return key ? t(`shop:category.${key}`) : googleCategory;
}

/** `priceNote`: where a price in lei stands in the catalog (its EUR price and the LAG's rate). */
export function productCard(t: TFunction, p: Product, listing: Pick<Listing, 'name'>, problems: Problem[], priceNote?: string): string {
  const lines = [
    `${p.status === 'paused' ? '⏸ ' : ''}${p.title}`,
    t('shop:card.price', { value: displayPrice(p, leiIn(t)) }),
    ...(priceNote ? [priceNote] : []),
    t('shop:card.availability', { value: t(`shop:availability.${p.availability}`) }),
    t('shop:card.condition', { value: t(`shop:condition.${p.condition}`) }),
    t('shop:card.brand', { value: p.brand?.trim() || listing.name }),
    t('shop:card.photos', { count: p.photos.length }),
  ];
  if (p.googleCategory) lines.push(t('shop:card.category', { value: categoryLabel(t, p.googleCategory) }));
  lines.push('', fit(p.description, 300), '');
  if (p.status === 'paused') lines.push(t('shop:card.paused'));
  else if (problems.length) lines.push(t('shop:card.not_in_feed'), problemLines(t, problems));
  else lines.push(t('shop:card.in_feed'));
  return lines.join('\n');
}

export function productKeyboard(t: TFunction, p: Product): InlineKeyboard {
  const kb = new InlineKeyboard();
  PRODUCT_EDIT_FIELDS.forEach((field, i) => {
    actionButton(kb, t(`shop:field.${field}`), act('shop.edit', { product: p._id, field }));
    if (i % 3 === 2) kb.row();
  });
  actionButton(kb.row(), t(p.status === 'paused' ? 'shop:button.resume' : 'shop:button.pause'), act('shop.pause', { product: p._id }));
  actionButton(kb, t('shop:button.delete'), act('shop.delete', { product: p._id })).row();
  return actionButton(kb, t('shop:button.back'), act('shop.list', { page: 0 }));
}
