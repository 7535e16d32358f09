/**
 * The levels settings on the dashboard (managers, as `/levels` is for administrators): which
 * XP currency levels follow and its curve, where level-ups are announced, and the level roles
 * (stack or replace). Settings change through `changeLevelsSettings` (as `/levels`), the curve
 * through the economy's `editCurrency` (as `/currency edit`); both audited with before/after.
 * Roles and channels are checked against the server (422 naming the field).
 */
import { ChannelType } from 'discord-api-types/v10';
import * as z from 'zod';
import { defineApiRoute, type AnyApiRoute, type ApiContext } from '../../core/api/define';
import { ApiError } from '../../core/api/errors';
import { guildChannels, guildRoles } from '../../core/api/guild-objects';
import { editCurrency, findCurrency } from '../economy/public';
import { curveSchema } from './curves';
import { curveOf, levelsSettings } from './levels.service';
import { announceModes, levelReward, type LevelsSettings } from './settings';
import { changeLevelsSettings } from './settings.service';

const snowflake = z.string().regex(/^\d{15,21}$/, 'must be a Discord id');

function invalid(fields: Record<string, string>): ApiError {
  return new ApiError(422, 'invalid', 'Some fields are not valid.', { fields });
}

const settingsResponse = z.object({
  currency: z.object({ id: z.string(), name: z.string(), kind: z.string() }).nullable(),
  curve: z.record(z.string(), z.unknown()),
  announce: z.object({ mode: z.enum(announceModes), channelId: z.string().nullable(), template: z.string() }),
  rewards: z.array(z.object({ level: z.number().int(), roleId: z.string(), mode: z.enum(['stack', 'replace']) })),
});

async function view(ctx: ApiContext, settings?: LevelsSettings): Promise<z.input<typeof settingsResponse>> {
  const s = settings ?? (await levelsSettings(ctx.db, ctx.guild));
  const currency = s.currencyId ? await findCurrency(ctx.db, ctx.guild, s.currencyId) : undefined;
  return {
    currency: currency ? { id: currency.id, name: currency.name, kind: currency.kind } : null,
    curve: curveOf(currency?.levelCurve) as unknown as Record<string, unknown>,
    announce: { mode: s.announce.mode, channelId: s.announce.channelId ?? null, template: s.announce.template },
    rewards: s.rewards,
  };
}

/** `GET /levels/settings`. */
export const getLevelsSettingsRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/levels/settings',
  access: 'manager',
  summary: 'The levels settings: XP currency and its curve, announcements, level roles',
  response: settingsResponse,
  handler: async (ctx) => view(ctx),
});

/** `PATCH /levels/settings`: only the keys given change. */
export const levelsSettingsBody = z
  .object({
    /** An XP currency (id or name), as `/levels setup`. */
    currency: z.string().min(1).max(64),
    /** The XP currency's curve (docs/engagement.md, Levels). */
    curve: curveSchema,
    announce: z
      .object({ mode: z.enum(announceModes), channelId: snowflake.nullable().default(null), template: z.string().trim().min(1, 'Write the message.').max(1000) })
      .refine((a) => a.mode !== 'channel' || a.channelId !== null, { message: 'Choose the channel.', path: ['channelId'] }),
    rewards: z
      .array(levelReward)
      .max(50, 'At most 50 level rewards.')
      .superRefine((rewards, issues) => {
        const seen = new Set<string>();
        rewards.forEach((r, i) => {
          const key = `${r.level}:${r.roleId}`;
          if (seen.has(key)) issues.addIssue({ code: 'custom', path: [i, 'roleId'], message: 'This role is already given at this level.' });
          seen.add(key);
        });
      }),
  })
  .partial();

export const updateLevelsSettingsRoute = defineApiRoute({
  method: 'patch',
  path: '/guilds/{guildId}/levels/settings',
  access: 'manager',
  summary: 'Change the levels settings (as /levels setup|announce|reward and the currency’s curve)',
  request: { body: levelsSettingsBody },
  response: settingsResponse,
  handler: async (ctx, { body }) => {
    const problems: Record<string, string> = {};
    let currencyId: string | undefined;
    if (body.currency !== undefined) {
      const c = await findCurrency(ctx.db, ctx.guild, body.currency);
      if (!c) problems.currency = 'There is no such currency.';
      else if (c.kind !== 'xp') problems.currency = `${c.name} is spendable; levels follow an XP currency.`;
      else currencyId = c.id;
    }
    if (body.rewards?.length) {
      const roles = new Map((await guildRoles(ctx)).map((r) => [r.id, r]));
      body.rewards.forEach((r, i) => {
        const role = roles.get(r.roleId);
        if (!role) problems[`rewards.${i}.roleId`] = 'There is no such role in this server.';
        else if (role.managed || role.id === ctx.guild) problems[`rewards.${i}.roleId`] = 'This role cannot be given by a bot.';
      });
    }
    if (body.announce?.channelId) {
      const channel = (await guildChannels(ctx)).find((c) => c.id === body.announce!.channelId);
      if (!channel || (channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement)) problems['announce.channelId'] = 'Choose a text channel of this server.';
    }
    if (Object.keys(problems).length) throw invalid(problems);

    let settings: LevelsSettings | undefined;
    if (currencyId !== undefined || body.announce || body.rewards) {
      settings = await changeLevelsSettings(ctx.config, ctx.user.id, (s) => ({
        ...s,
        ...(currencyId !== undefined ? { currencyId } : {}),
        ...(body.announce ? { announce: { mode: body.announce.mode, template: body.announce.template, ...(body.announce.channelId ? { channelId: body.announce.channelId } : {}) } } : {}),
        ...(body.rewards ? { rewards: [...body.rewards].sort((a, b) => a.level - b.level) } : {}),
      }));
    }
    if (body.curve) {
      const s = settings ?? (await levelsSettings(ctx.db, ctx.guild));
      const c = s.currencyId ? await findCurrency(ctx.db, ctx.guild, s.currencyId) : undefined;
      if (!c) throw invalid({ curve: 'Choose the XP currency levels follow first.' });
      await editCurrency(ctx.db, ctx.config, ctx.user.id, c, { levelCurve: JSON.stringify(body.curve) });
    }
    return view(ctx, settings);
  },
});

/** The levels feature's routes. */
export const levelsApi: AnyApiRoute[] = [getLevelsSettingsRoute, updateLevelsSettingsRoute];
