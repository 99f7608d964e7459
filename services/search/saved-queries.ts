/**
 * Searches behind buttons: a button carries only a short id (≤ 64 bytes for any query text), the query itself
 * is kept in the store's key-value space, so paging and suggestions work on both channels and survive restarts.
 */
import { newId } from '../ids.js';
import type { Store } from '../store/port.js';
import type { SearchQuery } from './service.js';

/** What a saved search remembers: its text (cut to 200 characters) and filters. */
export type SavedQuery = Pick<SearchQuery, 'text' | 'sector' | 'districtId' | 'country'>;

export class SavedQueries {
  constructor(private readonly store: Store) {}

  private get kv() {
    return this.store.kv<SavedQuery>('search-queries');
  }

  async save(q: SavedQuery): Promise<string> {
    const id = newId(10);
    await this.kv.write(id, { text: q.text.slice(0, 200), sector: q.sector, districtId: q.districtId, country: q.country });
    return id;
  }

  /** The saved query, or null when the id is unknown (an old or forged button). */
  async load(id: string): Promise<SavedQuery | null> {
    return (await this.kv.read(id)) ?? null;
  }
}
