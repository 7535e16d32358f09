/**
 * A guild with a run catalog for the runs tests: the world of `guildWorld`, activities in the
 * catalog, and helpers to start a run, find its panel and wait for the panel to show something.
 */
import type { APIEmbed, APIMessage } from 'discord-api-types/v10';
import { GuildConfig } from '../../core/guild-config.repo';
import { getDb } from '../../db/client';
import { guildWorld, type GuildWorld, type Person } from '../../testing/guild-world';
import { user as makeUser } from '../../testing/interactions';
import { snowflake } from '../../testing/snowflake';
import { CATALOG_KEY, catalogSchema, type activitySchema } from './catalog';
import { RUNS_KEY, runsSettingsSchema } from './config';
import type * as z from 'zod';

/** The test catalog: a raid with limited classes, a plain event, and a small one with no waitlist. */
export const TEST_ACTIVITIES: z.input<typeof activitySchema>[] = [
  {
    name: 'Raid',
    emoji: '⚔️',
    classes: [
      { name: 'Tank', emoji: '🛡️', limit: 2 },
      { name: 'Healer', emoji: '💚' },
      { name: 'DPS', emoji: '🗡️' },
    ],
    cap: 150,
    durationMin: 90,
    weight: 150,
  },
  { name: 'Event', emoji: '📅', cap: 50, durationMin: 60, weight: 25, remindMin: 15 },
  { name: 'Trio', cap: 3, durationMin: 30, weight: 100, waitlist: false, tempRole: true },
];

/** What a runs test acts in. */
export interface RunsWorld extends GuildWorld {
  /** Starts a run as `who` and returns its panel message and id. */
  start(who: Person, activity: string, extra?: Record<string, string | number>): Promise<{ panel: APIMessage; runId: string; controls: APIMessage }>;
  /** The panel message as the fake has it now. */
  panel(messageId: string): Promise<APIMessage>;
  /** Waits until the panel's embed satisfies `test`. */
  panelWhen(messageId: string, test: (embed: APIEmbed) => boolean, what: string, timeoutMs?: number): Promise<APIEmbed>;
  /** A plain person (not a fake member: interactions need no membership). */
  stranger(): Person;
}

/** Builds the world: catalog loaded, helpers organize (the default level). */
export async function runsWorld(): Promise<RunsWorld> {
  const w = await guildWorld();
  const config = new GuildConfig(getDb(w.env), w.g.guildId);
  await config.setSettings(w.g.ownerId, CATALOG_KEY, catalogSchema.parse({ activities: TEST_ACTIVITIES }));
  await config.setSettings(w.g.ownerId, RUNS_KEY, runsSettingsSchema.parse({}));
  const general = w.g.channels.general!;
  const panel = async (messageId: string) => {
    const found = (await w.fake.messages(general)).find((m) => m.id === messageId);
    if (!found) throw new Error(`panel ${messageId} not found`);
    return found;
  };
  return {
    ...w,
    async start(who, activity, extra = {}) {
      const before = new Set((await w.fake.messages(general)).map((m) => m.id));
      const out = await w.run(who, 'run', { activity, ...extra }, extra.when ? 'schedule' : 'start');
      const posted = (await w.fake.messages(general)).filter((m) => !before.has(m.id));
      if (posted.length !== 1) throw new Error(`expected one panel, got ${posted.length}: ${out.content}`);
      const first = (posted[0]!.components?.[0] as { components: { custom_id: string }[] }).components[0]!.custom_id;
      return { panel: posted[0]!, runId: first.split(':')[1]!, controls: out.message as APIMessage };
    },
    panel,
    async panelWhen(messageId, test, what, timeoutMs = 8_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const embed = (await panel(messageId)).embeds[0]!;
        if (test(embed)) return embed;
        if (Date.now() > deadline) throw new Error(`panel never showed ${what}: ${JSON.stringify(embed).slice(0, 600)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stranger: () => ({ user: makeUser({ id: snowflake() }), roles: [], permissions: '0' }),
  };
}
