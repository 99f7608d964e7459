/** Cross-language synonym groups (services/reference/synonyms.json), folded for lookup. */
import data from '../reference/synonyms.json' with { type: 'json' };
import { fold } from './normalize.js';

const groups: string[][] = data.groups.map((g) => [...new Set(g.map(fold).filter(Boolean))]);
const byWord = new Map<string, number[]>();
groups.forEach((g, i) => g.forEach((w) => byWord.set(w, [...(byWord.get(w) ?? []), i])));

/** Every folded word meaning the same as `word` (including itself). */
export function synonymsOf(word: string): string[] {
  const w = fold(word);
  const ids = byWord.get(w);
  if (!ids) return [w];
  return [...new Set([w, ...ids.flatMap((i) => groups[i])])];
}

/** A stable concept id for a word in a synonym group ("syn:3"), or the folded word itself. */
export function conceptOf(word: string): string {
  const w = fold(word);
  const ids = byWord.get(w);
  return ids ? `syn:${ids[0]}` : w;
}
