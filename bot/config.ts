/**
 * Environment parsed and validated once at start. Every bad or missing variable is named in one error.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { LOCALES } from '../models/user.js';
import { parseSecretsKey } from '../services/catalog/secrets.js';

const optionalString = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());
const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), z.url().optional());

/** What fastify's `trustProxy` accepts: on/off, or addresses/CIDR ranges (and proxy-addr's names). */
export type TrustProxy = boolean | string[];
const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isProxyAddress(s: string): boolean {
  const [addr, bits, ...rest] = s.split('/');
  if (rest.length || !isIP(addr)) return PROXY_NAMES.includes(s);
  if (bits === undefined) return true;
  const max = isIP(addr) === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(bits) && +bits <= max;
}

/**
 * TRUST_PROXY: "false" (default), "true", or a comma list of IPs / CIDRs ("127.0.0.1,10.0.0.0/8"). A hop count is
 * refused with an explanation: fastify 5 ignores it (it cannot tell a proxy from a client), which would leave
 * an operator believing the setting works.
 */
const trustProxy = z.string().default('false').transform((raw, ctx): TrustProxy => {
  const s = raw.trim().toLowerCase();
  if (s === '' || s === 'false' || s === '0') return false;
  if (s === 'true') return true;
  if (/^\d+$/.test(s)) {
    ctx.addIssue({ code: 'custom', message: 'hop counts are not supported (a client could fake the hops): give the proxy\'s address or range, e.g. 127.0.0.1 or 10.0.0.0/8, or true' });
    return false;
  }
  const list = s.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = list.filter((x) => !isProxyAddress(x));
  if (bad.length) ctx.addIssue({ code: 'custom', message: `must be true, false or a comma list of IP addresses / CIDR ranges (not: ${bad.join(', ')})` });
  return list;
});

