/**
 * The process logger and what keeps secrets out of it. Three layers, because a secret can reach a log line
 * in more than one way:
 * - pino `redact` paths for objects that carry a token field;
 * - HTTP request serializers that log URLs without feed tokens or secret query values (`redactUrl`);
 * - a last filter on every written line that blanks each configured secret and any feed token pattern, so
 *   even an error message that quotes a URL or a token cannot leak it.
 */
import type { FastifyRequest } from 'fastify';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from './config.js';

const CENSOR = '[redacted]';

/** Query parameters that are safe to log as they are (everything else is logged as [redacted]). */
const SAFE_QUERY = new Set(['lang', 'hub.mode', 'hub.challenge']);

/** Feed URLs carry their access token in the path: /feeds/<token>.csv and /feeds/lag/<token>.csv. */
const FEED_TOKEN = /(\/feeds\/(?:lag\/)?)[^/?#\s"]+?(\.csv)/g;
/** A Telegram bot token anywhere (e.g. a webhook path chosen as /bot<token>). */
const BOT_TOKEN = /(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}/g;
/** Secret-looking query parameters inside free text (error messages quoting a URL). */
const SECRET_PARAM = /([?&](?:hub\.verify_token|access_token|appsecret_proof|token|secret|key|signature)=)[^&\s"#]*/gi;

/** The configured values that must never appear in a log line. */
export function configSecrets(config: Partial<Config>): string[] {
  return [
    config.TELEGRAM_BOT_TOKEN, config.TELEGRAM_WEBHOOK_SECRET, config.MESSENGER_PAGE_ACCESS_TOKEN,
    config.MESSENGER_APP_SECRET, config.MESSENGER_VERIFY_TOKEN, config.SECRETS_KEY, mongoPassword(config.MONGODB_URI),
  ].filter((s): s is string => typeof s === 'string' && s.length >= 4);
}

function mongoPassword(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  try {
    const p = decodeURIComponent(new URL(uri).password);
    return p || undefined;
  } catch {
    return undefined;
  }
}

/** Blanks secrets, bot tokens, feed tokens and secret query values in any text. */
export function scrub(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(CENSOR);
  return out.replace(FEED_TOKEN, `$1${CENSOR}$2`).replace(BOT_TOKEN, CENSOR).replace(SECRET_PARAM, `$1${CENSOR}`);
}

/** A URL as it may be logged: feed tokens out of the path, values of non-allowlisted query parameters out. */
export function redactUrl(url: string, secrets: readonly string[] = []): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  let query = '';
  if (q >= 0) {
    query = `?${url.slice(q + 1).split('&').map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch { /* keep the raw name */ }
      return eq < 0 || SAFE_QUERY.has(decoded) ? pair : `${name}=${CENSOR}`;
    }).join('&')}`;
  }
  return scrub(path + query, secrets);
}

/** fastify request/response serializers that never write a secret URL part. */
export function httpSerializers(secrets: readonly string[]) {
  return {
    req(req: FastifyRequest) {
      return { method: req.method, url: redactUrl(req.url, secrets), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
    },
    res(reply: { statusCode: number }) {
      return { statusCode: reply.statusCode };
    },
  };
}

export interface LoggerOptions {
  /** Values blanked in every line (configSecrets(config)). */
  secrets?: readonly string[];
  /** Where lines go (default: stdout). */
  destination?: DestinationStream;
}

export function createLogger(level: string, opts: LoggerOptions = {}): Logger {
  const secrets = [...(opts.secrets ?? [])];
  const dest = opts.destination ?? pino.destination(1);
  const filtered: DestinationStream = { write: (line: string) => dest.write(scrub(line, secrets)) };
  return pino({
    level,
    // Tokens and secrets never reach the logs, wherever they appear in a logged object.
    redact: { paths: ['*.token', '*.*.token', '*.access_token', '*.secret', 'config', '*.config', 'headers.authorization'], censor: CENSOR },
  }, filtered);
}
