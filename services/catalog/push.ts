/**
 * The port to Meta's Catalog Batch API. The HTTP implementation lives in bot/meta/catalog-client.ts
 * (services never speak HTTP themselves).
 */

export interface BatchRequest {
  method: 'CREATE' | 'UPDATE' | 'DELETE';
  data: { id: string } & Record<string, unknown>;
}

export interface ItemError {
  /** The item id (retailer id) when Meta names it. */
  id: string;
  message: string;
}

export interface BatchStatus {
  status: 'finished' | 'in_progress';
  errors: ItemError[];
}

/** A Batch API failure as a typed reason; never carries the token. */
export class PushFailed extends Error {
  constructor(public readonly reason: 'auth' | 'rate_limited' | 'not_found' | 'network' | 'other', message: string) {
    super(message);
    this.name = 'PushFailed';
  }
}

export interface CatalogPushPort {
  /** One items_batch call (≤ 3000 requests, allow_upsert). Returns the batch handles and errors reported at once. */
  itemsBatch(catalogId: string, accessToken: string, requests: BatchRequest[]): Promise<{ handles: string[]; errors: ItemError[] }>;
  /** check_batch_request_status for one handle. */
  batchStatus(catalogId: string, accessToken: string, handle: string): Promise<BatchStatus>;
}

/** Meta advises ≤ 3000 requests per items_batch call (5000 is the hard limit). */
export const MAX_BATCH = 3000;
