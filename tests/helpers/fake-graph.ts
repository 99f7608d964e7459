/**
 * A local fake of Meta's Graph API (Send API + Messenger Profile API) over real HTTP. Records every call;
 * failNext() answers the next calls with a Graph error (e.g. 613 rate limit, 551 person unavailable, 190 token).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GraphCall {
  method: string;
  version: string;
  /** Path after the version, e.g. "/me/messages". */
  path: string;
  query: Record<string, string>;
  body: any;
  at: number;
}

interface Failure {
  path: string;
  status: number;
  error: { message: string; type?: string; code: number; error_subcode?: number };
  times: number;
}

export class FakeGraph {
  readonly calls: GraphCall[] = [];
  private failures: Failure[] = [];
  private server!: Server;
  url = '';
  private nextId = 1;
  /** Awaited before a call is recorded (hold Send API calls in flight); a call whose client went away is dropped. */
  beforeRecord?: (path: string) => Promise<void> | void;
  /** Awaited after a call is recorded, before it is answered (Meta has it; the answer is held). */
  afterRecord?: (path: string) => Promise<void> | void;

  static async start(): Promise<FakeGraph> {
    const g = new FakeGraph();
    g.server = createServer((req, res) => void g.handle(req, res));
    await new Promise<void>((r) => g.server.listen(0, '127.0.0.1', r));
    g.url = `http://127.0.0.1:${(g.server.address() as AddressInfo).port}`;
    return g;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections?.();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** The next `times` calls to `path` ("/me/messages") fail with this Graph error. */
  failNext(path: string, status: number, error: Failure['error'], times = 1): void {
    this.failures.push({ path, status, error, times });
  }

  /** Send API calls (POST /<version>/me/messages). */
  messages(recipient?: string): GraphCall[] {
    return this.calls.filter((c) => c.path === '/me/messages' && (!recipient || c.body?.recipient?.id === recipient));
  }

  profileCalls(): GraphCall[] {
    return this.calls.filter((c) => c.path === '/me/messenger_profile');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const u = new URL(req.url ?? '/', this.url);
    const m = u.pathname.match(/^\/(v\d+\.\d+)(\/.*)$/);
    const call: GraphCall = {
      method: req.method ?? 'GET',
      version: m?.[1] ?? '',
      path: m?.[2] ?? u.pathname,
      query: Object.fromEntries(u.searchParams),
      body: raw ? JSON.parse(raw) : undefined,
      at: Date.now(),
    };
    if (this.beforeRecord) {
      let gone = false;
      res.once('close', () => (gone = true));
      await this.beforeRecord(call.path);
      if (gone || res.destroyed) return;
    }
    this.calls.push(call);
    if (this.afterRecord) await this.afterRecord(call.path);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!m) return json(404, { error: { message: 'Unknown path', code: 803 } });
    const f = this.failures.find((x) => x.path === call.path && x.times > 0);
    if (f) {
      f.times--;
      return json(f.status, { error: { type: 'OAuthException', fbtrace_id: 'x', ...f.error } });
    }
    if (call.path === '/me/messages') return json(200, { recipient_id: call.body?.recipient?.id, message_id: `m_${this.nextId++}` });
    if (call.path === '/me/messenger_profile') return json(200, { result: 'success' });
    return json(404, { error: { message: `Unsupported path ${call.path}`, code: 100 } });
  }
}
