/**
 * Text normalisation shared by search and matching: one comparable form for Romanian, Russian,
 * Latvian and English text, typed with or without diacritics, in Cyrillic or Latin script.
 *   "Bălți" → "balti", "Mёд" → "med", "Мед" → "med", "Jelgavas" → "jelgavas", "ȘȚ şţ" → "st st"
 */

const CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'i', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'h', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'sch',
  ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
  // Ukrainian and Romanian-Moldovan Cyrillic letters.
  і: 'i', ї: 'i', є: 'e', ґ: 'g', ӂ: 'j',
};

/** Lower-case, no diacritics, Latin script, letters/digits separated by single spaces. */
export function fold(input: string): string {
  const lower = input.toLowerCase();
  let out = '';
  for (const ch of lower) out += CYRILLIC[ch] ?? ch;
  return out
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '') // combining marks: ă â î ș ț ā č ē ģ ī ķ ļ ņ š ū ž → base letters
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Folded words of at least `minLength` characters. */
export function tokens(input: string, minLength = 2): string[] {
  const f = fold(input);
  return f ? f.split(' ').filter((w) => w.length >= minLength) : [];
}

/** Typos tolerated for a word: 1 edit from 5 letters, 2 from 9 (shorter words must match exactly). */
export function allowedEdits(word: string): number {
  return word.length >= 9 ? 2 : word.length >= 5 ? 1 : 0;
}
