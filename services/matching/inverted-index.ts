/**
 * In-memory inverted index of active offers, so the matches of an offer are read from postings of its
 * complementary sides only — never from a scan of every offer. Kept current on offer changes (upsert /
 * remove) and rebuilt from the store at start.
 *
 * Two kinds of postings:
 *  - (side, concept): offers whose keywords/title carry a concept; these candidates are all scored.
 *  - (side, sector, district, target countries): offers of a sector in buckets whose members all score the
 *    same for a given offer when they share no word (type weight, sector, cross-border and "targets you"
 *    bonuses are fixed by the bucket). Buckets are visited best first and left as soon as nothing in them
 *    can enter the top K, so a broad sector (agriculture) costs K candidates, not thousands.
 * Ties are broken by insertion order (older first), identically to the naive scan used as a reference.
 */
import type { Country } from '../../models/listing.js';
import { complementsOf } from './complement.js';
import { conceptKeys, inTarget, profileOf, scorePair, WEIGHTS, type MatchableOffer, type MatchOptions, type MatchProfile, type PairResult } from './engine.js';

export interface Scored {
  profile: MatchProfile;
  result: PairResult;
  seq: number;
}

interface Entry {
  profile: MatchProfile;
  seq: number;
}

/** Offers of one side, sector key, district and target countries: they score alike for any given offer. */
interface Bucket {
  districtId: string;
  country: Country;
  targets: string[];
  ids: Set<string>;
}

/** Best-K list ordered by score (desc), then seq (asc). */
class TopK {
  readonly items: Scored[] = [];
  constructor(readonly k: number) {}
  get full(): boolean {
    return this.items.length >= this.k;
  }
  get worst(): Scored | undefined {
    return this.items[this.items.length - 1];
  }
  static better(a: { score: number; seq: number }, b: { score: number; seq: number }): boolean {
    return a.score > b.score || (a.score === b.score && a.seq < b.seq);
  }
  push(s: Scored): void {
    const key = { score: s.result.score, seq: s.seq };
    if (this.full && !TopK.better(key, { score: this.worst!.result.score, seq: this.worst!.seq })) return;
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.items[mid];
      if (TopK.better({ score: m.result.score, seq: m.seq }, key)) lo = mid + 1;
      else hi = mid;
    }
    this.items.splice(lo, 0, s);
    if (this.items.length > this.k) this.items.pop();
  }
}

export const COMMON_MIN = 200;
export const COMMON_SHARE = 0.01;

const targetsKey = (p: Pick<MatchProfile, 'targetCountries'>) => [...p.targetCountries].sort().join(',');

/**
 * Sector keys of an offer with how many sectors each guarantees in common: every sector ("A", 1) and every
 * pair ("A+C", 2), so a bucket's bound is exact whether an offer shares one sector or two.
 */
function sectorKeys(sectors: readonly string[]): [string, number][] {
  const sorted = [...sectors].sort();
  const out: [string, number][] = sorted.map((x) => [x, 1]);
  for (let i = 0; i < sorted.length; i++) for (let j = i + 1; j < sorted.length; j++) out.push([`${sorted[i]}+${sorted[j]}`, 2]);
  return out;
}

export class MatchIndex {
  private readonly entries = new Map<string, Entry>();
  private readonly postings = new Map<string, Set<string>>();
  /** `${side}|${sectorKey}` → buckets by `${districtId}|${targets}`. */
  private readonly groups = new Map<string, Map<string, Bucket>>();
  /** How many indexed offers carry each concept (document frequency). */
  private readonly df = new Map<string, number>();
  private seq = 0;
  private readonly opts: MatchOptions;
  /** Candidates scored by the last matchesFor() call (benchmark figure). */
  lastScored = 0;

  constructor(opts: MatchOptions) {
    this.opts = { ...opts, isCommon: (c) => this.isCommon(c) };
  }

  /**
   * A concept carried by more than 1% of offers (and by more than COMMON_MIN of them, so a small LAG's
   * "honey" keeps counting) is too common to show that two offers fit — frequency-based stop words.
   */
  isCommon(concept: string): boolean {
    return (this.df.get(concept) ?? 0) > Math.max(COMMON_MIN, this.entries.size * COMMON_SHARE);
  }

  get size(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): MatchProfile | undefined {
    return this.entries.get(id)?.profile;
  }

  private keysOf(p: MatchProfile): string[] {
    return conceptKeys(p).map((c) => `${p.side}|c:${c}`);
  }

  private bucketsOf(p: MatchProfile, create: boolean): { group: Map<string, Bucket>; groupKey: string; bucketKey: string; bucket?: Bucket }[] {
    const t = targetsKey(p);
    const bucketKey = `${p.districtId}|${t}`;
    const out = [];
    for (const [x] of sectorKeys(p.sectors)) {
      const groupKey = `${p.side}|${x}`;
      let group = this.groups.get(groupKey);
      if (!group) {
        if (!create) continue;
        this.groups.set(groupKey, (group = new Map()));
      }
      let bucket = group.get(bucketKey);
      if (!bucket && create) group.set(bucketKey, (bucket = { districtId: p.districtId, country: p.country, targets: t ? t.split(',') : [], ids: new Set() }));
      out.push({ group, groupKey, bucketKey, bucket });
    }
    return out;
  }