/** The environment's variables, one by one (scripts pick the few they need). */
export const configSchema = z.object({
  TELEGRAM_BOT_TOKEN: z.string({ error: 'is required: create a bot with @BotFather in Telegram (https://t.me/BotFather), then put its token here' })
    .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'does not look like a bot token from @BotFather (digits:letters)'),
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
  TELEGRAM_WEBHOOK_URL: optionalUrl,
  TELEGRAM_WEBHOOK_SECRET: z.preprocess((v) => (v === '' ? undefined : v),
    z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1-256 characters of A-Z a-z 0-9 _ -').optional()),
  MONGODB_URI: optionalString,
  DATA_DIR: z.string().default('./data'),
  /** Embedded engine: `normal` survives a killed process; `full` also survives a power loss (an fsync per write). */
  SQLITE_SYNCHRONOUS: z.enum(['normal', 'full']).default('normal'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  /** Behind a reverse proxy: which X-Forwarded-* headers to believe (off: the client address is the peer). */
  TRUST_PROXY: trustProxy,
  PUBLIC_URL: z.url().default('http://localhost:3000').transform((u) => u.replace(/\/+$/, '')),
  STAFF_TELEGRAM_IDS: z.string().default('').transform((s, ctx) => {
    const ids = s.split(',').map((x) => x.trim()).filter(Boolean);
    for (const id of ids) {
      if (!/^\d{1,20}$/.test(id)) ctx.addIssue({ code: 'custom', message: `"${id}" is not a numeric Telegram user id` });
    }
    return ids;
  }),
  DEFAULT_LOCALE: z.enum(LOCALES).default('ro'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Incoming messages allowed per user per second window before the bot ignores them. */
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(40),
  /** Broadcasts' share of the outbound budget, in messages per second (they never exceed the budget either). */
  BROADCAST_RATE_PER_SECOND: z.coerce.number().min(1).max(1000).default(30),
  /** The bot's one outbound budget (replies, notifications and broadcasts together): Telegram's limits. */
  TELEGRAM_MESSAGES_PER_SECOND: z.coerce.number().min(1).max(1000).default(30),
  TELEGRAM_CHAT_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  TELEGRAM_GROUP_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(20),
  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(16, 'must be at least 16 characters').optional()),
  // Messenger (optional channel: enabled when the page token is set).
  MESSENGER_PAGE_ACCESS_TOKEN: optionalString,
  MESSENGER_APP_SECRET: optionalString,
  MESSENGER_VERIFY_TOKEN: optionalString,
  MESSENGER_GRAPH_URL: z.url().default('https://graph.facebook.com').transform((u) => u.replace(/\/+$/, '')),
  MESSENGER_GRAPH_VERSION: z.string().regex(/^v\d+\.\d+$/, 'must look like v21.0').default('v21.0'),
  /** 32-byte key (hex or base64) for encrypting stored secrets such as catalog tokens. */
  SECRETS_KEY: optionalString,
  /** Score points added to Latvia↔Moldova cooperation matches (0 = no preference). */
  MATCH_CROSS_BORDER_BOOST: z.coerce.number().min(0).max(100).default(10),
  /**
   * Several bot instances on one store (docs/SCALING.md): leases and the change feed keep them one bot. Every
   * instance of a deployment must have it.
   */
  STORE_SHARED: z.enum(['0', '1', 'false', 'true', '']).default('0').transform((v) => v === '1' || v === 'true'),
  /** `job=cron;job=cron`: other schedules for named scheduler jobs (node-cron; 6 fields for seconds). */
  JOB_SCHEDULES: z.string().default('').transform((raw, ctx) => {
    const out: Record<string, string> = {};
    for (const part of raw.split(';').map((p) => p.trim()).filter(Boolean)) {
      const eq = part.indexOf('=');
      if (eq <= 0) {
        ctx.addIssue({ code: 'custom', message: `entry "${part}" is not job=cron` });
        continue;
      }
      out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
    return out;
  }),
});

export type Config = z.output<typeof configSchema>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Configuration is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment (e.g. process.env after dotenv); throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  const problems = result.success ? [] : result.error.issues.map((i) => `${i.path.join('.') || 'environment'} ${i.message}`);
  // Cross-variable rules, checked on the raw values so they are reported together with the others.
  const set = (k: string) => !!env[k] && env[k] !== '';
  if (set('TELEGRAM_WEBHOOK_URL') && !set('TELEGRAM_WEBHOOK_SECRET')) {
    problems.push('TELEGRAM_WEBHOOK_SECRET is required when TELEGRAM_WEBHOOK_URL is set');
  }
  if (set('MESSENGER_PAGE_ACCESS_TOKEN') && (!set('MESSENGER_APP_SECRET') || !set('MESSENGER_VERIFY_TOKEN'))) {
    problems.push('MESSENGER_APP_SECRET and MESSENGER_VERIFY_TOKEN are required when MESSENGER_PAGE_ACCESS_TOKEN is set');
  }
  if (set('SECRETS_KEY') && !parseSecretsKey(env.SECRETS_KEY!)) {
    problems.push('SECRETS_KEY must be 32 bytes, as 64 hex characters or base64 (e.g. `openssl rand -hex 32`)');
  }
  if (problems.length || !result.success) throw new ConfigError(problems);
  return result.data;
}

/**
 * Settings that are valid but probably not what the operator wants (logged as warnings at start): a real bot
 * token with PUBLIC_URL still on this machine — links in messages (business pages, posters, the catalog feed)
 * would point at localhost, which nobody else can open and Telegram refuses as a URL button.
 */
export function configWarnings(c: Pick<Config, 'PUBLIC_URL' | 'TELEGRAM_API_ROOT'>, demo = false): string[] {
  const warnings: string[] = [];
  const host = new URL(c.PUBLIC_URL).hostname;
  const local = host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '[::1]' || host === '0.0.0.0';
  if (!demo && local && new URL(c.TELEGRAM_API_ROOT).hostname === 'api.telegram.org') {
    warnings.push(`PUBLIC_URL is ${c.PUBLIC_URL}: links the bot sends (business pages, posters, the catalog feed) point at this machine, and Telegram refuses URL buttons to it. Set PUBLIC_URL to the address people reach the bot's web pages at.`);
  }
  return warnings;
}
