/**
 * In-memory inverted index of active offers: postings keyed by (side, sector) and (side, concept), so the
 * candidates for an offer are read from the postings of its complementary sides only — never a scan of
 * every offer. Kept up to date on offer changes (upsert/remove); rebuilt from the store at start.
 */
import { complementsOf } from './complement.js';
import { conceptKeys, profileOf, scorePair, type MatchableOffer, type MatchOptions, type MatchProfile, type PairResult } from './engine.js';

export interface Scored {
  profile: MatchProfile;
  result: PairResult;
}

export class MatchIndex {
  private readonly profiles = new Map<string, MatchProfile>();
  private readonly postings = new Map<string, Set<string>>();

  constructor(private readonly opts: MatchOptions) {}

  get size(): number {
    return this.profiles.size;
  }

  has(id: string): boolean {
    return this.profiles.has(id);
  }

  get(id: string): MatchProfile | undefined {
    return this.profiles.get(id);
  }

  all(): IterableIterator<MatchProfile> {
    return this.profiles.values();
  }

  private static keysOf(p: MatchProfile, sideOverride?: string): string[] {
    const s = sideOverride ?? p.side;
    return [...p.sectors.map((x) => `${s}|s:${x}`), ...conceptKeys(p).map((c) => `${s}|c:${c}`)];
  }

  /** Adds or replaces an active offer. */
  upsert(offer: MatchableOffer): MatchProfile {
    this.remove(offer._id);
    const p = profileOf(offer);
    this.profiles.set(p.id, p);
    for (const k of MatchIndex.keysOf(p)) {
      let set = this.postings.get(k);
      if (!set) this.postings.set(k, (set = new Set()));
      set.add(p.id);
    }
    return p;
  }

  remove(id: string): void {
    const p = this.profiles.get(id);
    if (!p) return;
    this.profiles.delete(id);
    for (const k of MatchIndex.keysOf(p)) {
      const set = this.postings.get(k);
      set?.delete(id);
      if (set?.size === 0) this.postings.delete(k);
    }
  }

  clear(): void {
    this.profiles.clear();
    this.postings.clear();
  }

  /** Ids of offers on a complementary side sharing a sector or a concept with `p`. */
  candidates(p: MatchProfile): Set<string> {
    const out = new Set<string>();
    const sectorKeys = p.sectors.map((x) => `s:${x}`);
    const concepts = conceptKeys(p).map((c) => `c:${c}`);
    for (const other of complementsOf(p.side).keys()) {
      for (const k of sectorKeys) this.postings.get(`${other}|${k}`)?.forEach((id) => out.add(id));
      for (const k of concepts) this.postings.get(`${other}|${k}`)?.forEach((id) => out.add(id));
    }
    out.delete(p.id);
    return out;
  }

  /** Matches of an offer (indexed or not), best first. */
  matchesFor(offer: MatchableOffer | MatchProfile, limit = Infinity): Scored[] {
    const p = 'side' in offer ? offer : profileOf(offer);
    const out: Scored[] = [];
    for (const id of this.candidates(p)) {
      const q = this.profiles.get(id)!;
      const result = scorePair(p, q, this.opts);
      if (result) out.push({ profile: q, result });
    }
    out.sort((x, y) => y.result.score - x.result.score || (x.profile.id < y.profile.id ? -1 : 1));
    return out.length > limit ? out.slice(0, limit) : out;
  }

  /** Every matching pair once (a.id < b.id), e.g. for a full recompute. */
  *allPairs(): Generator<[MatchProfile, MatchProfile, PairResult]> {
    for (const p of this.profiles.values()) {
      for (const id of this.candidates(p)) {
        if (id <= p.id) continue;
        const q = this.profiles.get(id)!;
        const r = scorePair(p, q, this.opts);
        if (r) yield [p, q, r];
      }
    }
  }

  /** The naive way, for the benchmark's comparison: score against every indexed offer. */
  scanAll(offer: MatchableOffer | MatchProfile): Scored[] {
    const p = 'side' in offer ? offer : profileOf(offer);
    const out: Scored[] = [];
    for (const q of this.profiles.values()) {
      const result = scorePair(p, q, this.opts);
      if (result) out.push({ profile: q, result });
    }
    out.sort((x, y) => y.result.score - x.result.score || (x.profile.id < y.profile.id ? -1 : 1));
    return out;
  }
}
