/**
 * wireFetch: the `fetch` grammY is given (client.fetch), written on node:http(s) so that the replies journal
 * can mark a message "sending" at the last possible moment.
 *
 * Why: before a message request goes to Telegram, the journal records it as "sending" (on the wire), so that an
 * update handled again after a kill -9 does not send that reply twice. A record written early (before grammY
 * has even built the request, while a busy process still has to get it a socket) leaves a window: killed in
 * it, the reply is recorded as on the wire, so it is never resent, yet Telegram never got it.
 * Here the record — the "before wire" hook — runs once the request's socket is connected (for https: the TLS
 * handshake done), and the request is written right after it, in the same run: no I/O or timer in between,
 * only the microtasks of an async hook. Node writes to a ready socket at once (into the kernel, checked by
 * tests/intake/wire-fetch.test.ts), and nothing of the request is written before the hook.
 *
 *   await beforeWire(() => journal.sending(...), () => api.sendMessage(chat, text));
 *
 * A fetch outside beforeWire is a plain fetch. A hook that throws (or rejects) stops the request: nothing is
 * sent, and the fetch rejects with the hook's error. A request that fails or is aborted before its socket is
 * ready never runs the hook; one that fails while the hook runs rejects only once the hook has settled.
 * A streamed body (uploads) starts right after the hook, but its last byte leaves only when the stream ends. Errors look like node-fetch's (grammY's default fetch):
 * AbortError on abort, FetchError on a network error; grammY wraps both into HttpError.
 * Not supported (grammY needs none of it): redirects (a 3xx is returned as is), request timeouts of its own
 * (grammY aborts through the signal), response streaming (the body is read whole, then decoded).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { Readable, pipeline } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export type BeforeWireHook = () => void | Promise<void>;

const hooks = new AsyncLocalStorage<BeforeWireHook>();

/** Runs `fn`; every wireFetch it makes calls `hook` (once per fetch) right before the request goes out. */
export function beforeWire<T>(hook: BeforeWireHook, fn: () => Promise<T>): Promise<T> {
  return hooks.run(hook, async () => fn());
}

/** The abort signal grammY passes (the abort-controller polyfill's, or Node's own). */
interface SignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface WireInit {
  method?: string;
  headers?: HeadersInit;
  body?: string | Uint8Array | Readable | AsyncIterable<Uint8Array> | null;
  signal?: SignalLike | null;
  agent?: http.Agent | ((url: URL) => http.Agent | undefined);
  /** Ask for gzip/deflate answers (grammY sets it for https). Encoded answers are decoded either way. */
  compress?: boolean;
  /** Anything else grammY's baseFetchConfig carries (`duplex`) is ignored. */
  [other: string]: unknown;
}

export interface WireResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly headers: WireHeaders;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
  json(): Promise<any>;
}

/** The answer's headers (names in any case). */
export interface WireHeaders {
  get(name: string): string | null;
  has(name: string): boolean;
}

/** A request's headers as the plain object node:http takes, names in lower case. */
function plainHeaders(h: HeadersInit | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  const entries: Iterable<[string, string]> = h instanceof Headers || Array.isArray(h) ? (h as Iterable<[string, string]>) : Object.entries(h);
  for (const [k, v] of entries) out[k.toLowerCase()] = String(v);
  return out;
}

/** What node-fetch rejects with on abort (same name, message and type). */
export class AbortError extends Error {
  override readonly name = 'AbortError';
  readonly type = 'aborted';
  constructor(message = 'The user aborted a request.') {
    super(message);
  }
}

/** What node-fetch rejects with on a network error; the URL without the bot token. */
export class FetchError extends Error {
  override readonly name = 'FetchError';
  readonly type = 'system';
  readonly code?: string;
  readonly errno?: string;
  constructor(url: URL, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`request to ${url.origin}${url.pathname.replace(/^\/bot[^/]+/, '/bot<token>')} failed, reason: ${reason}`, { cause });
    this.code = this.errno = (cause as { code?: string } | undefined)?.code;
  }
}

/** Lenient like node-fetch (and curl): a truncated compressed answer decodes as far as it goes. */
const Z = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const gunzip = promisify(zlib.gunzip), inflate = promisify(zlib.inflate), inflateRaw = promisify(zlib.inflateRaw);
const brotli = promisify(zlib.brotliDecompress);

function decode(raw: Buffer, coding: string | null): Promise<Buffer> | Buffer {
  if (raw.length === 0) return raw;
  switch (coding?.trim().toLowerCase()) {
    case 'gzip': case 'x-gzip': return gunzip(raw, Z);
    // "deflate" is meant to be zlib-wrapped, but some servers send it raw.
    case 'deflate': case 'x-deflate': return (raw[0] & 0x0f) === 0x08 ? inflate(raw, Z) : inflateRaw(raw, Z);
    case 'br': return brotli(raw);
    default: return raw;
  }
}

