/** The Messenger Profile: Get Started, a greeting per locale and a persistent menu per locale. */
import { LOCALES, type Locale } from '../../models/user.js';
import { translator } from '../../services/i18n.js';
import { cut } from './render.js';
import { PAYLOAD } from './flow.js';

/** Messenger's locale codes for ours. */
export const MESSENGER_LOCALES: Record<Locale, string[]> = { ro: ['ro_RO'], ru: ['ru_RU'], en: ['en_US', 'en_GB'], lv: ['lv_LV'] };

function menu(locale: Locale, as: string) {
  const t = translator(locale);
  return {
    locale: as,
    composer_input_disabled: false,
    call_to_actions: [
      { type: 'postback', title: cut(t('messenger:menu.search'), 30), payload: PAYLOAD.search },
      { type: 'postback', title: cut(t('messenger:menu.browse'), 30), payload: PAYLOAD.browse },
      { type: 'postback', title: cut(t('messenger:menu.language'), 30), payload: PAYLOAD.language },
      { type: 'postback', title: cut(t('messenger:menu.privacy'), 30), payload: PAYLOAD.privacy },
    ],
  };
}

/** The body for POST /me/messenger_profile; `default` entries use the app's default language. */
export function profilePayload(defaultLocale: Locale): Record<string, unknown> {
  const greeting = (l: Locale, as: string) => ({ locale: as, text: cut(translator(l)('messenger:greeting'), 160) });
  return {
    get_started: { payload: PAYLOAD.getStarted },
    greeting: [greeting(defaultLocale, 'default'), ...LOCALES.flatMap((l) => MESSENGER_LOCALES[l].map((as) => greeting(l, as)))],
    persistent_menu: [menu(defaultLocale, 'default'), ...LOCALES.flatMap((l) => MESSENGER_LOCALES[l].map((as) => menu(l, as)))],
  };
}
