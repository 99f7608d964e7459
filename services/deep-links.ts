/**
 * Telegram deep links `https://t.me/<bot>?start=<payload>` printed on posters and pages: `b_<listingId>` opens
 * a business's card, `lag_<lagId>` starts registration in that LAG's directory. Payloads stay within
 * Telegram's 64 characters of [A-Za-z0-9_-] (listing ids are 16 base64url characters).
 */
export type StartPayload = { kind: 'business'; listingId: string } | { kind: 'lag'; lagId: string };

export function startPayload(p: StartPayload): string {
  return p.kind === 'business' ? `b_${p.listingId}` : `lag_${p.lagId}`;
}

/** Reads a /start payload; anything else (or malformed) is null. */
export function parseStartPayload(payload: string): StartPayload | null {
  let m = payload.match(/^b_([A-Za-z0-9_-]{1,62})$/);
  if (m) return { kind: 'business', listingId: m[1] };
  m = payload.match(/^lag_([a-z0-9-]{1,60})$/);
  if (m) return { kind: 'lag', lagId: m[1] };
  return null;
}

export function deepLink(botUsername: string, p: StartPayload): string {
  return `https://t.me/${botUsername}?start=${startPayload(p)}`;
}