/** The event after which bytes written to `s` go straight out (for TLS: the handshake is done), or none if now. */
function readyEvent(s: Socket): 'connect' | 'secureConnect' | undefined {
  if (s instanceof TLSSocket) {
    // `_secureEstablished` (Node internal, there since 0.x) covers a TLS socket handed over while still
    // handshaking over an already connected socket (proxy tunnels); if it ever goes away, `connecting` is used.
    const handshaking = s.connecting || (s as { _secureEstablished?: boolean })._secureEstablished === false;
    return handshaking ? 'secureConnect' : undefined;
  }
  return s.connecting ? 'connect' : undefined;
}

const isStream = (b: unknown): b is AsyncIterable<Uint8Array> =>
  typeof b === 'object' && b !== null && !(b instanceof Uint8Array) && Symbol.asyncIterator in b;

export function wireFetch(input: string | URL, init: WireInit = {}): Promise<WireResponse> {
  const hook = hooks.getStore(); // taken now: the caller's scope, not whatever runs when the socket is ready
  return new Promise((resolve, reject) => {
    const url = new URL(String(input));
    const { signal, body } = init;
    if (signal?.aborted) return reject(new AbortError());

    // Plain objects, not undici's Headers: building those cost ~2 % of a busy bot's time.
    const headers = plainHeaders(init.headers);
    headers.accept ??= '*/*';
    if (init.compress) headers['accept-encoding'] ??= 'gzip, deflate';
    const agent = typeof init.agent === 'function' ? init.agent(url) : init.agent;
    const req = (url.protocol === 'https:' ? https : http).request(url, {
      method: init.method ?? 'GET',
      headers,
      agent,
    });

    // Failing: the first error wins; the request is destroyed; the promises settle only once the hook (if it is
    // running) has settled, so a caller never sees the fetch fail while its "sending" record is still being written.
    let failed = false;
    let failure: unknown;
    let hookSettled: Promise<unknown> = Promise.resolve();
    let rejectBody: ((e: unknown) => void) | undefined;
    const fail = (err: unknown): void => {
      if (failed) return;
      failed = true;
      failure = err;
      signal?.removeEventListener('abort', onAbort);
      req.destroy();
      if (body instanceof Readable) body.destroy();
      void hookSettled.then(() => {
        reject(failure);
        rejectBody?.(failure);
      });
    };
    const onAbort = (): void => fail(new AbortError());
    signal?.addEventListener('abort', onAbort);
    req.on('error', (err) => fail(new FetchError(url, err)));

    const send = (): void => {
      if (failed || req.destroyed) return; // aborted or failed while the hook ran: nothing goes out
      if (isStream(body)) {
        pipeline(body instanceof Readable ? body : Readable.from(body), req, (err) => err && fail(new FetchError(url, err)));
      } else {
        req.end(body ?? undefined);
      }
    };
    const go = (): void => {
      if (failed) return;
      if (!hook) return send();
      let settle!: () => void;
      hookSettled = new Promise<void>((r) => { settle = r; });
      let pending: void | Promise<void>;
      try {
        pending = hooks.exit(hook); // the hook's own fetches (if any) are plain ones
      } catch (err) {
        settle();
        return fail(err);
      }
      if (typeof pending?.then !== 'function') {
        settle();
        return send();
      }
      pending.then(() => { settle(); send(); }, (err) => { settle(); fail(err); });
    };
    req.once('socket', (socket: Socket) => {
      const event = readyEvent(socket);
      if (event) socket.once(event, go);
      // Ready already (a keep-alive socket): Node flushes the request right after this listener (onSocketNT);
      // ended inside it, the request would be finished twice. The next tick comes before any I/O.
      else process.nextTick(go);
    });

    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      const raw = new Promise<Buffer>((ok, ko) => {
        rejectBody = ko;
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          signal?.removeEventListener('abort', onAbort);
          ok(Buffer.concat(chunks));
        });
        res.on('error', (err) => fail(new FetchError(url, err)));
        res.on('close', () => res.complete || fail(new FetchError(url, new Error('Premature close'))));
      });
      const resHeaders: WireHeaders = {
        get: (name) => {
          const v = res.headers[name.toLowerCase()];
          return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
        },
        has: (name) => res.headers[name.toLowerCase()] !== undefined,
      };
      const status = res.statusCode ?? 0;
      const plain = init.method === 'HEAD' || status === 204 || status === 304;
      const bytes = raw.then(async (b) => {
        try {
          return plain ? b : await decode(b, resHeaders.get('content-encoding'));
        } catch (err) {
          throw new FetchError(url, err);
        }
      });
      bytes.catch(() => {}); // read or not, a failed body is no unhandled rejection
      resolve({
        ok: status >= 200 && status < 300,
        status,
        statusText: res.statusMessage ?? '',
        url: url.href,
        headers: resHeaders,
        arrayBuffer: async () => {
          const b = await bytes;
          return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
        },
        text: async () => (await bytes).toString('utf8'),
        json: async () => JSON.parse((await bytes).toString('utf8')),
      });
    });
  });
}
