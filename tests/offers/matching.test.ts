import { describe, expect, it } from 'vitest';
import type { Offer } from '../../models/offer.js';
import { resolveText } from '../../services/messages.js';
import { complementWeight } from '../../services/matching/complement.js';
import { explain, profileOf, scorePair, type MatchableOffer } from '../../services/matching/engine.js';
import { MatchIndex } from '../../services/matching/inverted-index.js';
import { localTime } from '../../services/matching/local-time.js';
import { district } from '../../services/territories.js';
import { generator } from '../../scripts/bench-matching.js';
import { translator } from '../../services/i18n.js';

const opts = { crossBorderBoost: 10, districtCountry: (id: string) => district(id)?.country };
let n = 0;
function offer(p: Partial<Offer>): MatchableOffer {
  n++;
  return {
    _id: p._id ?? `o${n}`, ownerId: p.ownerId ?? `u${n}`, kind: 'offer', type: 'supplier', sectors: ['C'],
    country: 'MD', districtId: 'md-soroca', targetCountries: [], targetDistricts: [], title: 'Something', keywords: [], ...p,
  };
}
const score = (a: MatchableOffer, b: MatchableOffer) => scorePair(profileOf(a), profileOf(b), opts);

// Moldovan honey producer offering supply; Latvian distributor looking for a supplier.
const mdHoney = offer({ kind: 'offer', type: 'supplier', sectors: ['A', 'C'], country: 'MD', districtId: 'md-soroca', targetCountries: ['LV'], title: 'Miere de salcâm pentru export', keywords: ['miere', 'export', 'ceară'] });
const lvBuyer = offer({ kind: 'request', type: 'supplier', sectors: ['G'], country: 'LV', districtId: 'lv-jelgava', targetCountries: ['MD'], title: 'Meklējam medus piegādātāju', keywords: ['medus', 'eksports'] });

describe('complementary partnership types', () => {
  it.each([
    ['offer:supplier', 'request:supplier', true],
    ['request:supplier', 'request:buyer_distribution', true],
    ['offer:buyer_distribution', 'offer:supplier', true],
    ['request:export_import', 'request:export_import', true],
    ['offer:investment', 'request:investment', true],
    ['offer:supplier', 'offer:supplier', false],
    ['request:supplier', 'request:supplier', false],
    ['offer:investment', 'request:know_how_training', false],
    ['offer:tourism_study_visits', 'offer:tourism_study_visits', false],
  ] as const)('%s ↔ %s: %s', (a, b, expected) => {
    expect(complementWeight(a, b) > 0).toBe(expected);
    expect(complementWeight(b, a)).toBe(complementWeight(a, b));
  });
});

describe('pairs that must and must not match', () => {
  it('matches a Moldovan honey supplier with a Latvian buyer across languages (miere = medus)', () => {
    const r = score(mdHoney, lvBuyer)!;
    expect(r).not.toBeNull();
    expect(r.terms).toContain('miere');
    expect(r.otherTerms).toContain('medus');
    expect(r.crossBorder).toBe(true);
    expect(r.bTargetsA && r.aTargetsB).toBe(true);
  });

  it('matches on a shared sector alone', () => {
    const a = offer({ kind: 'offer', type: 'know_how_training', sectors: ['I'], title: 'Training for guesthouses' });
    const b = offer({ kind: 'request', type: 'know_how_training', sectors: ['I'], title: 'Need a web designer' });
    expect(score(a, b)?.sectors).toEqual(['I']);
  });

  it.each([
    ['two offers of the same type', offer({ kind: 'offer', sectors: ['A'], keywords: ['miere'] }), offer({ kind: 'offer', sectors: ['A'], keywords: ['miere'] })],
    ['nothing in common (sectors or words)', offer({ kind: 'offer', sectors: ['A'], title: 'Apples', keywords: ['apples'] }), offer({ kind: 'request', sectors: ['F'], title: 'Builders wanted', keywords: ['roof'] })],
    ['the same owner', offer({ ownerId: 'same', kind: 'offer', sectors: ['A'] }), offer({ ownerId: 'same', kind: 'request', sectors: ['A'] })],
    ['outside the other side\'s target country', offer({ kind: 'offer', sectors: ['A'], country: 'MD', districtId: 'md-soroca' }), offer({ kind: 'request', sectors: ['A'], country: 'LV', districtId: 'lv-jelgava', targetCountries: ['LV'] })],
    ['outside the target districts', offer({ kind: 'offer', sectors: ['A'], country: 'MD', districtId: 'md-soroca' }), offer({ kind: 'request', sectors: ['A'], country: 'MD', districtId: 'md-balti', targetCountries: ['MD'], targetDistricts: ['md-briceni'] })],
    ['incompatible types', offer({ kind: 'offer', type: 'investment', sectors: ['A'] }), offer({ kind: 'request', type: 'tourism_study_visits', sectors: ['A'] })],
  ])('does not match: %s', (_name, a, b) => {
    expect(score(a, b)).toBeNull();
    expect(score(b, a)).toBeNull();
  });

  it('a district target narrows only its own country', () => {
    const seeker = offer({ kind: 'request', sectors: ['A'], country: 'LV', districtId: 'lv-jelgava', targetCountries: ['MD', 'LV'], targetDistricts: ['md-soroca'] });
    expect(score(seeker, offer({ kind: 'offer', sectors: ['A'], country: 'MD', districtId: 'md-soroca' }))).not.toBeNull();
    expect(score(seeker, offer({ kind: 'offer', sectors: ['A'], country: 'MD', districtId: 'md-balti' }))).toBeNull();
    expect(score(seeker, offer({ kind: 'offer', sectors: ['A'], country: 'LV', districtId: 'lv-dobeles-novads' }))).not.toBeNull();
  });
});

