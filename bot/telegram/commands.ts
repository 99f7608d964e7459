/**
 * Command menus per role and language: everybody sees the customer menu (per language_code); owners and
 * staff get their own menu in their chat scope, refreshed when their role changes (registration submitted,
 * staff granted or revoked) and when they pick a language.
 */
import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import { LOCALES, type Locale, type User } from '../../models/user.js';
import type { HomeRole } from '../../services/home.js';
import { translator } from '../../services/i18n.js';
import { isAdmin, isStaff } from '../../services/staff.js';

/**
 * What a customer can do (the default menu): /events answers everyone (their LAG's upcoming events). Each
 * needs a `commands:<name>` description in every locale.
 */
export const CUSTOMER_COMMANDS: string[] = ['start', 'search', 'events', 'register', 'language', 'help', 'privacy', 'deleteme', 'cancel'];
/** An owner's commands: their business and its poster, shop, offers and matches. */
export const OWNER_COMMANDS: string[] = ['start', 'mybusiness', 'poster', 'shop', 'offer', 'offers', 'matches', 'notifications', 'events', 'search', 'language', 'help', 'privacy', 'deleteme', 'cancel'];
/** Every command a user can run (customer ∪ owner). */
export const PUBLIC_COMMANDS: string[] = [...new Set([...OWNER_COMMANDS, ...CUSTOMER_COMMANDS])];
/** Commands only staff and admins see (their chat scope). */
export const STAFF_COMMANDS: string[] = ['pending', 'lagoffers', 'broadcast', 'stats', 'report', 'export', 'import', 'poster', 'rate', 'grant', 'revoke'];

/** Of the staff commands, those only admins see. */
export const ADMIN_COMMANDS: string[] = ['grant', 'revoke'];

/** The commands of a role; staff also get every public command. */
export function commandNames(role: HomeRole, admin = false): string[] {
  if (role === 'customer') return CUSTOMER_COMMANDS;
  if (role === 'owner') return OWNER_COMMANDS;
  return [...new Set([...PUBLIC_COMMANDS, ...STAFF_COMMANDS.filter((c) => admin || !ADMIN_COMMANDS.includes(c))])];
}

/** `staff` as a boolean is the older form: staff → the staff menu, otherwise every public command. */
export function commandsFor(locale: Locale, role: HomeRole | boolean, admin = role === true): BotCommand[] {
  const t = translator(locale);
  const names = role === true ? commandNames('staff', admin) : role === false ? PUBLIC_COMMANDS : commandNames(role, admin);
  return names.map((command) => ({ command, description: t(`commands:${command}`) }));
}

/** Registers the default (customer) menus: one per supported language plus the default (DEFAULT_LOCALE). */
export async function registerCommands(api: Api, defaultLocale: Locale): Promise<void> {
  await api.setMyCommands(commandsFor(defaultLocale, 'customer'));
  for (const l of LOCALES) {
    await api.setMyCommands(commandsFor(l, 'customer'), { language_code: l });
  }
}

/**
 * Per-user menu in the user's chat. `owner` says whether they have a business; when the caller doesn't
 * know (a staff change), the owner menu is the safe choice — every command in it answers sensibly.
 */
export async function syncCommands(api: Api, user: User, opts: { owner?: boolean } = {}): Promise<void> {
  const role: HomeRole = isStaff(user) ? 'staff' : opts.owner === false ? 'customer' : 'owner';
  const menu = role === 'customer' && !user.localeChosen ? 'default' : `${role}:${user.locale}:${isAdmin(user)}`;
  // A menu this process already set for the chat is not set again (a returning user's /start makes no call).
  const synced = syncedMenus(api);
  const chat = String(user.chatId);
  if (synced.get(chat) === menu) return;
  if (menu === 'default') {
    // The default menu already fits; drop a menu left from an earlier role.
    await api.deleteMyCommands({ scope: { type: 'chat', chat_id: Number(user.chatId) } });
  } else {
    await api.setMyCommands(commandsFor(user.locale, role, isAdmin(user)), { scope: { type: 'chat', chat_id: Number(user.chatId) } });
  }
  synced.delete(chat);
  synced.set(chat, menu);
  if (synced.size > SYNCED_MAX) synced.delete(synced.keys().next().value!);
}

/**
 * The menus set per chat, per bot (token), most recent last; bounded. Keyed by token, not by the Api object:
 * grammY gives every update its own Api instance.
 */
const SYNCED_MAX = 50_000;
const syncedByBot = new Map<string, Map<string, string>>();
function syncedMenus(api: Api): Map<string, string> {
  let m = syncedByBot.get(api.token);
  if (!m) syncedByBot.set(api.token, (m = new Map()));
  return m;
}
