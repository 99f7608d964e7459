/**
 * The matching rules, as pure functions: an offer and a request (or two complementary sides, see
 * complement.ts) match when they come from different owners, each is inside the other's geographic target,
 * and their sectors overlap or their words share a concept. The score orders matches; the reasons explain
 * them to each side in its own language.
 */
import type { Country, Sector } from '../../models/listing.js';
import type { Offer } from '../../models/offer.js';
import { text, type Text } from '../messages.js';
import { complementWeight, side, type Side } from './complement.js';
import { conceptsOf } from './text.js';

export type MatchableOffer = Pick<Offer,
  '_id' | 'ownerId' | 'kind' | 'type' | 'sectors' | 'country' | 'districtId' | 'targetCountries' | 'targetDistricts' | 'title' | 'keywords'
> & Partial<Pick<Offer, 'lagId'>>;

/** An offer prepared for matching (words folded to concepts once). */
export interface MatchProfile {
  id: string;
  ownerId: string;
  side: Side;
  country: Country;
  districtId: string;
  sectors: Sector[];
  targetCountries: Country[];
  targetDistricts: string[];
  /** Concept → the owner's own word, from keywords, and from the title. */
  keywordConcepts: Map<string, string>;
  titleConcepts: Map<string, string>;
}

export function profileOf(o: MatchableOffer): MatchProfile {
  const keywordConcepts = conceptsOf(o.keywords);
  const titleConcepts = conceptsOf([o.title]);
  for (const c of keywordConcepts.keys()) titleConcepts.delete(c);
  return {
    id: o._id, ownerId: o.ownerId, side: side(o.kind, o.type), country: o.country, districtId: o.districtId,
    sectors: [...o.sectors], targetCountries: [...o.targetCountries], targetDistricts: [...o.targetDistricts],
    keywordConcepts, titleConcepts,
  };
}

/** Every concept of the profile (keywords first). */
export function conceptKeys(p: MatchProfile): string[] {
  return [...p.keywordConcepts.keys(), ...p.titleConcepts.keys()];
}

/** Is `subject` where `seeker` looks for partners? No country = anywhere; districts narrow their own country. */
export function inTarget(seeker: Pick<MatchProfile, 'targetCountries' | 'targetDistricts'>, subject: Pick<MatchProfile, 'country' | 'districtId'>, districtCountry: (id: string) => string | undefined): boolean {
  if (seeker.targetCountries.length > 0 && !seeker.targetCountries.includes(subject.country)) return false;
  if (seeker.targetDistricts.length === 0) return true;
  let narrowsCountry = false;
  for (const d of seeker.targetDistricts) {
    if (d === subject.districtId) return true;
    if (districtCountry(d) === subject.country) narrowsCountry = true;
  }
  return !narrowsCountry;
}

export interface MatchOptions {
  /** Points added to a Latvia↔Moldova pair (MATCH_CROSS_BORDER_BOOST). */
  crossBorderBoost: number;
  /** Country of a district id (territories.json); injected to keep this module pure. */
  districtCountry: (id: string) => string | undefined;
  /** Concepts too common to say anything ("local", "quality"): not counted as shared words. */
  isCommon?: (concept: string) => boolean;
}

/** What a pair has in common, seen from side `a`. */
export interface PairResult {
  score: number;
  sectors: Sector[];
  /** Shared words as a wrote them / as b wrote them (same order). */
  terms: string[];
  otherTerms: string[];
  crossBorder: boolean;
  /** b names a's country (or district) explicitly in its targets; and the other way round. */
  bTargetsA: boolean;
  aTargetsB: boolean;
}

export const WEIGHTS = { type: 20, sector: 15, keyword: 10, keywordTitle: 6, title: 4, targeted: 3, maxTerms: 5, maxSectors: 2 } as const;

/**
 * Scores a pair, or null when they don't match. Symmetric except for the side-specific fields.
 * `skipWords`: the caller knows they share no (uncommon) concept — the index's sector buckets;
 * `weight`: the type complement weight when the caller already looked it up.
 */