describe('ordering', () => {
  it('ranks keyword + sector + cross-border matches above a sector-only match, and is symmetric in score', () => {
    const index = new MatchIndex(opts);
    const sectorOnly = offer({ kind: 'request', type: 'supplier', sectors: ['A'], country: 'MD', districtId: 'md-balti', title: 'Looking for vegetables' });
    const strong = offer({ kind: 'request', type: 'supplier', sectors: ['A'], country: 'LV', districtId: 'lv-jelgava', targetCountries: ['MD'], title: 'Honey supplier wanted', keywords: ['honey', 'wax'] });
    const crossType = offer({ kind: 'request', type: 'production_outsourcing', sectors: ['A'], country: 'MD', districtId: 'md-drochia', title: 'Production of honey jars', keywords: ['honey'] });
    const unrelated = offer({ kind: 'request', type: 'supplier', sectors: ['F'], title: 'Roof builders', keywords: ['roof'] });
    for (const o of [sectorOnly, strong, crossType, unrelated]) index.upsert(o);
    const me = offer({ kind: 'offer', type: 'supplier', sectors: ['A'], title: 'Acacia honey', keywords: ['miere', 'ceară'] });
    const found = index.matchesFor(me).map((s) => s.profile.id);
    expect(found).toEqual([strong._id, crossType._id, sectorOnly._id]);
    expect(score(me, strong)!.score).toBe(score(strong, me)!.score);
    // The index finds exactly what a full scan finds.
    expect(index.scanAll(me).map((s) => s.profile.id)).toEqual(found);
  });

  it('cross-border boost comes from config', () => {
    const boosted = scorePair(profileOf(mdHoney), profileOf(lvBuyer), { ...opts, crossBorderBoost: 25 })!.score;
    const plain = scorePair(profileOf(mdHoney), profileOf(lvBuyer), { ...opts, crossBorderBoost: 0 })!.score;
    expect(boosted - plain).toBe(25);
  });

  it('keeps the index current: removed offers are no longer candidates', () => {
    const index = new MatchIndex(opts);
    index.upsert(lvBuyer);
    expect(index.matchesFor(mdHoney)).toHaveLength(1);
    index.upsert({ ...lvBuyer, sectors: ['F'], keywords: ['roof'], title: 'Roofing' });
    expect(index.matchesFor(mdHoney)).toHaveLength(0);
    index.upsert(lvBuyer);
    index.remove(lvBuyer._id);
    expect(index.matchesFor(mdHoney)).toHaveLength(0);
    expect(index.size).toBe(0);
  });
});

describe('index = naive scan', () => {
  it('returns exactly the naive top matches (scores and tie order) on generated offers', () => {
    const next = generator(7);
    const index = new MatchIndex(opts);
    for (let i = 0; i < 1500; i++) index.upsert(next());
    let compared = 0;
    for (const p of [...Array(1500).keys()].map((i) => index.get(`o${(i + 1).toString(36).padStart(6, '0')}`)!).slice(0, 300)) {
      for (const limit of [5, 50, 100_000]) {
        const fast = index.matchesFor(p, limit).map((x) => `${x.profile.id}:${x.result.score}`);
        const slow = index.scanAll(p, limit).map((x) => `${x.profile.id}:${x.result.score}`);
        expect(fast).toEqual(slow);
        compared += slow.length;
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });
});

describe('explanations', () => {
  const r = score(mdHoney, lvBuyer)!;
  const reasonsForMd = { sectors: ['C' as const], terms: r.terms.slice(0, 2), crossBorder: true, targeted: r.bTargetsA, recipientCountry: 'MD' as const };
  const reasonsForLv = { sectors: ['C' as const], terms: r.otherTerms.slice(0, 2), crossBorder: true, targeted: r.aTargetsB, recipientCountry: 'LV' as const };

  it('reads naturally in English and in the recipient language', () => {
    expect(resolveText(translator('en'), explain({ ...reasonsForLv, terms: ['honey', 'export'] })))
      .toBe('both in Manufacturing; they look for partners in Latvia; shared keywords: honey, export; a cross-border partner between Latvia and Moldova');
    const lv = resolveText(translator('lv'), explain(reasonsForLv));
    expect(lv).toContain('Latvija');
    expect(lv).toContain('medus');
    const ro = resolveText(translator('ro'), explain(reasonsForMd));
    expect(ro).toContain('caută parteneri în Republica Moldova');
    expect(ro).toContain('miere');
    expect(ro).not.toMatch(/offers:|\{\{/);
  });

  it('says "anywhere" when the other side did not name a country', () => {
    expect(resolveText(translator('ru'), explain({ sectors: [], terms: ['мёд'], crossBorder: false, targeted: false, recipientCountry: 'MD' })))
      .toBe('они ищут партнёров где угодно; общие ключевые слова: мёд');
  });
});

describe('local time for digests', () => {
  it('knows 09:00 in Riga and Chișinău, and the ISO week', () => {
    const at = new Date('2026-11-26T07:00:00Z');
    expect(localTime(at, 'Europe/Riga')).toMatchObject({ date: '2026-11-26', hour: 9, weekday: 4, week: '2026-W48' });
    expect(localTime(at, 'Europe/Chisinau').hour).toBe(9);
    expect(localTime(new Date('2027-01-01T12:00:00Z'), 'Europe/Riga').week).toBe('2026-W53');
  });
});
