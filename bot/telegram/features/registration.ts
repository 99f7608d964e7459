/**
 * /register: asks every listing field ("Step 5 of 13", Back on every question, Skip on optional ones), keeps
 * each answer in the draft store (services/registration-drafts.ts) so leaving loses nothing and /register
 * continues where the person stopped, then shows a short summary (with the photo) where fields are changed
 * by group, and submits the listing for moderation.
 */
import { createConversation } from '@grammyjs/conversations';
import { Composer } from 'grammy';
import type { Listing } from '../../../models/listing.js';
import { act, decodeAs, EDIT_GROUPS, type EditGroup } from '../../../services/actions.js';
import type { ListingDraft, ListingField } from '../../../services/directory.js';
import { text, type Button } from '../../../services/messages.js';
import { RegistrationDrafts } from '../../../services/registration-drafts.js';
import { registrationSummary } from '../../../services/screens/business.js';
import { syncCommands } from '../commands.js';
import type { BotContext, ConvContext } from '../context.js';
import { REGISTRATION_ID } from '../flow-guard.js';
import { replyOut } from '../send.js';
import { askField, FIELDS, GoBack, SPOKEN, type Conv, type Draft } from './listing-steps.js';

export const REGISTRATION = REGISTRATION_ID;

/** The summary's edit groups and their fields, in the order they were asked. */
export const GROUP_FIELDS: Record<EditGroup, ListingField[]> = {
  about: ['name', 'sectors', 'activity', 'description', 'keywords', 'descriptions'],
  place: ['districtId', 'locality', 'address', 'openingHours'],
  contacts: ['phone', 'email', 'website', 'facebook', 'telegram', 'viber', 'whatsapp'],
  extra: ['languages', 'logoId'],
};

const drafts = (c: ConvContext | BotContext) => new RegistrationDrafts(c.services.store);

/** The field buttons of /mybusiness (one per field, three a row). */
export function fieldButtons(fields: ListingField[], action: (f: ListingField) => Button): Button[][] {
  const rows: Button[][] = [];
  fields.forEach((f, i) => {
    if (i % 3 === 0) rows.push([]);
    rows[rows.length - 1].push(action(f));
  });
  return rows;
}

async function save(conv: Conv, draft: Draft, done: ListingField[]): Promise<void> {
  await conv.external((outside) => drafts(outside).save(outside.user._id, draft, done));
}

/**
 * Marks the outside context: when this short conversation has returned, the next one starts on the same
 * update (see registrationFeature).
 */
const CHAIN = Symbol('registration-chain');
type Chained = BotContext & { [CHAIN]?: boolean };

async function chain(conv: Conv): Promise<void> {
  await conv.external((outside) => {
    (outside as Chained)[CHAIN] = true;
  });
}

async function showSummary(conv: Conv, ctx: ConvContext, draft: Draft): Promise<void> {
  const groups: Button[] = EDIT_GROUPS.map((g) => ({ label: text(`registration:group.${g}`), action: act('reg.group', { group: g }) }));
  const msg = {
    text: [text('registration:summary_title'), ...registrationSummary(draft as Partial<Listing>, SPOKEN), text('registration:summary_hint')],
    ...(draft.logoId ? { photo: { blobId: draft.logoId, caption: draft.name } } : {}),
    buttons: [groups.slice(0, 2), groups.slice(2), [
      { label: text('registration:confirm'), action: act('reg.confirm') },
      { label: text('registration:cancel'), action: act('reg.cancel') },
    ]],
  };
  await conv.external((outside) => replyOut(outside as unknown as BotContext, msg).then(() => undefined));
}

/** What a registration conversation is entered with: `next` when it continues the one that just ended. */
interface RegistrationArgs { next?: boolean }

/**
 * One short stretch of the registration: the first unanswered question (or, all answered, the summary and
 * one change), then it saves the draft and returns, and the next stretch starts afresh from the draft.
 * The conversations plugin replays every earlier step of a conversation on each update; kept short, a
 * conversation replays one question, whatever the step — the answers live in the draft, not in the replay log.
 */
