/**
 * The optional questions for the public page (address, opening hours, Telegram/Viber/WhatsApp, the
 * description in other languages): asked in /register after the contacts, and one at a time from /mybusiness.
 */
import { LISTING_LIMITS } from '../../../models/listing.js';
import { LOCALES } from '../../../models/user.js';
import type { ListingDraft, ProfileField } from '../../../services/directory.js';
import { LANGUAGE_NAMES } from '../../../services/i18n.js';
import { formatOpeningHours, parseOpeningHours } from '../../../services/opening-hours.js';
import { normalizeTelegram } from '../../../services/profile.js';
import { cleanText, normalizePhone, type Checked } from '../../../services/validation.js';
import type { ConvContext } from '../context.js';
import { askChoice, askText, REGISTRATION_HINTS, type BackButton, type Conv } from './questions.js';

/** Registration's step line and Back button for a question (none when editing from /mybusiness). */
export interface StepNav { header?: string; back?: BackButton }

export type { ProfileField };
export const PROFILE_FIELDS: ProfileField[] = ['address', 'openingHours', 'telegram', 'viber', 'whatsapp', 'descriptions'];

const SKIP = 'step:skip';

function optionalText<T>(conv: Conv, ctx: ConvContext, key: string, check: (s: string) => Checked<T>, current: string | undefined, nav: StepNav): Promise<T | null> {
  return askText(conv, ctx, `${ctx.t(key)}\n${ctx.t('registration:optional')}`, check, REGISTRATION_HINTS, {
    skip: { label: ctx.t('registration:skip'), data: SKIP }, current, header: nav.header, back: nav.back,
  });
}

/** Adds, replaces or removes translations of the description, one language at a time, until Done. */
async function askDescriptions(conv: Conv, ctx: ConvContext, draft: Partial<ListingDraft>, nav: StepNav): Promise<void> {
  const current = { ...(draft.descriptions ?? {}) };
  for (let round = 0; ; round++) {
    const options: [string, string][] = LOCALES.map((l) => [`${current[l] ? '✅ ' : ''}${LANGUAGE_NAMES[l]}`, l]);
    options.push([ctx.t(round === 0 && !Object.keys(current).length ? 'registration:skip' : 'registration:done'), '!done']);
    const asked = ctx.t(round === 0 ? 'profile:ask.descriptions' : 'profile:descriptions.another');
    const question = round === 0 && nav.header ? `${nav.header}\n${asked}` : asked;
    const lng = await askChoice(conv, ctx, question, options, 'dsc', REGISTRATION_HINTS, 2, round === 0 ? nav.back : undefined) as (typeof LOCALES)[number] | '!done';
    if (lng === '!done') break;
    const answer = await askText(conv, ctx, ctx.t('profile:ask.description_in', { language: ctx.t(`profile:language.${lng}`), max: LISTING_LIMITS.description }),
      (s) => cleanText(s, { min: 10, max: LISTING_LIMITS.description, multiline: true }), REGISTRATION_HINTS,
      { skip: current[lng] ? { label: ctx.t('profile:descriptions.remove'), data: SKIP } : undefined, current: current[lng] });
    if (answer === null) delete current[lng];
    else current[lng] = answer;
  }
  draft.descriptions = Object.keys(current).length ? current : undefined;
}

/** Asks one of the page fields and writes the answer into the draft (Skip clears it). */
export async function askProfileField(conv: Conv, ctx: ConvContext, field: ProfileField, draft: Partial<ListingDraft>, editing: boolean, nav: StepNav = {}): Promise<void> {
  const cur = (v: string | undefined) => (editing && v ? v : undefined);
  switch (field) {
    case 'address':
      draft.address = (await optionalText(conv, ctx, 'profile:ask.address', (s) => cleanText(s, { min: 3, max: LISTING_LIMITS.address }), cur(draft.address), nav)) ?? undefined;
      return;
    case 'openingHours': {
      const shown = draft.openingHours?.length ? formatOpeningHours(draft.openingHours, ctx.locale, ctx.t('profile:hours.closed')) : undefined;
      draft.openingHours = (await optionalText(conv, ctx, 'profile:ask.openingHours', parseOpeningHours, cur(shown), nav)) ?? undefined;
      return;
    }
    case 'telegram':
      draft.telegram = (await optionalText(conv, ctx, 'profile:ask.telegram', normalizeTelegram, cur(draft.telegram && `@${draft.telegram}`), nav)) ?? undefined;
      return;
    case 'viber':
    case 'whatsapp':
      draft[field] = (await optionalText(conv, ctx, `profile:ask.${field}`, (s) => normalizePhone(s, draft.country), cur(draft[field]), nav)) ?? undefined;
      return;
    case 'descriptions':
      await askDescriptions(conv, ctx, draft, nav);
      return;
  }
}
