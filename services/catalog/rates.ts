/**
 * The lei → euro rate LAG staff set for the Meta feed (Meta documents no MDL; see models/product.ts). Kept in
 * the store, cached in memory for the synchronous feed/validation code; `refresh()` re-reads it (feeds and the
 * owner's screens call it, so another process's change is seen).
 */
import type { ExchangeRate } from '../../models/product.js';
import type { Clock } from '../clock.js';
import type { KeyValue, Store } from '../store/port.js';
import { formatRate, leiToEuroCents } from './money.js';

const KEY = 'MDL_EUR';

export interface RateView {
  /** "19.10" */
  rate: string;
  rate4: number;
  setAt: Date;
  setBy: string;
}

export class ExchangeRates {
  private readonly kv: KeyValue<ExchangeRate>;
  private cached: ExchangeRate | undefined;
  private loaded = false;

  constructor(store: Store, private readonly clock: Clock) {
    this.kv = store.kv<ExchangeRate>('exchange_rates');
  }

  async refresh(): Promise<RateView | undefined> {
    this.cached = await this.kv.read(KEY);
    this.loaded = true;
    return this.current();
  }

  /** The rate as last read (undefined before the first refresh or when staff never set one). */
  current(): RateView | undefined {
    const r = this.cached;
    return r ? { rate: formatRate(r.rate4), rate4: r.rate4, setAt: new Date(r.setAt), setBy: r.setBy } : undefined;
  }

  get ready(): boolean {
    return this.loaded;
  }

  async set(rate4: number, by: { userId: string; lagId?: string }): Promise<RateView> {
    const rec: ExchangeRate = { rate4, setAt: this.clock.now().toISOString(), setBy: by.userId, ...(by.lagId ? { lagId: by.lagId } : {}) };
    await this.kv.write(KEY, rec);
    this.cached = rec;
    this.loaded = true;
    return this.current()!;
  }

  /** Lei (bani) → euro cents at the current rate; undefined without a rate. */
  toEuro(baniMinor: number): number | undefined {
    return this.cached ? leiToEuroCents(baniMinor, this.cached.rate4) : undefined;
  }
}
