/**
 * A report's figures as localized tables (titles, headers, rows with names — never codes), the one source
 * for the Telegram text, the XLSX sheets and the PDF page.
 */
import type { TFunction } from '../i18n.js';
import { lag } from '../territories.js';
import type { ReportData } from './data.js';

export interface Table {
  /** Sheet name (≤ 31 characters, no []:*?/\). */
  sheet: string;
  title: string;
  head: string[];
  rows: (string | number)[][];
}

export interface ReportView {
  title: string;
  /** LAG · period (dates). */
  subtitle: string;
  summary: Table;
  districts: Table;
  sectors: Table;
  weeks: Table;
  chart: { title: string; series: [string, string, string]; weekLabels: string[]; max: (value: number) => string };
}

const sheetName = (s: string) => s.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);

/** "noiembrie 2026", "Q4 2026", "last 30 days" — plus the dates it covers. */
export function periodText(t: TFunction, locale: string, d: ReportData): string {
  const p = d.period;
  let name: string;
  let m: RegExpMatchArray | null;
  if ((m = p.label.match(/^(\d{4})-(\d{2})$/))) {
    name = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(+m[1], +m[2] - 1, 15)));
  } else if ((m = p.label.match(/^(\d{4})-Q(\d)$/))) {
    name = t('report:period.quarter', { q: m[2], year: m[1] });
  } else if ((m = p.label.match(/^(\d+)d$/))) {
    name = t('report:period.days', { count: +m[1] });
  } else {
    name = p.label;
  }
  const fmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: d.timeZone });
  return `${name} (${fmt.format(p.from)} – ${fmt.format(new Date(p.to.getTime() - 1))})`;
}

export function reportView(t: TFunction, locale: string, d: ReportData): ReportView {
  const lagName = d.lagId ? lag(d.lagId)?.names[locale as 'ro'] ?? d.lagId : t('staff:all_lags');
  const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const listingHead = [t('report:col.published'), t('report:col.pending'), t('report:col.added')];
  const weekFmt = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const weekLabels = d.weeks.map((w) => weekFmt.format(new Date(`${w.week}T12:00:00Z`)));
  const sum = (k: 'published' | 'pending' | 'added', rows: ReportData['byDistrict']) => rows.reduce((n, r) => n + r[k], 0);
  const districtRows = d.byDistrict.map((r) => [t(`territory:district.${r.key}`), r.published, r.pending, r.added]);
  return {
    title: t('report:title', { lag: lagName }),
    subtitle: periodText(t, locale, d),
    summary: {
      sheet: sheetName(t('report:sheet.summary')),
      title: t('report:sheet.summary'),
      head: [t('report:col.indicator'), t('report:col.value')],
      rows: [
        [t('report:row.published'), d.listings.published],
        [t('report:row.pending'), d.listings.pending],
        [t('report:row.added'), d.listings.added],
        [t('report:row.catalog_owners'), d.catalog.owners],
        [t('report:row.feed_products'), d.catalog.products],
        [t('report:row.offers_published'), d.offers.published],
        [t('report:row.offers_matched'), d.offers.matched],
        [t('report:row.introductions'), d.introductions],
        [t('report:row.searches'), d.searches.total],
        [t('report:row.zero_rate'), d.searches.total ? pct.format(d.searches.zeroRate) : '—'],
        [t('report:row.contacts'), d.contacts],
        [t('report:row.broadcasts'), d.broadcasts.count],
        [t('report:row.reached'), d.broadcasts.reached],
      ],
    },
    districts: {
      sheet: sheetName(t('report:sheet.districts')),
      title: t('report:sheet.districts'),
      head: [t('report:col.district'), ...listingHead],
      rows: [...districtRows, [t('report:col.total'), sum('published', d.byDistrict), sum('pending', d.byDistrict), sum('added', d.byDistrict)]],
    },
    sectors: {
      sheet: sheetName(t('report:sheet.sectors')),
      title: t('report:sheet.sectors'),
      head: [t('report:col.sector'), ...listingHead],
      rows: d.bySector.map((r) => [`${r.key} · ${t(`sectors:${r.key}`)}`, r.published, r.pending, r.added]),
    },
    weeks: {
      sheet: sheetName(t('report:sheet.weeks')),
      title: t('report:sheet.weeks'),
      head: [t('report:col.week'), t('report:series.listings'), t('report:series.searches'), t('report:series.contacts')],
      rows: d.weeks.map((w, i) => [weekLabels[i], w.newListings, w.searches, w.contacts]),
    },
    chart: {
      title: t('report:chart_title'),
      series: [t('report:series.listings'), t('report:series.searches'), t('report:series.contacts')],
      weekLabels,
      max: (value: number) => t('report:chart_max', { value }),
    },
  };
}
