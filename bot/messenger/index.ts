/**
 * The Messenger channel: webhook plugin for the HTTP server, the Send API client, the customer flow and
 * the notifier (registered as the 'messenger' route). Enabled when MESSENGER_PAGE_ACCESS_TOKEN is set.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services/app.js';
import type { Config } from '../config.js';
import { MessengerFlow } from './flow.js';
import { MessengerNotifier } from './notifier.js';
import { SendApi } from './send-api.js';
import { messengerWebhook } from './webhook.js';

export const MESSENGER_WEBHOOK_PATH = '/messenger/webhook';

export interface MessengerChannel {
  plugin: FastifyPluginAsync;
  api: SendApi;
  flow: MessengerFlow;
  notifier: MessengerNotifier;
  /** Resolves when every event received so far has been handled (clean shutdown, tests). */
  idle(): Promise<void>;
}

type MessengerConfig = Pick<Config, 'MESSENGER_PAGE_ACCESS_TOKEN' | 'MESSENGER_APP_SECRET' | 'MESSENGER_VERIFY_TOKEN' | 'MESSENGER_GRAPH_URL' | 'MESSENGER_GRAPH_VERSION' | 'PUBLIC_URL'>;

export function createMessenger(config: MessengerConfig, services: Services, opts: { backoffMs?: number } = {}): MessengerChannel {
  const log = services.log.child({ module: 'messenger' });
  const api = new SendApi({
    graphUrl: config.MESSENGER_GRAPH_URL,
    graphVersion: config.MESSENGER_GRAPH_VERSION,
    pageAccessToken: config.MESSENGER_PAGE_ACCESS_TOKEN!,
    log,
    backoffMs: opts.backoffMs,
  });
  const flow = new MessengerFlow({ services, api, publicUrl: config.PUBLIC_URL });
  const notifier = new MessengerNotifier({ api, clock: services.clock, publicUrl: config.PUBLIC_URL, onUnreachable: (u) => services.users.markUnreachable(u._id) });
  services.notifier.route('messenger', notifier);
  const inFlight = new Set<Promise<void>>();
  const plugin = messengerWebhook({
    path: MESSENGER_WEBHOOK_PATH,
    verifyToken: config.MESSENGER_VERIFY_TOKEN!,
    appSecret: config.MESSENGER_APP_SECRET!,
    log,
    onEvent: (ev) => {
      const p = flow.handle(ev).finally(() => inFlight.delete(p));
      inFlight.add(p);
      return p;
    },
  });
  return {
    plugin,
    api,
    flow,
    notifier,
    async idle() {
      // setImmediate hands events over after the 200: let those land first.
      await new Promise((r) => setImmediate(r));
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
  };
}
