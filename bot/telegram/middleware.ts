import type { Context, MiddlewareFn } from 'grammy';
import type { Services } from '../../services/app.js';
import { translator } from '../../services/i18n.js';
import type { ConvContext } from './context.js';

/**
 * Loads (or creates) the user behind the update and installs ctx.user / ctx.locale / ctx.t.
 * `touch` also records the inbound time and makes a previously blocked user reachable again.
 */
export function userMiddleware(services: Services, opts: { touch: boolean; apiRoot: string }): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const from = ctx.from;
    if (!from || from.is_bot) return next();
    const c = ctx as ConvContext;
    c.services = services;
    c.apiRoot = opts.apiRoot;
    const contact = {
      channel: 'telegram' as const,
      externalId: String(from.id),
      chatId: String(ctx.chat?.id ?? from.id),
      username: from.username,
      firstName: from.first_name,
      languageCode: from.language_code,
    };
    c.user = (opts.touch ? await services.users.touch(contact) : await services.users.byExternal('telegram', contact.externalId))
      ?? await services.users.touch(contact);
    c.locale = c.user.locale;
    c.t = translator(c.user.locale);
    return next();
  };
}
