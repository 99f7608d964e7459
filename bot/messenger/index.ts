/**
 * The Messenger channel: webhook plugin for the HTTP server, the Send API client, the customer flow and
 * the notifier (registered as the 'messenger' route). Enabled when MESSENGER_PAGE_ACCESS_TOKEN is set.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../../services/app.js';
import { Intake, type SharedIntake } from '../../services/intake/intake.js';
import type { Metrics } from '../../services/metrics.js';
import type { Config } from '../config.js';
import { eventKey, MessengerFlow } from './flow.js';
import { MessengerNotifier } from './notifier.js';
import { SendApi } from './send-api.js';
import { messengerWebhook, type MessagingEvent } from './webhook.js';

export const MESSENGER_WEBHOOK_PATH = '/messenger/webhook';

export interface MessengerChannel {
  plugin: FastifyPluginAsync;
  api: SendApi;
  flow: MessengerFlow;
  notifier: MessengerNotifier;
  /** Stored events, handled one at a time per person (PSID), different people in parallel. */
  intake: Intake;
  /** Queues the events stored but not handled before a restart (call once at start). */
  recover(): Promise<number>;
  /** Resolves when every event received so far has been handled (clean shutdown, tests). */
  idle(): Promise<void>;
}

type MessengerConfig = Pick<Config, 'MESSENGER_PAGE_ACCESS_TOKEN' | 'MESSENGER_APP_SECRET' | 'MESSENGER_VERIFY_TOKEN' | 'MESSENGER_GRAPH_URL' | 'MESSENGER_GRAPH_VERSION' | 'PUBLIC_URL'>;

export function createMessenger(config: MessengerConfig, services: Services, opts: { backoffMs?: number; metrics?: Metrics; shared?: SharedIntake } = {}): MessengerChannel {
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
  const intake = new Intake(services.inbox, {
    channel: 'messenger',
    shared: opts.shared,
    log,
    keyOf: (ev) => (ev as MessagingEvent).sender?.id ?? 'none',
    handle: (ev) => flow.handle(ev as MessagingEvent),
    observe(ev, seconds) {
      opts.metrics?.updates.inc({ channel: 'messenger', type: (ev as MessagingEvent).postback ? 'postback' : 'message' });
      opts.metrics?.replyLatency.observe({ channel: 'messenger' }, seconds);
    },
  });
  // Arrival order within one process; Meta's own timestamps are per sender and may tie.
  let seq = Date.now() * 1000;
  const plugin = messengerWebhook({
    path: MESSENGER_WEBHOOK_PATH,
    verifyToken: config.MESSENGER_VERIFY_TOKEN!,
    appSecret: config.MESSENGER_APP_SECRET!,
    log,
    // The mid is the key: a redelivered event is stored once and handled once.
    accept: async (events) => void (await intake.accept(events.map((ev) => ({ id: eventKey(ev), seq: ++seq, payload: ev })))),
  });
  return {
    plugin,
    api,
    flow,
    notifier,
    intake,
    recover: () => intake.recover(),
    idle: () => intake.idle(),
  };
}
