/**
 * The plain welcome message for servers without the gate. Servers whose gate is on and set
 * up are skipped: the gate welcomes its own applicants.
 */
import { z } from 'zod';
import type { GatewayGuildMemberAddDispatchData } from 'discord-api-types/v10';
import type { EventContext } from '../../core/context';
import { welcomeSettingsSchema, WELCOME_SETTINGS_KEY } from './config';

const GATE = 'gate';
/** Any saved settings object: only its presence is read, never its shape (that is the gate's). */
const anySettings = z.record(z.string(), z.unknown());

/**
 * Whether the gate handles joins in this guild: the gate feature is registered, its module
 * is on (flag, or its default), and the guild has saved gate settings (`/gate setup`).
 */
export async function gateHandlesJoins(ctx: EventContext): Promise<boolean> {
  const gate = ctx.registry.features.find((f) => f.name === GATE);
  if (!gate) return false;
  if (!(await ctx.config.moduleEnabled(GATE, gate.enabledByDefault ?? true))) return false;
  const saved = await ctx.config.settings(GATE, anySettings);
  return Object.keys(saved).length > 0;
}

/** Posts the welcome message for a new member, if the guild maps a `welcome` channel. */
export async function welcomeMember(ctx: EventContext, member: GatewayGuildMemberAddDispatchData): Promise<void> {
  const user = member.user;
  if (!user || user.bot) return;
  const channelId = await ctx.config.channel('welcome');
  if (!channelId) return;
  if (await gateHandlesJoins(ctx)) return;
  const { message } = await ctx.config.settings(WELCOME_SETTINGS_KEY, welcomeSettingsSchema);
  await ctx.discord.channels.createMessage(channelId, {
    content: message.replaceAll('{user}', `<@${user.id}>`),
    // Ping the newcomer, nobody else.
    allowed_mentions: { parse: [], users: [user.id] },
  });
}
