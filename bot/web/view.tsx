/** @jsxImportSource preact */
/**
 * The page frame shared by every public page: <head> (title, canonical, hreflang, Open Graph, the one
 * stylesheet), the language switch and the footer.
 *
 * Templating: JSX rendered to a string by preact-render-to-string. Chosen over @kitajs/html (escapes only
 * children marked `safe`, so forgetting it is an XSS), eta and nunjucks (escaping by default, but templates
 * are untyped strings, so a renamed field fails at run time, not in `tsc`): with JSX every text child and
 * every attribute value is escaped, templates are type-checked TypeScript, and raw HTML needs the loudly
 * named `dangerouslySetInnerHTML`, used once (the JSON-LD block, escaped by `jsonLd`).
 */
import { createHash } from 'node:crypto';
import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { LOCALES, type Locale } from '../../models/user.js';
import { translator, type TFunction } from '../../services/i18n.js';

const memo = new Map<string, string>();

/**
 * i18next's t() costs ~0.2 ms a call here (measured by scripts/bench-web.ts), and a directory page makes a few
 * hundred (sector and district names, labels); translations are fixed at start, so pages memoize them.
 */
export function pageTranslator(locale: Locale): TFunction {
  const t = translator(locale);
  return (key, params) => {
    const id = `${locale}\u0000${key}\u0000${params ? JSON.stringify(params) : ''}`;
    let v = memo.get(id);
    if (v === undefined) {
      if (memo.size >= 20_000) memo.clear();
      v = t(key, params);
      memo.set(id, v);
    }
    return v;
  };
}

export const LANG_NAMES: Record<Locale, string> = { ro: 'Română', ru: 'Русский', en: 'English', lv: 'Latviešu' };
const OG_LOCALE: Record<Locale, string> = { ro: 'ro_RO', ru: 'ru_RU', en: 'en_GB', lv: 'lv_LV' };

