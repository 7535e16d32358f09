/**
 * The bot Worker (wrangler.toml) and the web Worker (workers/web/wrangler.toml) run the same
 * code against the same database: the web Worker's vars must equal the bot's, and every
 * binding it has must be one the bot has too (same name, same resource), since the code
 * is typed against the bot's `Env`.
 */
import { describe, expect, it } from 'vitest';
import { unstable_readConfig } from 'wrangler';

type D1 = { binding: string; database_id?: string; database_name?: string };
type DurableObjectBinding = { name: string; class_name: string; script_name?: string };
const bot = unstable_readConfig({ config: 'wrangler.toml' });
const web = unstable_readConfig({ config: 'workers/web/wrangler.toml' });
const d1 = (config: typeof bot): D1[] => config.d1_databases as D1[];
const objects = (config: typeof bot): DurableObjectBinding[] => config.durable_objects.bindings as DurableObjectBinding[];

describe('the web Worker configuration', () => {
  it('has the bot Worker’s vars, exactly', () => {
    expect(web.vars).toEqual(bot.vars);
  });

  it('binds the same D1 database, R2 buckets and queues as the bot Worker', () => {
    expect(d1(web).map(({ binding, database_id, database_name }) => ({ binding, database_id, database_name }))).toEqual(
      d1(bot).map(({ binding, database_id, database_name }) => ({ binding, database_id, database_name })),
    );
    for (const bucket of web.r2_buckets) expect(bot.r2_buckets).toContainEqual(expect.objectContaining({ binding: bucket.binding, bucket_name: bucket.bucket_name }));
    for (const producer of web.queues.producers ?? []) expect(bot.queues.producers).toContainEqual(expect.objectContaining({ binding: producer.binding, queue: producer.queue }));
    // The web Worker consumes only the webhook deliveries; the bot Worker every other queue.
    expect((web.queues.consumers ?? []).map((c: { queue: string }) => c.queue)).toEqual(['gatehouse-webhooks']);
    expect((bot.queues.consumers ?? []).map((c: { queue: string }) => c.queue)).not.toContain('gatehouse-webhooks');
    expect(web.triggers.crons ?? []).toEqual([]);
  });

  it('binds every Durable Object of the bot Worker, by script_name, and the bot Worker itself', () => {
    const bots = objects(bot).map(({ name, class_name }) => ({ name, class_name, script_name: bot.name }));
    expect(objects(web).map(({ name, class_name, script_name }) => ({ name, class_name, script_name }))).toEqual(bots);
    expect(web.services).toEqual([expect.objectContaining({ binding: 'BOT', service: bot.name, entrypoint: 'BotService' })]);
    expect(web.migrations).toEqual([]);
  });

  it('serves the dashboard’s assets; the bot Worker serves none', () => {
    expect(web.assets?.directory).toMatch(/public$/);
    expect(bot.assets).toBeUndefined();
    expect(web.secrets?.required).toEqual(bot.secrets?.required);
  });
});
