/**
 * Comparable "concepts" of an offer's words: folded (diacritics, Cyrillic), stop words removed, synonyms
 * across languages merged ("miere", "мёд", "medus" → one concept), long words cut to a crude stem so
 * "exportul" and "exporters" meet "export".
 */
import { fold, tokens } from '../search/normalize.js';
import { conceptOf } from '../search/synonyms.js';

// Folded function words of ro/ru/en/lv (3+ letters) and words every offer uses.
const STOP = new Set(`
the and for with our from that this are you your will can who which into per all any new
din pentru care sau este sunt sau noi vom sunt una unui unei cele cel cea cum prin spre dar fie mai
dlya eto ili kak chto nashi nash nasha ego ikh pri bez ili vse vsekh kotorye
par kas vai ari mes mus mums musu uz pie bez tas tie jus kur
offer offers request looking partner partners company business firm
oferta oferim cautam partener parteneri companie firma
predlozhenie ischem partner partnery kompaniya
piedavajums meklejam partneris partneri uznemums
quality local organic fresh calitate locale ecologic proaspat kachestvo mestnye organicheskii kvalitate vietejie biologiskie
`.split(/\s+/).filter(Boolean));

/** Words shorter than this are ignored (they are too often accidental). */
const MIN = 3;
const STEM = 6;

/** The concept of one folded word, or null if it carries no meaning for matching. */
export function concept(word: string): string | null {
  const w = fold(word);
  if (w.length < MIN || STOP.has(w) || /^\d+$/.test(w)) return null;
  const c = conceptOf(w);
  if (c !== w) return c;
  return w.length > STEM + 1 ? w.slice(0, STEM) : w;
}

/** Concept → the first original word that produced it (for explanations). */
export function conceptsOf(texts: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of texts) {
    // A keyword like "dried fruit" counts as a whole and word by word.
    const whole = t.includes(' ') ? fold(t) : null;
    if (whole) {
      const c = conceptOf(whole);
      if (c !== whole && !out.has(c)) out.set(c, t.trim());
    }
    for (const w of tokens(t, MIN)) {
      const c = concept(w);
      if (c && !out.has(c)) out.set(c, originalWord(t, w));
    }
  }
  return out;
}

/** The word in `text` whose folded form is `folded` (so an explanation shows "miere", not "miere" folded). */
function originalWord(text: string, folded: string): string {
  for (const w of text.split(/[^\p{L}\p{N}]+/u)) if (w && fold(w) === folded) return w.toLowerCase();
  return folded;
}
