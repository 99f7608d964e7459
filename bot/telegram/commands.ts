/**
 * Command menus per language (scope language_code) and, for staff, per chat with the staff commands added.
 */
import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import { LOCALES, type Locale, type User } from '../../models/user.js';
import { translator } from '../../services/i18n.js';
import { isAdmin, isStaff } from '../../services/staff.js';

/** Commands everybody sees (each needs a `commands:<name>` description in every locale). */
export const PUBLIC_COMMANDS: string[] = ['start', 'register', 'mybusiness', 'shop', 'search', 'language', 'help', 'privacy', 'deleteme', 'cancel', 'offer', 'offers', 'matches', 'notifications', 'events'];
/** Commands only staff and admins see (their chat scope). */
export const STAFF_COMMANDS: string[] = ['pending', 'lagoffers', 'broadcast', 'stats', 'report', 'export', 'import', 'grant', 'revoke'];

/** Of the staff commands, those only admins see. */
export const ADMIN_COMMANDS: string[] = ['grant', 'revoke'];

export function commandsFor(locale: Locale, staff: boolean, admin = staff): BotCommand[] {
  const t = translator(locale);
  const names = staff ? [...PUBLIC_COMMANDS, ...STAFF_COMMANDS.filter((c) => admin || !ADMIN_COMMANDS.includes(c))] : PUBLIC_COMMANDS;
  return [...new Set(names)].map((command) => ({ command, description: t(`commands:${command}`) }));
}

/** Registers the default menus: one per supported language plus the default (DEFAULT_LOCALE). */
export async function registerCommands(api: Api, defaultLocale: Locale): Promise<void> {
  await api.setMyCommands(commandsFor(defaultLocale, false));
  for (const l of LOCALES) {
    await api.setMyCommands(commandsFor(l, false), { language_code: l });
  }
}

/** Per-user menu: staff get staff commands; everyone gets their chosen language even if Telegram's differs. */
export async function syncCommands(api: Api, user: User): Promise<void> {
  const staff = isStaff(user);
  if (!staff && !user.localeChosen) return;
  await api.setMyCommands(commandsFor(user.locale, staff, isAdmin(user)), { scope: { type: 'chat', chat_id: Number(user.chatId) } });
}