export function scorePair(a: MatchProfile, b: MatchProfile, opts: MatchOptions, skipWords = false, weight?: number): PairResult | null {
  if (a.id === b.id || a.ownerId === b.ownerId) return null;
  const w = weight ?? complementWeight(a.side, b.side);
  if (w === 0) return null;
  if (!inTarget(a, b, opts.districtCountry) || !inTarget(b, a, opts.districtCountry)) return null;

  const sectors = a.sectors.filter((s) => b.sectors.includes(s));
  const terms: string[] = [];
  const otherTerms: string[] = [];
  let textScore = 0;
  // Each shared concept counts once, by where each side wrote it: keyword–keyword, keyword–title, title–title.
  if (!skipWords) {
    for (let pass = 0; pass < 2; pass++) {
      const mine = pass === 0 ? a.keywordConcepts : a.titleConcepts;
      for (const [c, word] of mine) {
        if (terms.length >= WEIGHTS.maxTerms) break;
        let other = b.keywordConcepts.get(c);
        const inKeywords = other !== undefined;
        if (!inKeywords) other = b.titleConcepts.get(c);
        if (other === undefined || opts.isCommon?.(c) || terms.includes(word)) continue;
        terms.push(word);
        otherTerms.push(other);
        textScore += pass === 0
          ? (inKeywords ? WEIGHTS.keyword : WEIGHTS.keywordTitle)
          : (inKeywords ? WEIGHTS.keywordTitle : WEIGHTS.title);
      }
    }
  }
  if (sectors.length === 0 && terms.length === 0) return null;

  const crossBorder = a.country !== b.country;
  // Districts always sit inside a named target country (OffersService checks it), so naming the country is
  // what "they look for partners in <your country>" means; the index's sector buckets rely on it.
  const bTargetsA = b.targetCountries.includes(a.country);
  const aTargetsB = a.targetCountries.includes(b.country);
  const score = WEIGHTS.type * w
    + WEIGHTS.sector * Math.min(sectors.length, WEIGHTS.maxSectors)
    + textScore
    + (crossBorder ? opts.crossBorderBoost : 0)
    + (bTargetsA ? WEIGHTS.targeted : 0) + (aTargetsB ? WEIGHTS.targeted : 0);
  return { score: Math.round(score * 10) / 10, sectors, terms, otherTerms, crossBorder, bTargetsA, aTargetsB };
}

/** The same result seen from b's side. */
export function flip(r: PairResult): PairResult {
  return { ...r, terms: r.otherTerms, otherTerms: r.terms, bTargetsA: r.aTargetsB, aTargetsB: r.bTargetsA };
}

/** What a recipient needs to read why a match fits (stored with the match record). */
export interface Reasons {
  sectors: Sector[];
  terms: string[];
  crossBorder: boolean;
  /** The other side targets the recipient's country explicitly. */
  targeted: boolean;
  recipientCountry: Country;
}

/**
 * The explanation as one translatable text: "both in Manufacturing; they look for partners in Latvia;
 * shared keywords: honey, export". Reasons are chained through `offers:why.join` so each recipient's
 * language puts its own separators and words.
 */
export function explain(r: Reasons): Text {
  const parts: Text[] = [];
  if (r.sectors.length) parts.push(text('offers:why.sectors', { sectors: r.sectors.map((s) => text(`sectors:${s}`)) }));
  parts.push(r.targeted
    ? text('offers:why.target_country', { country: text(`territory:country.${r.recipientCountry}`) })
    : text('offers:why.target_anywhere'));
  if (r.terms.length) parts.push(text('offers:why.terms', { terms: r.terms.join(', ') }));
  if (r.crossBorder) parts.push(text('offers:why.cross_border'));
  return parts.reduceRight((acc, p) => text('offers:why.join', { a: p, b: acc }));
}