  /** Adds or replaces an active offer. */
  upsert(offer: MatchableOffer): MatchProfile {
    this.remove(offer._id);
    const p = profileOf(offer);
    this.entries.set(p.id, { profile: p, seq: ++this.seq });
    for (const { bucket } of this.bucketsOf(p, true)) bucket!.ids.add(p.id);
    for (const c of conceptKeys(p)) this.df.set(c, (this.df.get(c) ?? 0) + 1);
    for (const k of this.keysOf(p)) {
      let set = this.postings.get(k);
      if (!set) this.postings.set(k, (set = new Set()));
      set.add(p.id);
    }
    return p;
  }

  remove(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    for (const { group, groupKey, bucketKey, bucket } of this.bucketsOf(e.profile, false)) {
      if (!bucket) continue;
      bucket.ids.delete(id);
      if (bucket.ids.size === 0) group.delete(bucketKey);
      if (group.size === 0) this.groups.delete(groupKey);
    }
    for (const c of conceptKeys(e.profile)) {
      const n = (this.df.get(c) ?? 1) - 1;
      if (n > 0) this.df.set(c, n);
      else this.df.delete(c);
    }
    for (const k of this.keysOf(e.profile)) {
      const set = this.postings.get(k);
      set?.delete(id);
      if (set?.size === 0) this.postings.delete(k);
    }
  }

  clear(): void {
    this.entries.clear();
    this.postings.clear();
    this.df.clear();
    this.groups.clear();
  }

  /** The best `limit` matches of an offer (indexed or not), best first. */
  matchesFor(offer: MatchableOffer | MatchProfile, limit = 50): Scored[] {
    const p = 'side' in offer ? offer : profileOf(offer);
    const top = new TopK(limit);
    const seen = new Set<string>([p.id]);
    const consider = (id: string, skipWords = false) => {
      const e = this.entries.get(id)!;
      const result = scorePair(p, e.profile, this.opts, skipWords, complements.get(e.profile.side) ?? 0);
      if (result) top.push({ profile: e.profile, result, seq: e.seq });
    };
    const concepts = conceptKeys(p);
    const complements = complementsOf(p.side);
    const mySectorKeys = sectorKeys(p.sectors);
    const districtOk = new Map<string, boolean>();
    const buckets: { ids: Set<string>; bound: number }[] = [];
    for (const [side, w] of complements) {
      // 1. Everything sharing a word: scored in full.
      for (const c of concepts) {
        if (this.isCommon(c)) continue;
        const ids = this.postings.get(`${side}|c:${c}`);
        if (ids) for (const id of ids) if (!seen.has(id)) { seen.add(id); consider(id); }
      }
      // 2. Sector buckets, with the best score any member can reach without a shared word.
      for (const [x, shared] of mySectorKeys) {
        const group = this.groups.get(`${side}|${x}`);
        if (!group) continue;
        for (const b of group.values()) {
          let ok = districtOk.get(b.districtId);
          if (ok === undefined) districtOk.set(b.districtId, (ok = inTarget(p, b, this.opts.districtCountry)));
          if (!ok || (b.targets.length > 0 && !b.targets.includes(p.country))) continue;
          const bound = WEIGHTS.type * w + WEIGHTS.sector * shared
            + (b.country !== p.country ? this.opts.crossBorderBoost : 0)
            + (b.targets.includes(p.country) ? WEIGHTS.targeted : 0)
            + (p.targetCountries.includes(b.country) ? WEIGHTS.targeted : 0);
          buckets.push({ ids: b.ids, bound });
        }
      }
    }
    buckets.sort((a, b) => b.bound - a.bound);
    let scored = seen.size - 1;
    for (const { ids, bound } of buckets) {
      for (const id of ids) {
        if (top.full) {
          const worst = top.worst!;
          // Members come in insertion (seq) order and score at most `bound`: once one can't enter, none can.
          if (worst.result.score > bound || (worst.result.score === bound && worst.seq < this.entries.get(id)!.seq)) break;
        }
        if (seen.has(id)) continue;
        seen.add(id);
        scored++;
        // Not met among the concept postings: they share no uncommon word.
        consider(id, true);
      }
    }
    this.lastScored = scored;
    return top.items;
  }

  /** The naive way (benchmark reference and tests): score against every indexed offer. */
  scanAll(offer: MatchableOffer | MatchProfile, limit = 50): Scored[] {
    const p = 'side' in offer ? offer : profileOf(offer);
    const top = new TopK(limit);
    for (const e of this.entries.values()) {
      const result = scorePair(p, e.profile, this.opts);
      if (result) top.push({ profile: e.profile, result, seq: e.seq });
    }
    return top.items;
  }

  /** Recomputes the top matches of every indexed offer; returns how many matches were found in total. */
  recomputeAll(limit = 50, each?: (p: MatchProfile, found: Scored[]) => void): number {
    let total = 0;
    for (const e of this.entries.values()) {
      const found = this.matchesFor(e.profile, limit);
      total += found.length;
      each?.(e.profile, found);
    }
    return total;
  }
}
