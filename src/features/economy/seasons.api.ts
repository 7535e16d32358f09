/**
 * Seasons and milestones on the dashboard: the seasons (staff), a season's boards (frozen once
 * rolled), rolling (managers, as `/season roll`), milestones listed and created (managers, as
 * `/milestone create`). Changes go through `manage.service.ts`, audited.
 */
import * as z from 'zod';
import { defineApiRoute } from '../../core/api/define';
import { ApiError } from '../../core/api/errors';
import { boardSchema, service, snowflake } from './api.schemas';
import { currentSeason, GuildCurrencies } from './currencies.repo';
import { PAGE_SIZE, readBoard } from './leaderboard.service';
import { createMilestone, rollSeasonAudited } from './manage.service';
import { GuildMilestones } from './milestones.service';
import { seasonSchedules } from './schema';
import { findSeason, listSeasons } from './seasons.service';
import { eq } from 'drizzle-orm';

const seasonSchema = z.object({ number: z.number().int(), startedAt: z.number(), startedBy: z.string().nullable(), endedAt: z.number().nullable(), endedBy: z.string().nullable() });

/** `GET /economy/seasons`: newest first, the open one, and the automatic schedule. */
export const listSeasonsRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/economy/seasons',
  keyScope: 'economy:read',
  access: 'helper',
  summary: "The server's seasons (newest first), the open one and the roll schedule",
  response: z.object({ current: z.number().int(), seasons: z.array(seasonSchema), schedule: z.object({ everyDays: z.number().int(), nextRollAt: z.number() }).nullable() }),
  handler: async (ctx) => {
    const [current, seasons, schedule] = await Promise.all([
      currentSeason(ctx.db, ctx.guild),
      listSeasons(ctx.db, ctx.guild),
      ctx.db.select({ everyDays: seasonSchedules.everyDays, nextRollAt: seasonSchedules.nextRollAt }).from(seasonSchedules).where(eq(seasonSchedules.guildId, ctx.guild)),
    ]);
    return { current, seasons, schedule: schedule[0] ?? null };
  },
});

/** `GET /economy/seasons/{number}`: the season and the first page of each seasonal currency's board (final once rolled). */
export const showSeasonRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/economy/seasons/{number}',
  keyScope: 'economy:read',
  access: 'helper',
  summary: "A season and each seasonal currency's board in it (frozen once the season is rolled), with your rank",
  request: { params: z.object({ number: z.coerce.number().int().min(1).max(1_000_000) }) },
  response: z.object({ season: seasonSchema, boards: z.array(boardSchema.extend({ name: z.string(), emoji: z.string().nullable() })) }),
  handler: async (ctx, { params }) => {
    const season = await findSeason(ctx.db, ctx.guild, params.number);
    if (!season) throw new ApiError(404, 'unknown_season', `There is no season ${params.number}.`);
    const seasonal = (await new GuildCurrencies(ctx.db, ctx.guild).list()).filter((c) => c.seasonal);
    const boards = await Promise.all(
      seasonal.map(async (c) => {
        const board = await readBoard(ctx.db, { guildId: ctx.guild, currencyId: c.id, season: params.number }, 0, ctx.user.id);
        return { currencyId: c.id, name: c.name, emoji: c.emoji, season: params.number, page: 0, pages: Math.max(1, Math.ceil(board.entries / PAGE_SIZE)), member: ctx.user.id, ...board };
      }),
    );
    return { season, boards };
  },
});

/** `POST /economy/seasons/roll`: `{ season }` names the open season (a second click, or a stale page, gets 409). */
export const rollSeasonRoute = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/economy/seasons/roll',
  access: 'manager',
  summary: 'End the open season (its boards are frozen) and start the next, as /season roll',
  request: { body: z.object({ season: z.number().int().min(1) }) },
  response: z.object({ ended: z.number().int(), started: z.number().int(), currencyIds: z.array(z.string()) }),
  handler: async (ctx, { body }) => {
    const open = await currentSeason(ctx.db, ctx.guild);
    if (open !== body.season) throw new ApiError(409, 'season_changed', `Season ${body.season} is not the open season any more (it is ${open}): reload the page.`);
    return service(() => rollSeasonAudited(ctx.db, ctx.config, ctx.user.id));
  },
});

const milestoneSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(['wallet', 'events']),
  currencyId: z.string().nullable(),
  eventType: z.string().nullable(),
  threshold: z.number(),
  roleId: z.string().nullable(),
  rewardCurrencyId: z.string().nullable(),
  rewardAmount: z.number().nullable(),
  announceChannelId: z.string().nullable(),
  createdAt: z.number(),
});

/** `GET /economy/milestones`. */
export const listMilestonesRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/economy/milestones',
  keyScope: 'economy:read',
  access: 'helper',
  summary: "The server's milestones and how many members reached each",
  response: z.object({ milestones: z.array(milestoneSchema.extend({ awarded: z.number().int() })) }),
  handler: async (ctx) => ({ milestones: await new GuildMilestones(ctx.db, ctx.guild).list() }),
});

/** `POST /economy/milestones`: as `/milestone create`. */
export const createMilestoneRoute = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/economy/milestones',
  access: 'manager',
  summary: 'Create a milestone on a balance (currency) or on a count of messages (no currency)',
  status: 201,
  request: {
    body: z.object({
      name: z.string().trim().min(1, 'Name it.').max(32),
      threshold: z.number().int().min(1).max(1_000_000_000_000),
      currency: z.string().max(64).nullable().default(null),
      roleId: snowflake.nullable().default(null),
      rewardCurrency: z.string().max(64).nullable().default(null),
      rewardAmount: z.number().int().min(1).max(1_000_000_000).nullable().default(null),
      channelId: snowflake.nullable().default(null),
    }),
  },
  response: milestoneSchema,
  handler: async (ctx, { body }) => (await service(() => createMilestone(ctx.db, ctx.config, ctx.user.id, body))).row,
});
