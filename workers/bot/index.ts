/**
 * The bot Worker: what Discord and the platform call. Interactions and health over HTTP,
 * cron schedulers, the EVENTS queue consumer, and every Durable Object (gateway relay, runs,
 * modmail tickets). The dashboard, its API and the calendar feeds are the web Worker's
 * (workers/web), which reaches this one through the `BotService` entrypoint. The
 * configuration is parsed once per isolate (src/core/env.ts); while it is bad every entry
 * point reports the same error.
 */
import { WorkerEntrypoint } from 'cloudflare:workers';
import { ApiKeyQuota } from '../../src/core/api/quota.object';
import { createApp, handleInteractionRequest, isInteractionRequest } from '../../src/core/app';
import { appConfig } from '../../src/core/env';
import { consumeEvents } from '../../src/core/events';
import { Registry } from '../../src/core/registry';
import { Router } from '../../src/core/router';
import { runCrons } from '../../src/core/scheduler';
import { gatewayStatus } from '../../src/core/gateway/gateway.service';
import { GatewayRelay } from '../../src/discord/gateway/relay';
import { features } from '../../src/features';
import { RunObject } from '../../src/features/runs/run.object';
import { ModmailTicket } from '../../src/features/modmail/ticket.object';
import { VERSION } from '../../src/version';

/** Built once per isolate from the feature list (without their API routes: the web Worker's). */
export const registry = new Registry(features);
GatewayRelay.forward(registry.forwardedTypes());
const router = new Router(registry);
const app = createApp({
  router,
  version: VERSION,
  health: { gateway: async (env) => ({ ...(await gatewayStatus(env)) }) },
});

const handler = {
  // The interactions endpoint is the hot path: straight to its handler, the rest through Hono.
  fetch: (request, env, ctx) => (isInteractionRequest(request) ? handleInteractionRequest(request, env, ctx, router) : app.fetch(request, env, ctx)),
  // A bad configuration (src/core/env.ts) fails the run, visibly, rather than acting on defaults.
  scheduled: async (controller, env, ctx) => {
    appConfig(env);
    await runCrons(registry, controller, env, ctx);
  },
  queue: async (batch, env, ctx) => {
    appConfig(env);
    await consumeEvents(registry, batch, env, ctx);
  },
} satisfies ExportedHandler<Env>;
export default handler;

/**
 * What the web Worker calls over its `BOT` service binding: the same HTTP surface, and the
 * crons (only `wrangler dev` fires them there, the emulator's first Worker being the web one).
 * RPC methods are not reachable from the internet.
 */
export class BotService extends WorkerEntrypoint<Env> {
  override fetch(request: Request): Promise<Response> {
    return Promise.resolve(handler.fetch(request as Request<unknown, IncomingRequestCfProperties>, this.env, this.ctx));
  }

  async runCron(cron: string, scheduledTime: number): Promise<void> {
    await handler.scheduled({ cron, scheduledTime, noRetry: () => {} }, this.env, this.ctx);
  }
}

export { GatewayRelay, ModmailTicket, RunObject };
export { ApiKeyQuota };
