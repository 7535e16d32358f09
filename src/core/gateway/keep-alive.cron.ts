import { defineCron } from '../define';
import { keepGatewayAlive, startGateway } from './gateway.service';
import { gatewayShards } from './schema';

/** Every minute: wakes every shard (or starts the relay the first time). No Discord call once started. */
export const gatewayKeepAliveCron = defineCron({
  name: 'gateway-keep-alive',
  schedule: '* * * * *',
  handler: async (ctx) => {
    await keepGatewayAlive(ctx.env);
  },
});

/** Hourly: asks Discord for the shard plan again (once started), so a changed shard count takes effect. */
export const gatewayReplanCron = defineCron({
  name: 'gateway-replan',
  schedule: '0 * * * *',
  handler: async (ctx) => {
    const [started] = await ctx.db.select({ name: gatewayShards.name }).from(gatewayShards).limit(1);
    if (started) await startGateway(ctx.env, { discord: ctx.discord });
  },
});
