/**
 * Translations are complete: every namespace exists in ro/ru/en/lv with the same keys and placeholders,
 * plural keys carry exactly the CLDR categories of each language, and every key the code names exists.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../models/user.js';
import { LOCALES_DIR, loadResources, translator } from '../../services/i18n.js';
import { districts } from '../../services/territories.js';

const PLURAL = /_(zero|one|two|few|many|other)$/;
type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out[key] = v;
    else Object.assign(out, flatten(v, key));
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]).sort();
const namespaces = readdirSync(join(LOCALES_DIR, 'en')).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
const flat = Object.fromEntries(LOCALES.map((l) => [l, Object.fromEntries(namespaces.map((ns) => {
  const file = join(LOCALES_DIR, l, `${ns}.json`);
  return [ns, flatten(JSON.parse(readFileSync(file, 'utf8')) as Tree)];
}))])) as Record<string, Record<string, Record<string, string>>>;

/** Key → base (plural suffix removed). */
const base = (k: string) => k.replace(PLURAL, '');

describe('locales', () => {
  it('every language has the same namespace files', () => {
    for (const l of LOCALES) {
      expect(readdirSync(join(LOCALES_DIR, l)).filter((f) => f.endsWith('.json')).sort()).toEqual(namespaces.map((n) => `${n}.json`).sort());
    }
  });

  for (const ns of namespaces) {
    it(`${ns}: same keys, placeholders and plural categories in ro, ru, en, lv`, () => {
      const bases = new Set(Object.keys(flat.en[ns]).map(base));
      for (const l of LOCALES) {
        const keys = Object.keys(flat[l][ns]);
        expect(new Set(keys.map(base)), `${l}/${ns}.json keys`).toEqual(bases);
        const categories = new Intl.PluralRules(l).resolvedOptions().pluralCategories;
        for (const b of bases) {
          // A plural group is a base English has a "_one" form for ("try_other" alone is just a name).
          if (flat.en[ns][`${b}_one`] === undefined) continue;
          const forms = keys.filter((k) => base(k) === b && k !== b);
          expect(forms.map((k) => k.match(PLURAL)![1]).sort(), `${l}/${ns}:${b} plural forms`).toEqual([...categories].sort());
        }
        for (const [k, v] of Object.entries(flat[l][ns])) {
          expect(v.trim().length, `${l}/${ns}:${k} is empty`).toBeGreaterThan(0);
          const enKey = flat.en[ns][k] !== undefined ? k : Object.keys(flat.en[ns]).find((x) => base(x) === base(k))!;
          // Plural forms may drop {{count}} ("one" often spells it out); every other placeholder must be there.
          const expected = placeholders(flat.en[ns][enKey]).filter((p) => !(PLURAL.test(k) && p === 'count'));
          const actual = placeholders(v).filter((p) => !(PLURAL.test(k) && p === 'count'));
          expect(actual, `${l}/${ns}:${k} placeholders`).toEqual(expected);
        }
      }
    });
  }

  it('every translation key named in the code exists', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.ts$/.test(f)) files.push(p);
      }
    };
    for (const d of ['bot', 'services']) walk(join(LOCALES_DIR, '..', d));
    const known = new Set(namespaces);
    const missing: string[] = [];
    for (const f of files) {
      const src = readFileSync(f, 'utf8');
      for (const m of src.matchAll(/['"`]([a-z]+):([A-Za-z0-9_.]+)['"`]/g)) {
        const [, ns, key] = m;
        if (!known.has(ns)) continue;
        const keys = Object.keys(flat.en[ns]);
        if (!keys.some((k) => k === key || base(k) === key)) missing.push(`${f.split('/').slice(-3).join('/')}: ${ns}:${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('plural forms resolve per language (CLDR)', () => {
    const n = (l: (typeof LOCALES)[number], count: number) => translator(l)('common:businesses', { count });
    expect(n('ru', 1)).toBe('1 предприятие');
    expect(n('ru', 3)).toBe('3 предприятия');
    expect(n('ru', 5)).toBe('5 предприятий');
    expect(n('ru', 21)).toBe('21 предприятие');
    expect(n('ro', 1)).toBe('1 afacere');
    expect(n('ro', 5)).toBe('5 afaceri');
    expect(n('ro', 20)).toBe('20 de afaceri');
    expect(n('lv', 1)).toBe('1 uzņēmums');
    expect(n('lv', 0)).toBe('0 uzņēmumi');
    expect(n('lv', 11)).toBe('11 uzņēmumi');
    expect(n('lv', 21)).toBe('21 uzņēmums');
    expect(n('en', 1)).toBe('1 business');
    expect(n('en', 2)).toBe('2 businesses');
  });

  it('territory names exist in all four languages', () => {
    const res = loadResources();
    for (const l of LOCALES) {
      for (const d of districts) expect((res[l].territory.district as Record<string, string>)[d.id], `${l} ${d.id}`).toBeTruthy();
    }
  });
});
