/** Links from what owners typed (the JSX templates escape text and attributes themselves). */

/** Only http(s), tel: and mailto: URLs become links; anything else (javascript:, data:) is dropped. */
export function safeHref(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return ['http:', 'https:', 'tel:', 'mailto:'].includes(u.protocol) ? u.toString() : null;
  } catch {
    return null;
  }
}
