/**
 * The web Worker: what browsers and calendar apps call. It serves the dashboard's pages
 * (static assets from `public/`), the JSON API under `/api` (`src/core/api`, the features'
 * routes from `src/features/api.ts`) and the `.ics` feeds under `/calendar`. The bot Worker
 * (workers/bot) carries none of that code, so the Worker Discord calls stays small
 * (docs/performance.md, "The bot bundle").
 *
 * It is also a front door: `/interactions` and `/health` go on to the bot Worker through the
 * `BOT` service binding (one origin for a deployment that wants one, and the emulator's
 * `wrangler dev`, which serves only its first Worker over HTTP). Production should point the
 * Interactions Endpoint URL at the bot Worker itself, which skips this hop.
 *
 * Durable Objects, crons and the EVENTS consumer live in the bot Worker (this one consumes only
 * the outgoing webhook deliveries); this one binds its Durable
 * Objects by `script_name` (workers/web/wrangler.toml), so the bot Worker deploys first.
 */
import { Hono } from 'hono';
import { createApiApp } from '../../src/core/api/app';
import { appConfig } from '../../src/core/env';
import { isInteractionRequest } from '../../src/core/app';
import { errorRef } from '../../src/core/errors';
import { Registry } from '../../src/core/registry';
import { features } from '../../src/features';
import { featureApis } from '../../src/features/api';
import { calendarRoutes } from '../../src/features/runs/calendar';
import { consumeWebhooks, WEBHOOKS_QUEUE } from '../../src/features/webhooks/public';
import { VERSION } from '../../src/version';

/** What the bot Worker's `BotService` entrypoint offers over the service binding. */
export interface BotService {
  fetch(request: Request): Promise<Response>;
  runCron(cron: string, scheduledTime: number): Promise<void>;
}

/** The web Worker's bindings: the bot Worker's, less its consumers and triggers, plus `BOT`. */
export type WebEnv = Env & { BOT: BotService };

/** Built once per isolate: the features with their API routes. */
export const registry = new Registry(features, featureApis);

const app = new Hono<{ Bindings: WebEnv }>();
app.route('/api', createApiApp({ registry, version: VERSION }));
app.route('/', calendarRoutes());
const toBot = (c: { env: WebEnv; req: { raw: Request } }) => c.env.BOT.fetch(c.req.raw);
app.all('/health', toBot);
app.all('/health/*', toBot);
app.onError((error, c) => {
  const ref = errorRef();
  console.error(JSON.stringify({ msg: 'unhandled request error', ref, path: c.req.path, error: String(error), stack: error.stack }));
  return c.json({ error: 'internal', message: `Something went wrong (ref ${ref}).`, ref }, 500);
});

export default {
  fetch: (request, env, ctx) => (isInteractionRequest(request) ? env.BOT.fetch(request) : app.fetch(request, env, ctx)),
  // Production gives this Worker no cron triggers (they are the bot Worker's). `wrangler dev`
  // fires `/__scheduled` on its first Worker, which is this one in the emulator: pass it on.
  scheduled: async (controller, env) => {
    await env.BOT.runCron(controller.cron, controller.scheduledTime);
  },
  // Outgoing webhook deliveries (signing and sending, src/features/webhooks): nothing Discord
  // calls needs that code, so it lives here rather than in the bot Worker.
  queue: async (batch, env, ctx) => {
    appConfig(env);
    if (batch.queue !== WEBHOOKS_QUEUE) throw new Error(`the web Worker consumes ${WEBHOOKS_QUEUE} only, not ${batch.queue}`);
    await consumeWebhooks(batch, env, ctx);
  },
} satisfies ExportedHandler<WebEnv>;
