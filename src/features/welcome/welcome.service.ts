/**
 * The plain welcome message for servers without the gate. Servers whose gate is on and set
 * up are skipped: the gate welcomes its own applicants.
 */
import type { GatewayGuildMemberAddDispatchData } from 'discord-api-types/v10';
import type { EventContext } from '../../core/context';
import { messageNonce } from '../../discord/nonce';
import { gateHandlesJoins } from '../gate/public';
import { welcomeSettingsSchema, WELCOME_SETTINGS_KEY } from './config';

/**
 * Posts the welcome message for a new member, if the guild maps a `welcome` channel. The
 * event may be delivered again (at least once); the post's nonce, derived from the event's
 * source id, makes Discord return the first welcome instead of posting a second.
 */
export async function welcomeMember(ctx: EventContext<'guild'>, member: GatewayGuildMemberAddDispatchData): Promise<void> {
  const user = member.user;
  if (!user || user.bot) return;
  const channelId = await ctx.config.channel('welcome');
  if (!channelId) return;
  if (await gateHandlesJoins(ctx.config)) return;
  const { message } = await ctx.config.settings(WELCOME_SETTINGS_KEY, welcomeSettingsSchema);
  await ctx.discord.channels.createMessage(channelId, {
    nonce: await messageNonce('welcome.welcome-member', ctx.sourceId),
    enforce_nonce: true,
    content: message.replaceAll('{user}', `<@${user.id}>`),
    // Ping the newcomer, nobody else.
    allowed_mentions: { parse: [], users: [user.id] },
  });
}