async function registration(conv: Conv, ctx: ConvContext, args: RegistrationArgs = {}): Promise<void> {
  const saved = await conv.external((outside) => drafts(outside).load(outside.user._id));
  const draft: Draft = saved?.answers ?? {};
  const done: ListingField[] = saved?.done.filter((f) => FIELDS.includes(f)) ?? [];
  if (!args.next) {
    if (done.length) {
      const step = Math.min(done.length + 1, FIELDS.length);
      await replyOut(ctx, {
        text: [text('registration:resumed', { step, steps: FIELDS.length })],
        buttons: [[{ label: text('registration:start_over'), action: act('reg.restart') }]],
      });
    } else {
      await ctx.reply(ctx.t('registration:intro', { steps: FIELDS.length }));
    }
  }

  const i = FIELDS.findIndex((f) => !done.includes(f));
  if (i >= 0) {
    // The next question; Back steps to the previous one.
    const field = FIELDS[i];
    try {
      await askField(conv, ctx, field, draft, false, { step: i + 1, steps: FIELDS.length, back: i > 0 });
      done.push(field);
    } catch (err) {
      if (!(err instanceof GoBack)) throw err;
      const previous = FIELDS[Math.max(0, i - 1)];
      if (done.includes(previous)) done.splice(done.indexOf(previous), 1);
    }
    await save(conv, draft, done);
    await chain(conv);
    return;
  }

  // Every question answered: the summary, and one change (or confirm, or pause).
  await showSummary(conv, ctx, draft);
  const next = await conv.waitFor('callback_query:data', { otherwise: (c) => c.reply(ctx.t('registration:use_buttons')) });
  await next.answerCallbackQuery().catch(() => undefined);
  const data = next.callbackQuery.data;
  if (decodeAs(data, 'reg.cancel')) {
    await ctx.reply(ctx.t('registration:paused'));
    return;
  }
  if (!decodeAs(data, 'reg.confirm')) {
    const group = decodeAs(data, 'reg.group')?.group;
    const single = decodeAs(data, 'reg.edit')?.field;
    const field = single ?? (group ? await pickField(conv, ctx, group) : undefined);
    if (field && FIELDS.includes(field)) {
      try {
        await askField(conv, ctx, field, draft, true, { step: FIELDS.indexOf(field) + 1, steps: FIELDS.length, back: true });
        await save(conv, draft, done);
      } catch (err) {
        if (!(err instanceof GoBack)) throw err; // Back from an edit: the summary again, unchanged
      }
    }
    await chain(conv);
    return;
  }

  const listing = await conv.external(async (outside) => {
    const l = await outside.services.directory.submit(outside.user, draft as ListingDraft);
    await drafts(outside).remove(outside.user._id);
    await syncCommands(outside.api, outside.user, { owner: true }).catch(() => undefined);
    return l;
  });
  await replyOut(ctx, {
    text: [text('registration:submitted', { name: listing.name })],
    buttons: [[{ label: text('home:button.shop', { count: 0 }), action: act('menu', { to: 'shop' }) }, { label: text('home:button.offer'), action: act('menu', { to: 'offer' }) }]],
  });
}

/** The fields of one group as buttons; Back returns to the summary. */
async function pickField(conv: Conv, ctx: ConvContext, group: EditGroup): Promise<ListingField | undefined> {
  await replyOut(ctx, {
    text: [text('registration:which_field')],
    buttons: [...fieldButtons(GROUP_FIELDS[group], (f) => ({ label: text(`registration:field.${f}`), action: act('reg.edit', { field: f }) })),
      [{ label: text('registration:back'), action: act('reg.back') }]],
  });
  const next = await conv.waitFor('callback_query:data', { otherwise: (c) => c.reply(ctx.t('registration:use_buttons')) });
  await next.answerCallbackQuery().catch(() => undefined);
  return decodeAs(next.callbackQuery.data, 'reg.edit')?.field;
}

export function registrationFeature(plugins: ((ctx: ConvContext, next: () => Promise<void>) => Promise<void>)[]): Composer<BotContext> {
  const c = new Composer<BotContext>();
  const conversation = createConversation<BotContext, ConvContext>(registration, { id: REGISTRATION, plugins });
  c.use(async (ctx, next) => {
    await conversation(ctx, next);
    // A stretch of the registration has ended on this update: the next one asks the next question now.
    if ((ctx as Chained)[CHAIN]) {
      (ctx as Chained)[CHAIN] = false;
      await ctx.conversation.enter(REGISTRATION, { next: true } satisfies RegistrationArgs);
    }
  });

  const start = async (ctx: BotContext) => {
    const existing = await ctx.services.directory.byOwner(ctx.user._id);
    if (existing) {
      await replyOut(ctx, {
        text: [text('registration:already', { name: existing.name })],
        buttons: [[{ label: text('home:button.mybusiness'), action: act('menu', { to: 'mybusiness' }) }]],
      });
      return;
    }
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(REGISTRATION);
  };
  c.command('register', start);
  return c;
}
