/**
 * A local fake of Meta's Catalog Batch API over real HTTP: POST /<version>/<catalog_id>/items_batch and
 * GET /<version>/<catalog_id>/check_batch_request_status?handle=…  It keeps the catalog's items, checks
 * the bearer token, answers "in_progress" on the first status poll of each batch, and reports per-item
 * errors for ids the test marks as rejected (as Meta does for a bad image or price).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BatchCall {
  catalogId: string;
  authorization?: string;
  body: { item_type?: string; allow_upsert?: boolean; requests: { method: string; data: Record<string, any> }[] };
}

interface Batch {
  handle: string;
  polls: number;
  errors: { line: number; id: string; message: string }[];
}

export class FakeGraphCatalog {
  readonly batches: BatchCall[] = [];
  readonly statusPolls: string[] = [];
  /** catalog id → item id → item data. */
  readonly items = new Map<string, Map<string, Record<string, any>>>();
  /** Item ids Meta "rejects" in the batch status, with its message. */
  readonly reject = new Map<string, string>();
  private readonly pending = new Map<string, Batch>();
  private server!: Server;
  private seq = 0;
  url = '';

  constructor(readonly version: string, readonly token: string) {}

  static async start(opts: { version?: string; token: string }): Promise<FakeGraphCatalog> {
    const f = new FakeGraphCatalog(opts.version ?? 'v21.0', opts.token);
    f.server = createServer((req, res) => void f.handle(req, res));
    await new Promise<void>((r) => f.server.listen(0, '127.0.0.1', r));
    f.url = `http://127.0.0.1:${(f.server.address() as AddressInfo).port}`;
    return f;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  catalog(id: string): Map<string, Record<string, any>> {
    if (!this.items.has(id)) this.items.set(id, new Map());
    return this.items.get(id)!;
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = url.pathname.match(/^\/(v\d+\.\d+)\/(\d+)\/(items_batch|check_batch_request_status)$/);
    if (!m || m[1] !== this.version) return this.send(res, 404, { error: { message: 'Unknown path components', code: 100, type: 'OAuthException' } });
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return this.send(res, 401, { error: { message: 'Error validating access token: Session has expired', code: 190, type: 'OAuthException' } });
    }
    const catalogId = m[2];
    if (m[3] === 'items_batch' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      this.batches.push({ catalogId, authorization: req.headers.authorization, body });
      if (body.item_type !== 'PRODUCT_ITEM' || !Array.isArray(body.requests) || body.requests.length > 5000) {
        return this.send(res, 400, { error: { message: 'Invalid parameter', code: 100 } });
      }
      const handle = `h${++this.seq}`;
      const errors: Batch['errors'] = [];
      body.requests.forEach((r: { method: string; data: Record<string, any> }, line: number) => {
        const id = String(r.data?.id ?? '');
        const rejected = this.reject.get(id);
        if (rejected) errors.push({ line, id, message: rejected });
        else if (r.method === 'DELETE') this.catalog(catalogId).delete(id);
        else if (r.method === 'UPDATE' && !body.allow_upsert && !this.catalog(catalogId).has(id)) errors.push({ line, id, message: 'Item does not exist' });
        else this.catalog(catalogId).set(id, r.data);
      });
      this.pending.set(handle, { handle, polls: 0, errors });
      return this.send(res, 200, { handles: [handle] });
    }
    if (m[3] === 'check_batch_request_status' && req.method === 'GET') {
      const handle = url.searchParams.get('handle') ?? '';
      this.statusPolls.push(handle);
      const b = this.pending.get(handle);
      if (!b) return this.send(res, 400, { error: { message: 'Invalid handle', code: 100 } });
      b.polls++;
      if (b.polls === 1) return this.send(res, 200, { data: [{ handle, status: 'in_progress', errors_total_count: 0, errors: [] }] });
      return this.send(res, 200, { data: [{ handle, status: 'finished', errors_total_count: b.errors.length, errors: b.errors, warnings: [] }] });
    }
    return this.send(res, 405, { error: { message: 'Unsupported method', code: 100 } });
  }
}
