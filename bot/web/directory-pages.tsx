/** @jsxImportSource preact */
/**
 * The LAG directory site: `/` lists the LAGs, `/lag/<id>` a LAG's published businesses with search (the
 * same SearchService as the chats: diacritics, Cyrillic/Latin, typos, synonyms), sector and district filters
 * and pages — all plain links and a GET form, so it works without JavaScript and search engines can follow it.
 */
import type { VNode } from 'preact';
import type { Listing, Sector } from '../../models/listing.js';
import type { Locale } from '../../models/user.js';
import type { TFunction } from '../../services/i18n.js';
import type { Facets, SearchResult } from '../../services/search/service.js';
import { districtsOfLag, lags, type Lag } from '../../services/territories.js';
import { LangSwitch, pageTranslator, renderDocument, withLang, type Head } from './view.js';

export const PAGE_SIZE = 20;

export interface HomeModel {
  locale: Locale;
  publicUrl: string;
  /** Published businesses per LAG id. */
  counts: Map<string, number>;
}

export function renderHome(m: HomeModel): string {
  const t = pageTranslator(m.locale);
  const head: Head = { title: t('web:home_title'), description: t('web:home_intro'), url: `${m.publicUrl}/`, path: '/', locale: m.locale };
  const byCountry = (['MD', 'LV'] as const).map((c) => ({ c, lags: lags.filter((l) => l.country === c) }));
  return renderDocument(head, <>
    <a class="skip" href="#main">{t('web:skip')}</a>
    <header>
      <div class="wrap">
        <h1>{t('web:home_title')}</h1>
        <LangSwitch head={head} t={t} />
      </div>
    </header>
    <main id="main" class="wrap">
      <p>{t('web:home_intro')}</p>
      {byCountry.map(({ c, lags: list }) => (
        <section aria-labelledby={`h-${c}`}>
          <h2 id={`h-${c}`}>{t(`territory:country.${c}`)}</h2>
          <ul class="lags">
            {list.map((lag) => (
              <li>
                <a href={withLang(`/lag/${lag.id}`, m.locale)}>
                  <strong>{t(`territory:lag.${lag.id}`)}</strong>
                  <span class="muted">{t('web:businesses', { count: m.counts.get(lag.id) ?? 0 })}</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </main>
  </>);
}

/** What a visitor asked for, already cleaned by the route's schema. */
export interface LagQuery {
  q: string;
  sector?: Sector;
  district?: string;
  /** 1-based. */
  page: number;
}

export interface LagModel {
  lag: Lag;
  locale: Locale;
  publicUrl: string;
  query: LagQuery;
  result: SearchResult;
  facets: Facets;
  botUsername?: string;
}

function BusinessRow({ l, locale, t }: { l: Listing; locale: Locale; t: TFunction }): VNode {
  const place = [l.locality, t(`territory:district.${l.districtId}`)].filter(Boolean).join(', ');
  return (
    <li class="biz">
      {l.logoId ? <img src={`/media/${l.logoId}`} alt="" width={64} height={64} loading="lazy" /> : <div class="ph" />}
      <div>
        <h3><a href={withLang(`/b/${l.slug}`, locale)}>{l.name}</a></h3>
        {l.activity ? <p>{l.activity}</p> : null}
        <p class="muted">{[place, ...l.sectors.slice(0, 2).map((s) => t(`sectors:${s}`))].join(' · ')}</p>
      </div>
    </li>
  );
}

export function renderLagPage(m: LagModel): string {
  const t = pageTranslator(m.locale);
  const { query, result } = m;
  const path = `/lag/${m.lag.id}`;
  const lagName = t(`territory:lag.${m.lag.id}`);
  const params = { q: query.q || undefined, sector: query.sector, district: query.district };
  const filtered = !!(query.q || query.sector || query.district);
  const head: Head = {
    title: query.q ? `${query.q} — ${lagName}` : t('web:lag_title', { lag: lagName }),
    description: t('web:lag_intro', { lag: lagName }),
    url: `${m.publicUrl}${path}`, path, locale: m.locale,
    params: { ...params, page: query.page > 1 ? query.page : undefined },
    // Search results are for people; the unfiltered list (every page of it) is what search engines index.
    noindex: filtered,
  };
  const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
  const pageLink = (p: number) => withLang(path, m.locale, { ...params, page: p > 1 ? p : undefined });
  const districtCounts = new Map(m.facets.districts.map((d) => [d.districtId, d.count]));
  const suggestionLinks = result.suggestions.map((s) => s.kind === 'spelling'
    ? { href: withLang(path, m.locale, { ...params, q: s.text }), label: t('web:did_you_mean', { text: s.text }) }
    : { href: withLang(path, m.locale, { q: query.q || undefined }), label: t('web:drop_filter') });
  return renderDocument(head, <>
    <a class="skip" href="#main">{t('web:skip')}</a>
    <header>
      <div class="wrap">
        <p class="sub"><a href={withLang('/', m.locale)}>{t('web:home_title')}</a></p>
        <h1>{t('web:lag_title', { lag: lagName })}</h1>
        <LangSwitch head={head} t={t} />
      </div>
    </header>
    <main id="main" class="wrap">
      <p>{t('web:lag_intro', { lag: lagName })}</p>
      <form class="search" method="get" action={path} role="search">
        <input type="hidden" name="lang" value={m.locale} />
        <label>{t('web:search_label')}
          <input type="search" name="q" value={query.q} maxLength={200} placeholder={t('web:search_placeholder')} />
        </label>
        <label>{t('web:sector')}
          <select name="sector">
            <option value="">{t('web:all_sectors')}</option>
            {m.facets.sectors.map((s) => <option value={s.sector} selected={s.sector === query.sector}>{`${t(`sectors:${s.sector}`)} (${s.count})`}</option>)}
          </select>
        </label>
        <label>{t('web:district')}
          <select name="district">
            <option value="">{t('web:all_districts')}</option>
            {districtsOfLag(m.lag.id).map((d) => <option value={d.id} selected={d.id === query.district}>{`${t(`territory:district.${d.id}`)} (${districtCounts.get(d.id) ?? 0})`}</option>)}
          </select>
        </label>
        <button type="submit" class="btn main">{t('web:search_button')}</button>
      </form>
      <section aria-labelledby="h-results">
        <h2 id="h-results">{result.total ? t('web:found', { count: result.total }) : t('web:results')}</h2>
        {result.total ? (
          <ul class="list">
            {result.listings.map((l) => <BusinessRow l={l} locale={m.locale} t={t} />)}
          </ul>
        ) : (
          <>
            <p>{t('web:nothing')}</p>
            {suggestionLinks.length ? <ul>{suggestionLinks.map((s) => <li><a href={s.href}>{s.label}</a></li>)}</ul> : null}
          </>
        )}
        {pages > 1 ? (
          <nav class="pages" aria-label={t('web:pagination')}>
            {query.page > 1 ? <a class="btn" rel="prev" href={pageLink(query.page - 1)}>{t('web:prev')}</a> : null}
            <span>{t('web:page', { page: query.page, pages })}</span>
            {query.page < pages ? <a class="btn" rel="next" href={pageLink(query.page + 1)}>{t('web:next')}</a> : null}
          </nav>
        ) : null}
      </section>
      {m.botUsername ? <p><a href={`https://t.me/${m.botUsername}?start=lag_${m.lag.id}`} rel="noopener">{t('web:register')}</a></p> : null}
    </main>
    <footer>
      <p><a href={withLang(`/poster/lag/${m.lag.id}.pdf`, m.locale)}>{t('web:poster')}</a></p>
    </footer>
  </>);
}
