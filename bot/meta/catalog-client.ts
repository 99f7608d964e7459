/**
 * Meta Catalog Batch API over HTTP (axios): items_batch + check_batch_request_status.
 * Base URL and version come from config (MESSENGER_GRAPH_URL / MESSENGER_GRAPH_VERSION), so tests point
 * it at a local fake. The token travels in the Authorization header and never appears in errors or logs.
 */
import axios, { type AxiosInstance } from 'axios';
import { PushFailed, type BatchRequest, type BatchStatus, type CatalogPushPort, type ItemError } from '../../services/catalog/push.js';

interface GraphError {
  error?: { message?: string; code?: number; type?: string };
}

interface StatusEntry {
  handle?: string;
  status?: string;
  errors?: { id?: string; retailer_id?: string; line?: number; message?: string }[];
}

function asItemErrors(list: StatusEntry['errors'] | undefined): ItemError[] {
  return (list ?? []).map((e) => ({ id: String(e.id ?? e.retailer_id ?? ''), message: String(e.message ?? 'error') }));
}

export class GraphCatalogClient implements CatalogPushPort {
  private readonly http: AxiosInstance;

  constructor(opts: { graphUrl: string; version: string; timeoutMs?: number }) {
    this.http = axios.create({ baseURL: `${opts.graphUrl}/${opts.version}`, timeout: opts.timeoutMs ?? 20_000, validateStatus: () => true });
  }

  private async call<T>(method: 'get' | 'post', path: string, token: string, body?: unknown, params?: Record<string, string>): Promise<T> {
    let res;
    try {
      res = await this.http.request<T & GraphError>({ method, url: path, data: body, params, headers: { authorization: `Bearer ${token}` } });
    } catch (err) {
      // Deliberately not the axios error: its config carries the Authorization header.
      throw new PushFailed('network', (err as { code?: string }).code ?? 'network error');
    }
    if (res.status >= 200 && res.status < 300 && !res.data?.error) return res.data;
    const e = res.data?.error ?? {};
    const message = (e.message ?? `HTTP ${res.status}`).slice(0, 500);
    if (res.status === 401 || e.code === 190 || e.code === 102) throw new PushFailed('auth', message);
    if (res.status === 429 || e.code === 4 || e.code === 17 || e.code === 32 || e.code === 80014) throw new PushFailed('rate_limited', message);
    if (res.status === 404 || e.code === 100) throw new PushFailed('not_found', message);
    throw new PushFailed('other', message);
  }

  async itemsBatch(catalogId: string, token: string, requests: BatchRequest[]): Promise<{ handles: string[]; errors: ItemError[] }> {
    const data = await this.call<{ handles?: string[]; validation_status?: { retailer_id?: string; errors?: { message?: string }[] }[] }>(
      'post', `/${encodeURIComponent(catalogId)}/items_batch`, token,
      { item_type: 'PRODUCT_ITEM', allow_upsert: true, requests },
    );
    const errors: ItemError[] = [];
    for (const v of data.validation_status ?? []) {
      for (const e of v.errors ?? []) errors.push({ id: String(v.retailer_id ?? ''), message: String(e.message ?? 'error') });
    }
    return { handles: data.handles ?? [], errors };
  }

  async batchStatus(catalogId: string, token: string, handle: string): Promise<BatchStatus> {
    const data = await this.call<{ data?: StatusEntry[] }>('get', `/${encodeURIComponent(catalogId)}/check_batch_request_status`, token, undefined, { handle });
    const entry = data.data?.[0];
    return { status: entry?.status === 'finished' ? 'finished' : 'in_progress', errors: asItemErrors(entry?.errors) };
  }
}