export const CSS = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#f6f5f1}
a{color:#0b57a4}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #b36b00;outline-offset:2px}
.skip{position:absolute;left:-999px}
.skip:focus{left:8px;top:8px;background:#fff;padding:8px;z-index:2}
header{background:#1d4d2b;color:#fff;padding:10px 0}
header .wrap{padding:0 14px}
header a{color:#fff}
.wrap{max-width:1040px;margin:0 auto}
.top{display:flex;gap:12px;align-items:center}
.logo{width:52px;height:52px;border-radius:10px;object-fit:cover;background:#fff;flex:none}
h1{font-size:1.3rem;line-height:1.2;margin:0}
.sub{margin:2px 0 0;color:#e3efe6;font-size:.92rem}
.badge{display:inline-block;margin-top:4px;padding:1px 8px;border-radius:999px;font-size:.85rem;font-weight:600}
.badge.open{background:#d9f2df;color:#0f3d1c}
.badge.closed{background:#f7e1dd;color:#6e1a10}
nav.langs{display:flex;flex-wrap:wrap;gap:4px;margin-top:8px}
nav.langs a{padding:2px 9px;border:1px solid #a9cdb4;border-radius:999px;text-decoration:none;font-size:.85rem}
nav.langs a[aria-current]{background:#fff;color:#1d4d2b;font-weight:600}
main{padding:12px 14px}
section{margin-bottom:22px}
h2{font-size:1.15rem;margin:0 0 8px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:10px}
.card{background:#fff;border:1px solid #dedad0;border-radius:12px;overflow:hidden;display:flex;flex-direction:column}
.card:target{outline:3px solid #b36b00}
.card img{width:100%;height:auto;aspect-ratio:1/1;object-fit:cover;background:#e9e6dd;display:block}
.card .ph{aspect-ratio:1/1;background:#e9e6dd}
.card .body{padding:8px 10px 10px}
.card h3{font-size:1rem;margin:0 0 4px;line-height:1.25}
.price{font-weight:700;font-size:1.05rem;color:#1d4d2b;margin:0}
.price .sale{color:#8a1c0f}
.was{display:block;font-size:.85rem;font-weight:400;color:#555}
.alt{margin:0;color:#444;font-size:.85rem}
.avail{display:inline-block;margin:4px 4px 0 0;padding:1px 7px;border-radius:6px;font-size:.8rem;background:#e6f2e9;color:#174224}
.avail.out{background:#f6e3e1;color:#7a1e14}
.desc{white-space:pre-line;font-size:.9rem;color:#333;margin:6px 0 0}
.about{white-space:pre-line;margin:0}
.buttons{display:flex;flex-wrap:wrap;gap:8px;list-style:none;padding:0;margin:0}
.btn{display:inline-block;padding:9px 14px;background:#fff;border:1px solid #c9c4b6;border-radius:10px;text-decoration:none;color:#1b1b1b;font:inherit;cursor:pointer}
.btn.main{background:#1d4d2b;border-color:#1d4d2b;color:#fff}
table.hours{border-collapse:collapse}
table.hours th{text-align:left;font-weight:400;padding:2px 16px 2px 0}
table.hours td{padding:2px 0}
table.hours tr.today{font-weight:700}
.muted{color:#555}
.search{display:flex;flex-wrap:wrap;gap:8px;align-items:end;background:#fff;border:1px solid #dedad0;border-radius:12px;padding:10px;margin-bottom:14px}
.search label{display:flex;flex-direction:column;font-size:.85rem;gap:2px;flex:1 1 160px}
.search input,.search select{font:inherit;padding:8px;border:1px solid #8f8a7c;border-radius:8px;background:#fff;color:#1b1b1b;min-width:0}
.list{list-style:none;padding:0;margin:0}
.biz{display:flex;gap:10px;background:#fff;border:1px solid #dedad0;border-radius:12px;padding:10px;margin-bottom:8px}
.biz img,.biz .ph{width:64px;height:64px;border-radius:8px;object-fit:cover;background:#e9e6dd;flex:none}
.biz h3{margin:0;font-size:1.05rem}
.biz p{margin:2px 0 0;font-size:.9rem}
.lags{list-style:none;padding:0;margin:0;display:grid;gap:10px;grid-template-columns:repeat(auto-fill,minmax(240px,1fr))}
.lags a{display:block;background:#fff;border:1px solid #dedad0;border-radius:12px;padding:14px;text-decoration:none;color:#1b1b1b}
.lags strong{display:block;font-size:1.1rem;color:#0b57a4}
nav.pages{display:flex;gap:10px;align-items:center;flex-wrap:wrap;margin-top:10px}
footer{padding:16px;color:#555;font-size:.85rem;text-align:center}
@media (min-width:800px){h1{font-size:1.7rem}.logo{width:72px;height:72px}.cols{display:grid;grid-template-columns:2fr 1fr;gap:24px}.grid{grid-template-columns:repeat(auto-fill,minmax(200px,1fr))}.list{display:grid;grid-template-columns:1fr 1fr;gap:8px}.list .biz{margin:0}}
`.trim();

/** CSP source for the stylesheet above: the hash allows exactly this <style> and nothing else. */
export const STYLE_HASH = `'sha256-${createHash('sha256').update(CSS).digest('base64')}'`;

/** Strict CSP: same-origin images and the share script, the hashed stylesheet, forms only to ourselves. */
export const CSP = [
  "default-src 'none'", "img-src 'self' data:", `style-src ${STYLE_HASH}`, "script-src 'self'", "connect-src 'none'",
  "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

/** `path` in language `lng`: every language version is `?lang=<lng>` (the bare URL serves the default). */
export function withLang(path: string, lng: Locale, params: Record<string, string | number | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  q.set('lang', lng);
  return `${path}?${q.toString()}`;
}

/** JSON for a <script type="application/ld+json"> block: nothing in it can close the script or open a tag. */
export function jsonLd(data: unknown): string {
  return JSON.stringify(data).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export interface Head {
  title: string;
  description: string;
  /** Absolute URL of this page (without ?lang). */
  url: string;
  /** Path (without ?lang) for the language switch and alternates. */
  path: string;
  /** Extra query parameters kept by the language switch (search, filters). */
  params?: Record<string, string | number | undefined>;
  locale: Locale;
  ogType?: string;
  ogImage?: string;
  ldJson?: unknown;
  /** Search result pages past the first etc. are not for the index. */
  noindex?: boolean;
  scripts?: string[];
}

export function LangSwitch({ head, t }: { head: Head; t: TFunction }): VNode {
  return (
    <nav class="langs" aria-label={t('web:languages')}>
      {LOCALES.map((lng) => (
        <a href={withLang(head.path, lng, head.params)} hreflang={lng} lang={lng} aria-current={lng === head.locale ? 'page' : undefined}>{LANG_NAMES[lng]}</a>
      ))}
    </nav>
  );
}

function Document({ head, children }: { head: Head; children: ComponentChildren }): VNode {
  const origin = head.url.slice(0, head.url.length - head.path.length);
  const abs = (lng: Locale) => `${origin}${withLang(head.path, lng, head.params)}`;
  return (
    <html lang={head.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{head.title}</title>
        <meta name="description" content={head.description} />
        {head.noindex ? <meta name="robots" content="noindex, follow" /> : null}
        <link rel="canonical" href={abs(head.locale)} />
        {LOCALES.map((lng) => <link rel="alternate" hreflang={lng} href={abs(lng)} />)}
        <link rel="alternate" hreflang="x-default" href={head.url} />
        <meta property="og:type" content={head.ogType ?? 'website'} />
        <meta property="og:title" content={head.title} />
        <meta property="og:description" content={head.description} />
        <meta property="og:url" content={abs(head.locale)} />
        <meta property="og:locale" content={OG_LOCALE[head.locale]} />
        {head.ogImage ? <meta property="og:image" content={head.ogImage} /> : null}
        {head.ogImage ? <meta name="twitter:card" content="summary_large_image" /> : null}
        <style dangerouslySetInnerHTML={{ __html: CSS }} />
        {head.ldJson ? <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonLd(head.ldJson) }} /> : null}
        {(head.scripts ?? []).map((src) => <script src={src} defer />)}
      </head>
      <body>{children}</body>
    </html>
  );
}

/** The whole page as an HTML string (with the doctype). */
export function renderDocument(head: Head, body: ComponentChildren): string {
  return `<!doctype html>\n${renderToString(<Document head={head}>{body}</Document>)}`;
}
