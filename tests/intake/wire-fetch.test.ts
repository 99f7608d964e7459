/**
 * wireFetch (bot/telegram/wire-fetch.ts): the "before wire" hook runs when the request's socket is ready and
 * before any byte of the request reaches the server, and the request goes out right after it — against real
 * local HTTP(S) servers, one of them in a worker thread so that it can watch bytes arrive while this thread is
 * still busy; and through grammY's own Api.
 */
import { execFileSync } from 'node:child_process';
import dc from 'node:diagnostics_channel';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import zlib from 'node:zlib';
import { Api, HttpError, InputFile } from 'grammy';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AbortError, beforeWire, wireFetch, type WireInit } from '../../bot/telegram/wire-fetch.js';

const TOKEN = '123456:wire-test-token';

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer }
type Respond = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;
const answer: Respond = (_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ ok: true, result: { message_id: 7, date: 1, chat: { id: 1, type: 'private' }, text: 'hi' } }));
};

/** A local HTTP server that records what reaches it: connections, raw bytes, requests. */
class TestServer {
  connections = 0;
  bytes = 0;
  /** Requests whose headers arrived (before their body). */
  started = 0;
  requests: Seen[] = [];
  respond: Respond = answer;
  private readonly server: http.Server;

  private constructor() {
    this.server = http.createServer((req, res) => {
      this.started++;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        this.requests.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        this.respond(req, res, body);
      });
    });
    this.server.on('connection', (s: Socket) => {
      this.connections++;
      s.prependListener('data', (d: Buffer) => { this.bytes += d.length; });
    });
  }

  static async start(): Promise<TestServer> {
    const t = new TestServer();
    await new Promise<void>((r) => t.server.listen(0, '127.0.0.1', r));
    return t;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

let srv: TestServer;
let agent: http.Agent;
beforeEach(async () => {
  srv = await TestServer.start();
  agent = new http.Agent({ keepAlive: true });
});
afterEach(async () => {
  agent.destroy();
  await srv.close();
});

const post = (body: WireInit['body'], more: WireInit = {}): WireInit =>
  ({ method: 'POST', headers: { 'content-type': 'application/json', connection: 'keep-alive' }, body, agent, duplex: 'half', ...more });

describe('the before-wire hook', () => {
  // The server runs in a worker thread and counts the bytes it receives in shared memory: this thread can read
  // them at any moment, and wait for them without ever giving its own event loop a turn.
  const SERVER = `
    const { workerData, parentPort } = require('node:worker_threads');
    const http = require('node:http'), https = require('node:https');
    const seen = new Int32Array(workerData.shared); // [0] connections, [1] bytes, [2] requests
    const handler = (req, res) => { Atomics.add(seen, 2, 1); req.resume(); req.on('end', () => res.end('{"ok":true,"result":true}')); };
    const server = workerData.tls ? https.createServer({ key: workerData.key, cert: workerData.cert }, handler) : http.createServer(handler);
    server.on(workerData.tls ? 'secureConnection' : 'connection', (s) => {
      Atomics.add(seen, 0, 1);
      s.prependListener('data', (d) => { Atomics.add(seen, 1, d.length); Atomics.notify(seen, 1); });
    });
    server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));`;

  let certDir: string | undefined;
  let tlsPair: { key: string; cert: string } | undefined;
  beforeAll(() => {
    try {
      certDir = mkdtempSync(join(tmpdir(), 'wire-tls-'));
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
        '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
      tlsPair = { key: readFileSync(join(certDir, 'key.pem'), 'utf8'), cert: readFileSync(join(certDir, 'cert.pem'), 'utf8') };
    } catch {
      tlsPair = undefined; // no openssl: the https case is skipped
    }
  });
  afterAll(() => { if (certDir) rmSync(certDir, { recursive: true, force: true }); });

  for (const tls of [false, true]) {
    it(`${tls ? 'https' : 'http'}: runs once per call before any byte reaches the server, and the request is in the server's hands before this thread yields — fresh and reused keep-alive sockets${tls ? ', and one handed over before its handshake' : ''}`, async (ctx) => {
      if (tls && !tlsPair) ctx.skip();
      const shared = new SharedArrayBuffer(12);
      const seen = new Int32Array(shared);
      const worker = new Worker(SERVER, { eval: true, workerData: { shared, tls, ...tlsPair } });
      const port = await new Promise<number>((r) => worker.once('message', r));
      const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}/bot${TOKEN}/sendMessage`;
      const newAgent = (): http.Agent => (tls ? new https.Agent({ keepAlive: true, rejectUnauthorized: false }) : new http.Agent({ keepAlive: true }));

      // Node announces each request once, from req.end() — right after writing it to the socket. Here this
      // thread waits (blocked) until the worker has the bytes: they left in the same run as the hook.
      let probe: { bytesBefore: number; inHands?: boolean } | undefined;
      let starts = 0;
      const onStart = (message: unknown): void => {
        const req = (message as { request: http.ClientRequest }).request;
        if (req.getHeader('x-probe') !== 'wire' || !probe) return;
        starts++;
        const deadline = Date.now() + 2000;
        while (Atomics.load(seen, 1) === probe.bytesBefore && Date.now() < deadline) Atomics.wait(seen, 1, probe.bytesBefore, 20);
        probe.inHands = Atomics.load(seen, 1) > probe.bytesBefore;
      };
      dc.subscribe('http.client.request.start', onStart);
      try {
        const call = async (a: http.Agent): Promise<void> => {
          const bytesBefore = Atomics.load(seen, 1);
          let hooks = 0;
          let bytesAtHook = -1;
          probe = { bytesBefore };
          const res = await beforeWire(() => {
            hooks++;
            bytesAtHook = Atomics.load(seen, 1);
          }, () => wireFetch(url, { ...post('{"chat_id":1,"text":"x"}'), agent: a, headers: { 'content-type': 'application/json', 'x-probe': 'wire' } }));
          expect(await res.json()).toEqual({ ok: true, result: true });
          expect(hooks).toBe(1);
          expect(bytesAtHook).toBe(bytesBefore);
          expect(probe.inHands).toBe(true);
        };
        const a1 = newAgent();
        await call(a1); // fresh connection
        await call(a1); // the same keep-alive socket
        expect(Atomics.load(seen, 0)).toBe(1);
        const a2 = newAgent();
        await call(a2); // a fresh connection again
        expect(Atomics.load(seen, 0)).toBe(2);
        let requests = 3;
        if (tls) {
          // As through a proxy tunnel: the agent hands over a TLS socket whose TCP connection is up but whose
          // handshake is still to come (not "connecting", not secure yet).
          const a3 = newAgent();
          (a3 as unknown as { createConnection: unknown }).createConnection = (_o: unknown, cb: (e: Error | null, s?: Socket) => void): void => {
            const raw = net.connect(port, '127.0.0.1', () => cb(null, tlsConnect({ socket: raw, rejectUnauthorized: false })));
          };
          await call(a3);
          expect(Atomics.load(seen, 0)).toBe(3);
          a3.destroy();
          requests++;
        }
        expect(Atomics.load(seen, 2)).toBe(requests);
        expect(starts).toBe(requests); // each request finished once (ended inside the 'socket' event, it would be twice)
        a1.destroy();
        a2.destroy();
      } finally {
        dc.unsubscribe('http.client.request.start', onStart);
        await worker.terminate();
      }
    });
  }

  it('an async hook: while it runs, the connected socket carries nothing; once it resolves the request arrives whole', async () => {
    for (const round of [1, 2]) { // 1: a fresh connection, 2: the kept-alive one
      const before = { bytes: srv.bytes, started: srv.started };
      let atHook: { connections: number; bytes: number; started: number } | undefined;
      const res = await beforeWire(async () => {
        await sleep(50); // several event-loop turns: anything already written would have arrived by now
        atHook = { connections: srv.connections, bytes: srv.bytes, started: srv.started };
      }, () => wireFetch(`${srv.url}/bot${TOKEN}/sendMessage?x=${round}`, post('{"chat_id":1,"text":"héllo"}', {
        headers: { 'content-type': 'application/json', connection: 'keep-alive', 'x-extra': 'yes' },
      })));
      expect(atHook).toEqual({ connections: 1, bytes: before.bytes, started: before.started });
      expect(res.ok).toBe(true);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect((await res.json()).result.message_id).toBe(7);
      const seen = srv.requests.at(-1)!;
      expect(seen.method).toBe('POST');
      expect(seen.url).toBe(`/bot${TOKEN}/sendMessage?x=${round}`);
      expect(seen.headers['content-type']).toBe('application/json');
      expect(seen.headers['x-extra']).toBe('yes');
      expect(seen.headers['content-length']).toBe(String(Buffer.byteLength('{"chat_id":1,"text":"héllo"}')));
      expect(seen.body.toString()).toBe('{"chat_id":1,"text":"héllo"}');
    }
    expect(srv.connections).toBe(1);
  });

  it('a fetch outside beforeWire is a plain fetch; one the hook makes itself does not run the hook again', async () => {
    const res = await wireFetch(`${srv.url}/plain`, post(new Uint8Array(Buffer.from('{"a":1}'))));
    expect(await res.json()).toMatchObject({ ok: true });
    expect(srv.requests[0].body.toString()).toBe('{"a":1}');
    let hooks = 0;
    await beforeWire(async () => {
      hooks++;
      await (await wireFetch(`${srv.url}/inner`, post('{}'))).text();
    }, async () => (await wireFetch(`${srv.url}/outer`, post('{}'))).text());
    expect(hooks).toBe(1);
    expect(srv.requests.map((r) => r.url)).toEqual(['/plain', '/inner', '/outer']);
    // Two fetches in one scope: the hook runs for each.
    await beforeWire(() => { hooks++; }, async () => {
      await wireFetch(`${srv.url}/a`, post('{}'));
      await wireFetch(`${srv.url}/b`, post('{}'));
    });
    expect(hooks).toBe(3);
  });

  it('a hook that rejects or throws: nothing reaches the server, the fetch rejects with its error — fresh and reused sockets', async () => {
    const refused = new Error('journal write failed');
    await expect(beforeWire(async () => { throw refused; }, () => wireFetch(`${srv.url}/x`, post('{"n":1}')))).rejects.toBe(refused);
    expect(srv.connections).toBe(1); // connected, yet
    expect(srv.bytes).toBe(0); // not one byte
    await (await wireFetch(`${srv.url}/ok`, post('{}'))).text(); // a kept-alive socket
    const bytes = srv.bytes;
    await expect(beforeWire(() => { throw refused; }, () => wireFetch(`${srv.url}/y`, post('{"n":2}')))).rejects.toBe(refused);
    await sleep(50);
    expect(srv.bytes).toBe(bytes);
    expect(srv.started).toBe(1);
    expect(srv.requests.map((r) => r.url)).toEqual(['/ok']);
    // The agent goes on (a new socket in place of the destroyed one).
    expect((await wireFetch(`${srv.url}/after`, post('{}'))).status).toBe(200);
  });

  it('a streamed body (Readable) arrives whole, after the hook', async () => {
    const parts = Array.from({ length: 20 }, (_, i) => Buffer.alloc(10_000, 65 + i));
    async function* slowly(): AsyncGenerator<Uint8Array> {
      for (const p of parts) { yield p; await sleep(1); }
    }
    let bytesAtHook = -1;
    const res = await beforeWire(() => { bytesAtHook = srv.bytes; }, () => wireFetch(`${srv.url}/upload`, {
      ...post(Readable.from(slowly(), { objectMode: false })),
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
    }));
    expect(res.status).toBe(200);
    expect(bytesAtHook).toBe(0);
    expect(srv.requests[0].headers['transfer-encoding']).toBe('chunked');
    expect(srv.requests[0].body.equals(Buffer.concat(parts))).toBe(true);
  });

  it('a failing body stream rejects the fetch', async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('part');
      await sleep(5);
      throw new Error('disk gone');
    }
    await expect(wireFetch(`${srv.url}/upload`, post(Readable.from(broken())))).rejects.toMatchObject({ name: 'FetchError', message: expect.stringContaining('disk gone') });
    expect(srv.requests).toEqual([]);
  });
});

describe('the response', () => {
  const payload = { ok: true, result: { text: 'ü'.repeat(2000) } };
  for (const [coding, encode] of [
    ['gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['deflate', zlib.deflateRawSync], // raw deflate, as some servers send it
    ['br', zlib.brotliCompressSync],
  ] as const) {
    it(`${coding}${encode === zlib.deflateRawSync ? ' (raw)' : ''} is decoded; json() parses`, async () => {
      srv.respond = (_req, res) => {
        res.setHeader('content-encoding', coding);
        res.setHeader('content-type', 'application/json');
        res.end(encode(Buffer.from(JSON.stringify(payload))));
      };
      const res = await wireFetch(`${srv.url}/x`, post('{}', { compress: true }));
      expect(srv.requests[0].headers['accept-encoding']).toBe('gzip, deflate');
      expect(res.headers.get('content-encoding')).toBe(coding);
      expect(await res.json()).toEqual(payload);
    });
  }

  it('no accept-encoding unless compress; text(), a 4xx is not ok', async () => {
    srv.respond = (_req, res) => { res.statusCode = 400; res.end('{"ok":false,"error_code":400,"description":"Bad Request: x"}'); };
    const res = await wireFetch(`${srv.url}/x`, post('{}'));
    expect(srv.requests[0].headers['accept-encoding']).toBeUndefined();
    expect(res.ok).toBe(false);
    expect(res.status).toBe(400);
    expect(res.statusText).toBe('Bad Request');
    expect(await res.text()).toContain('Bad Request: x');
  });
});

describe('abort and failure', () => {
  it('aborted before the call: nothing is sent, AbortError', async () => {
    const ac = new AbortController();
    ac.abort();
    let hooks = 0;
    const err = await beforeWire(() => { hooks++; }, () => wireFetch(`${srv.url}/x`, post('{}', { signal: ac.signal }))).catch((e) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(err).toMatchObject({ name: 'AbortError', message: 'The user aborted a request.', type: 'aborted' });
    expect(hooks).toBe(0);
    expect(srv.connections).toBe(0);
  });

  it('aborted before the socket is connected: nothing reaches the server, AbortError', async () => {
    const ac = new AbortController();
    let hooks = 0;
    const pending = beforeWire(() => { hooks++; }, () => wireFetch(`${srv.url}/x`, post('{}', { signal: ac.signal })));
    ac.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await sleep(50);
    expect(hooks).toBe(0);
    expect(srv.bytes).toBe(0);
  });

  it('aborted while the hook runs: nothing goes out, and the fetch rejects only once the hook has finished', async () => {
    const ac = new AbortController();
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const order: string[] = [];
    const pending = beforeWire(async () => {
      order.push('hook');
      ac.abort();
      await gate;
      order.push('hook done');
    }, () => wireFetch(`${srv.url}/x`, post('{}', { signal: ac.signal }))).catch((e) => { order.push('rejected'); return e; });
    await sleep(30);
    expect(order).toEqual(['hook']);
    release();
    expect(await pending).toMatchObject({ name: 'AbortError' });
    expect(order).toEqual(['hook', 'hook done', 'rejected']);
    await sleep(30);
    expect(srv.bytes).toBe(0);
  });

  it('aborted while waiting for the answer, or in the middle of it: AbortError', async () => {
    srv.respond = () => {}; // never answers
    const ac1 = new AbortController();
    const waiting = wireFetch(`${srv.url}/x`, post('{}', { signal: ac1.signal }));
    while (srv.requests.length < 1) await sleep(5);
    ac1.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });

    srv.respond = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.write('{"ok":true,"res'); };
    const ac2 = new AbortController();
    const res = await wireFetch(`${srv.url}/y`, post('{}', { signal: ac2.signal }));
    expect(res.status).toBe(200);
    const body = res.json();
    await sleep(30);
    ac2.abort();
    await expect(body).rejects.toMatchObject({ name: 'AbortError', message: 'The user aborted a request.' });
  });

  it('the connection cut in the middle of the answer: json() rejects', async () => {
    srv.respond = (req, res) => { res.writeHead(200, { 'content-length': '100' }); res.write('{"ok":'); setTimeout(() => req.socket.destroy(), 20); };
    const res = await wireFetch(`${srv.url}/x`, post('{}'));
    await expect(res.json()).rejects.toMatchObject({ name: 'FetchError' });
  });

  it('connection refused: rejects with a FetchError (ECONNREFUSED, no token in the message); the hook never ran', async () => {
    const url = srv.url;
    await srv.close();
    let hooks = 0;
    const err = await beforeWire(() => { hooks++; }, () => wireFetch(`${url}/bot${TOKEN}/sendMessage`, post('{}'))).catch((e) => e);
    expect(err).toMatchObject({ name: 'FetchError', type: 'system', code: 'ECONNREFUSED' });
    expect(err.message).toMatch(/^request to http:\/\/127\.0\.0\.1:\d+\/bot<token>\/sendMessage failed, reason: /);
    expect(err.message).not.toContain(TOKEN);
    expect(hooks).toBe(0);
    srv = await TestServer.start(); // for afterEach
  });
});

describe('through grammY', () => {
  it('sendMessage inside beforeWire: the hook runs first, then the call goes out; outside beforeWire it works too; uploads stream whole', async () => {
    const api = new Api(TOKEN, { apiRoot: srv.url, fetch: wireFetch });
    const atHook: number[] = [];
    const msg = await beforeWire(async () => { atHook.push(srv.started); }, () => api.sendMessage(42, 'hello'));
    expect(atHook).toEqual([0]);
    expect(msg.message_id).toBe(7);
    expect(srv.requests[0].url).toBe(`/bot${TOKEN}/sendMessage`);
    expect(srv.requests[0].headers['content-type']).toBe('application/json');
    expect(JSON.parse(srv.requests[0].body.toString())).toEqual({ chat_id: 42, text: 'hello' });

    expect((await api.sendMessage(43, 'no hook')).message_id).toBe(7);
    expect(JSON.parse(srv.requests[1].body.toString())).toEqual({ chat_id: 43, text: 'no hook' });

    const photo = Buffer.alloc(300_000, 7);
    await beforeWire(() => { atHook.push(srv.started); }, () => api.sendPhoto(44, new InputFile(photo, 'p.jpg')));
    expect(atHook).toEqual([0, 2]);
    const upload = srv.requests[2];
    expect(upload.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(upload.body.includes(photo)).toBe(true);
    expect(srv.connections).toBe(1); // grammY's keep-alive agent, reused
  });

  it('timeout, abort and a refused connection give the same errors as grammY\'s default fetch', async () => {
    srv.respond = () => {}; // never answers
    const apiRoot = srv.url;
    const outcome = async (fetch: typeof wireFetch | undefined, run: (api: Api) => Promise<unknown>): Promise<unknown> => {
      const api = new Api(TOKEN, { apiRoot, timeoutSeconds: 0.2, ...(fetch ? { fetch } : {}) });
      const err = await run(api).catch((e) => e);
      expect(err).toBeInstanceOf(HttpError);
      const inner = (err as HttpError).error as Error & { type?: string; code?: string };
      return { message: (err as HttpError).message, inner: { name: inner.name, message: inner.message.replace(TOKEN, '<token>'), type: inner.type, code: inner.code } };
    };
    const timeout = (api: Api): Promise<unknown> => api.sendMessage(1, 'x');
    expect(await outcome(wireFetch, timeout)).toEqual(await outcome(undefined, timeout));
    expect(await outcome(wireFetch, timeout)).toMatchObject({ message: "Network request for 'sendMessage' failed!", inner: { message: "Request to 'sendMessage' timed out after 0.2 seconds" } });

    const abort = (api: Api): Promise<unknown> => {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 50);
      return api.sendMessage(1, 'x', undefined, ac.signal as Parameters<Api['sendMessage']>[3]); // grammY types it as the abort-controller polyfill's
    };
    expect(await outcome(wireFetch, abort)).toEqual(await outcome(undefined, abort));
    expect(await outcome(wireFetch, abort)).toMatchObject({ inner: { name: 'AbortError', message: 'The user aborted a request.', type: 'aborted' } });

    await srv.close();
    const refused = await outcome(wireFetch, timeout);
    expect(refused).toEqual(await outcome(undefined, timeout));
    expect(refused).toMatchObject({ inner: { name: 'FetchError', type: 'system', code: 'ECONNREFUSED' } });
    srv = await TestServer.start(); // for afterEach
  });
});
