/**
 * How long short-lived records are kept. One place for the periods: the schemas declare them as MongoDB TTL
 * indexes, the retention job (services/retention.ts) deletes the same records on every engine, and /privacy
 * tells users (locales/<lng>/security.json, privacy.retention).
 */
const HOUR = 60 * 60;
const DAY = 24 * HOUR;

export const RETENTION_SECONDS = {
  /** "Next page" records of a multi-page search (kv namespace SEARCH_PAGES_NS). */
  searchPages: DAY,
  /**
   * Handled updates (Telegram update_id, Messenger mid) kept to answer each once (Meta and Telegram redeliver
   * for hours, not days). Their content is dropped when handled; only the id and times stay.
   */
  messengerEvents: 7 * DAY,
  /** Broadcast delivery records, counted from when the delivery finished (statistics look back this far). */
  deliveries: 90 * DAY,
  /** Files uploaded to /import and never imported or cancelled (abandoned flows). */
  importUploads: DAY,
  /** A command held while someone decides whether to leave registration, never answered (PENDING_COMMANDS_NS). */
  pendingCommands: DAY,
} as const;

/** The kv namespace of commands held by the flow guard (bot/telegram/flow-guard.ts). */
export const PENDING_COMMANDS_NS = 'pending-commands';

/** The kv namespace of search paging records (bot/telegram/features/search.ts). */
export const SEARCH_PAGES_NS = 'search-queries';
