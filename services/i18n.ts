/**
 * i18next with resources from locales/<lng>/<namespace>.json, plus territory names from the data file
 * (namespace "territory"). Keys are written "namespace:key"; the default namespace is "common".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n, type TOptions } from 'i18next';
import { LOCALES, type Locale } from '../models/user.js';
import { assetPath } from './assets.js';
import { countries, districts, lags } from './territories.js';

export const LOCALES_DIR = assetPath('locales');

/** Each language by its own name, with a flag: the same in every locale (language pickers, labels). */
export const LANGUAGE_NAMES: Record<Locale, string> = { ro: '🇲🇩 Română', ru: '🇷🇺 Русский', en: '🇬🇧 English', lv: '🇱🇻 Latviešu' };

export type TFunction = (key: string, params?: Record<string, unknown>) => string;

export function loadResources(dir = LOCALES_DIR): Record<string, Record<string, Record<string, unknown>>> {
  const resources: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const lng of LOCALES) {
    resources[lng] = {};
    for (const file of readdirSync(join(dir, lng)).filter((f) => f.endsWith('.json'))) {
      resources[lng][file.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(dir, lng, file), 'utf8'));
    }
    resources[lng].territory = {
      country: Object.fromEntries(countries.map((c) => [c.code, c.names[lng]])),
      lag: Object.fromEntries(lags.map((l) => [l.id, l.names[lng]])),
      district: Object.fromEntries(districts.map((d) => [d.id, d.names[lng]])),
    };
  }
  return resources;
}

let instance: i18n | undefined;

/** The shared i18next instance (initialised synchronously on first use). */
export function i18n(): i18n {
  if (!instance) {
    const resources = loadResources();
    instance = i18next.createInstance();
    void instance.init({
      initAsync: false,
      resources,
      lng: 'ro',
      fallbackLng: false,
      supportedLngs: [...LOCALES],
      ns: Object.keys(resources.en),
      defaultNS: 'common',
      nsSeparator: ':',
      keySeparator: '.',
      returnNull: false,
      interpolation: { escapeValue: false },
    });
    // `{{date, day}}`: a calendar day (a Date or an ISO string such as "2027-03-05") in the reader's language —
    // "5 martie 2027", «5 марта 2027 г.», "2027. gada 5. marts" — never the ISO string itself.
    instance.services.formatter?.add('day', (value: unknown, lng: string | undefined) => {
      const d = value instanceof Date ? value : new Date(String(value));
      return Number.isNaN(d.getTime()) ? String(value) : new Intl.DateTimeFormat(lng, { dateStyle: 'long', timeZone: 'UTC' }).format(d);
    });
  }
  return instance;
}

/**
 * Plain-text translation (parameters inserted as they are). A key asked without parameters always gives the
 * same text (the resources are loaded once), so it is looked up once per language: a /start's menu asks
 * for a dozen such labels, and i18next's lookup was a visible part of every update's cost.
 */
export function translator(locale: Locale): TFunction {
  let t = translators.get(locale);
  if (!t) {
    const fixed = i18n().getFixedT(locale);
    const plain = new Map<string, string>();
    t = (key, params) => {
      if (params !== undefined || typeof key !== 'string') return fixed(key, params as TOptions) as string;
      let text = plain.get(key);
      if (text === undefined) {
        text = fixed(key) as string;
        if (typeof text === 'string') plain.set(key, text);
      }
      return text;
    };
    translators.set(locale, t);
  }
  return t;
}
const translators = new Map<string, TFunction>();

/** Maps Telegram's optional IETF language_code to a supported locale, or the fallback. */
export function pickLocale(code: string | undefined, fallback: Locale): Locale {
  const base = (code ?? '').toLowerCase().split(/[-_]/)[0];
  if (base === 'mo') return 'ro';
  return (LOCALES as readonly string[]).includes(base) ? (base as Locale) : fallback;
}

export function isLocale(v: unknown): v is Locale {
  return typeof v === 'string' && (LOCALES as readonly string[]).includes(v);
}
