/**
 * The benchmarks' listing generator with its random stream: the shared generator of services/seed/generator.ts
 * (the same one bench:search and the seed command use), so every benchmark works on the same listings and draws
 * its queries from the same stream as earlier runs.
 */
import type { IndexedListing } from '../services/search/engine.js';
import { benchListingGenerator } from '../services/seed/generator.js';
import { seededRandom } from './rng.js';

export { PRODUCTS } from '../services/seed/generator.js';

export interface ListingGenerator {
  rand: () => number;
  pick: <T>(xs: readonly T[]) => T;
  /** The i-th listing (call in order 0, 1, 2… for the same data as earlier runs). */
  generate: (i: number) => IndexedListing;
}

export function listingGenerator(seed = 42): ListingGenerator {
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  return { rand, pick, generate: benchListingGenerator(rand) };
}
