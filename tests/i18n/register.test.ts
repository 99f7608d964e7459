/**
 * One register per language, buttons included: Romanian "dvs.", Russian "Вы", Latvian "jūs". Buttons are
 * where informal forms crept in ("Aprobă" next to "Aprobați"), so every button label of the namespaces below
 * is checked against the informal (second person singular) forms of the verbs the bot uses, and against "tu"
 * pronouns. One Skip wording per language, too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCALES_DIR } from '../../services/i18n.js';

/** Namespaces checked: what customers and owners see, and the staff tools. */
const NAMESPACES = ['common', 'home', 'search', 'registration', 'mybusiness', 'privacy', 'messenger', 'directory', 'shop', 'offers', 'staff', 'moderation', 'events'];
const BUTTON_KEYS = new Set([
  'skip', 'clear', 'done', 'confirm', 'cancel', 'back', 'yes', 'no', 'start_over', 'leave', 'stay', 'show', 'public_page',
  // staff tools: broadcast, import, revoke
  'send_now', 'send_later', 'discard', 'pause', 'resume', 'test_to_me', 'cancel_yes', 'cancel_no', 'as_pending', 'as_published', 'no_more_versions',
]);
/** Namespaces whose every text is a menu entry (Telegram's command menu). */
const MENUS = new Set(['commands']);

const INFORMAL: Record<'ro' | 'ru' | 'lv', RegExp> = {
  ro: /(^|[\s,])(adaugă|deschide|reia|șterge|păstrează|fă|trimite|aprobă|respinge|cere|prelungește|vezi|modifică|suspendă|închide|anulează|sari|omite|retrage|renunță|importă|folosește|acordă|alege|caută|intră|confirmă|continuă|salvează|schimbă|arată|pune|ieși|apasă|scrie|tu|ta|tău|tale)(?=$|[\s,.!])/iu,
  ru: /(^|[\s,])(удали|оставь|отправь|добавь|открой|выбери|пропусти|отмени|измени|покажи|закрой|продли|одобри|отклони|войди|ты|твой|твоя|твои|тебе)(?=$|[\s,.!])/iu,
  lv: /(^|[\s,])(dzēs|paturi|sūti|pievieno|atver|izvēlies|izlaid|atcel|labo|rādi|slēdz|pagarini|apstiprini|noraidi|tu|tev|tevi|tavs|tava|tavi)(?=$|[\s,.!])/iu,
};

function buttons(lng: string): [key: string, label: string][] {
  const out: [string, string][] = [];
  for (const ns of [...NAMESPACES, ...MENUS]) {
    const data = JSON.parse(readFileSync(join(LOCALES_DIR, lng, `${ns}.json`), 'utf8')) as Record<string, unknown>;
    const walk = (o: unknown, path: string[]) => {
      if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) walk(v, [...path, k]);
      else if (typeof o === 'string' && (MENUS.has(ns) || path.includes('button') || path.includes('preset') || BUTTON_KEYS.has(path[path.length - 1]) || path[0] === 'menu' || path[0] === 'group')) out.push([`${ns}:${path.join('.')}`, o]);
    };
    walk(data, []);
  }
  return out;
}

describe('one register in buttons', () => {
  for (const lng of ['ro', 'ru', 'lv'] as const) {
    it(`${lng}: no button speaks informally`, () => {
      const labels = buttons(lng);
      expect(labels.length).toBeGreaterThan(50);
      const informal = labels.filter(([, label]) => INFORMAL[lng].test(label));
      expect(informal).toEqual([]);
    });

    it(`${lng}: one wording for Skip`, () => {
      const skips = new Set(buttons(lng).filter(([k]) => k.endsWith('.skip') || k.endsWith(':skip')).map(([, l]) => l));
      expect(skips.size).toBe(1);
    });
  }

  it('the check itself catches an informal button', () => {
    expect(INFORMAL.ro.test('✅ Aprobă')).toBe(true);
    expect(INFORMAL.ro.test('✅ Aprobați')).toBe(false);
    expect(INFORMAL.ru.test('Да, удали')).toBe(true);
    expect(INFORMAL.lv.test('Jā, dzēs')).toBe(true);
    expect(INFORMAL.ro.test('⛔ Da, retrage')).toBe(true);
    expect(INFORMAL.ro.test('⛔ Da, retrageți')).toBe(false);
    expect(buttons('ro').some(([k]) => k === 'staff:bc.send_now')).toBe(true); // staff buttons are among those checked
    expect(buttons('ro').some(([k]) => k === 'commands:offer')).toBe(true); // and the command menu
  });
});
