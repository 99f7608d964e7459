/** mulberry32: a small seeded generator, so every benchmark run and every seeded directory is the same. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Helpers over one seeded stream. */
export function randomTools(rand: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const int = (min: number, max: number): number => min + Math.floor(rand() * (max - min + 1));
  const chance = (p: number): boolean => rand() < p;
  return { rand, pick, int, chance };
}
