/**
 * Staff decisions and their side effects. The conditional UPDATE in the repository decides
 * who won a transition; only the winner reaches the side effects here. A role grant or kick
 * that Discord refuses reverts the decision (conditionally again) and offers a retry.
 *
 * The side effects run in a `ReviewScope`: the guild, the reviewer, and where the reviewer
 * hears about problems (a button's ephemeral follow-up, or the dashboard's response), so the
 * review buttons and the dashboard's API share one implementation.
 */
import { emitInternal } from '../../core/internal-events';
import type { Registry } from '../../core/registry';
import { ButtonStyle, ComponentType, PermissionFlagsBits, type APIActionRowComponent, type APIButtonComponent, type APIGuild, type APIGuildMember } from 'discord-api-types/v10';
import type { BaseContext, InteractionContext, MessageData, Reply } from '../../core/context';
import type { GuildConfig } from '../../core/guild-config.repo';
import { encodeCustomId } from '../../core/custom-id';
import { UserError } from '../../core/errors';
import { levelRank } from '../../core/staff';
import { DiscordApiError, RateLimitedError, describeDiscordError } from '../../discord';
import { highestPosition, memberPermissions } from '../../discord/permissions';
import { ApplicationsRepo, type Actor, type Decision } from './applications.repo';
import { readGateSettings, renderTemplate, type GateSettings } from './config';
import { reviewCard } from './review-card';
import type { GateApplicationRow } from './schema';
import { closeTicketFor } from '../modmail/public';

const DECISION_VERBS: Record<Decision, string> = {
  accepted: 'accepted',
  rejected: 'rejected',
  kicked: 'kicked',
  blocked: 'permanently rejected',
};

/** A private message to the reviewer: content and, for a failed accept, the retry button. */
export type ReviewNotice = Pick<MessageData, 'content' | 'components'> & { content: string };

/** Where a decision's side effects run: the guild, the reviewer, and how the reviewer is told things. */
export interface ReviewScope extends BaseContext {
  /** The feature registry: internal events (`application_accepted`) go through it. */
  registry: Registry;
  guild: string;
  config: GuildConfig;
  user: { id: string; username: string };
  /** Tells the reviewer something privately (a button: an ephemeral follow-up). */
  notify(notice: ReviewNotice): Promise<unknown>;
}

/** What a review scope is built from: an interaction's or the dashboard API's context. */
type ScopeSource = Omit<ReviewScope, 'notify' | 'waitUntil' | 'user'> & {
  user: { id: string; username: string };
  waitUntil(promise: Promise<unknown>): void;
};

/** A review scope over `ctx`, telling the reviewer things through `notify`. */
export function reviewScope(ctx: ScopeSource, notify: ReviewScope['notify']): ReviewScope {
  return {
    env: ctx.env,
    db: ctx.db,
    discord: ctx.discord,
    waitUntil: (p) => ctx.waitUntil(p),
    registry: ctx.registry,
    guild: ctx.guild,
    config: ctx.config,
    user: { id: ctx.user.id, username: ctx.user.username },
    notify,
  };
}

/** The review scope of an interaction: notices are ephemeral follow-ups. */
export function interactionScope(ctx: InteractionContext): ReviewScope {
  return reviewScope(ctx, (notice) => ctx.followUp({ ...notice, ephemeral: true }));
}

/** The acting reviewer of an interaction. */
export async function actorOf(ctx: InteractionContext): Promise<Actor> {
  return { userId: ctx.user.id, rank: levelRank(await ctx.level()) };
}

/** Parses an application id from a `custom_id` argument. */
export function parseApplicationId(raw: string | undefined): number {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new UserError('bad_application', 'That application does not exist.');
  return id;
}

/** Re-renders an application's card in place (no-op when it has none). */
export async function refreshCard(ctx: BaseContext, app: GateApplicationRow): Promise<void> {
  if (!app.cardChannelId || !app.cardMessageId) return;
  await ctx.discord.channels.editMessage(app.cardChannelId, app.cardMessageId, reviewCard(app));
}

/** Why a transition did not happen: `quiet` for a repeat of the actor's own action (a double click). */
export interface Loss {
  quiet: boolean;
  code: string;
  message: string;
}

/**
 * Explains, from an application's current state, why `actorId`'s transition to `wanted`
 * did not happen. A repeat of the same action by the same reviewer is `quiet`.
 */
export function lossOf(app: GateApplicationRow, actorId: string, wanted: Decision | 'claimed' | 'pending'): Loss {
  if (app.status === wanted && (app.decidedBy === actorId || (wanted === 'claimed' && app.claimedBy === actorId) || wanted === 'pending')) {
    return { quiet: true, code: 'already_done', message: `Application #${app.id} is already ${wanted === 'claimed' ? 'claimed by you' : wanted}.` };
  }
  if (app.status === 'claimed') {
    return { quiet: false, code: 'claimed_by_other', message: `<@${app.claimedBy}> has claimed application #${app.id}. Only staff above their level can act on it.` };
  }
  if (app.status === 'pending') return { quiet: false, code: 'not_claimed', message: `Application #${app.id} is not claimed.` };
  return { quiet: false, code: 'already_decided', message: `Application #${app.id} was already ${DECISION_VERBS[app.status]} by <@${app.decidedBy}>.` };
}

/**
 * Explains why a transition did not happen, from the application's current state. A repeat
 * of the same action by the same reviewer (a double click) is answered quietly.
 */
export async function explainLoss(ctx: InteractionContext, repo: ApplicationsRepo, id: number, wanted: Decision | 'claimed' | 'pending'): Promise<Reply> {
  const app = await repo.get(id);
  if (!app) throw new UserError('unknown_application', 'That application no longer exists.');
  const loss = lossOf(app, ctx.user.id, wanted);
  if (loss.quiet) return ctx.reply({ content: loss.message, ephemeral: true });
  throw new UserError(loss.code, loss.message);
}

/** Refuses early (before a reason modal opens) when the actor cannot decide on `app`. */
export async function assertCanDecide(ctx: InteractionContext, repo: ApplicationsRepo, id: number): Promise<GateApplicationRow> {
  const app = await repo.get(id);
  if (!app) throw new UserError('unknown_application', 'That application no longer exists.');
  if (app.status !== 'pending' && app.status !== 'claimed') {
    throw new UserError('already_decided', `Application #${app.id} was already ${DECISION_VERBS[app.status]} by <@${app.decidedBy}>.`);
  }
  const actor = await actorOf(ctx);
  if (app.status === 'claimed' && app.claimedBy !== actor.userId && (app.claimedRank ?? 0) >= actor.rank) {
    throw new UserError('claimed_by_other', `<@${app.claimedBy}> has claimed application #${app.id}. Only staff above their level can act on it.`);
  }
  return app;
}

function retryRow(app: GateApplicationRow): APIActionRowComponent<APIButtonComponent> {
  return {
    type: ComponentType.ActionRow,
    components: [{ type: ComponentType.Button, style: ButtonStyle.Primary, label: 'Retry accept', custom_id: encodeCustomId('gate.accept', app.id, 'retry') }],
  };
}

/** A Discord failure as a sentence, or null for anything that is not Discord's doing. */
function discordFailure(error: unknown, action: string): string | null {
  if (error instanceof DiscordApiError) return describeDiscordError(error, action);
  if (error instanceof RateLimitedError) return `I can't ${action} right now: Discord is rate limiting me.`;
  return null;
}

async function guildInfo(ctx: BaseContext, guildId: string): Promise<APIGuild | null> {
  try {
    return await ctx.discord.guilds.getWithCounts(guildId);
  } catch (error) {
    if (discordFailure(error, 'read the server') === null) throw error;
    console.warn(JSON.stringify({ msg: 'gate: guild lookup failed', guildId, error: String(error) }));
    return null;
  }
}

/**
 * DMs the applicant; a refused DM is recorded on the application (and card), not an error.
 * Returns the application as it now is and whether the DM arrived.
 */
async function dmApplicant(ctx: BaseContext, repo: ApplicationsRepo, app: GateApplicationRow, content: string): Promise<{ row: GateApplicationRow; delivered: boolean }> {
  try {
    await ctx.discord.users.sendDm(app.userId, { content, allowed_mentions: { parse: [] } });
    return { row: app, delivered: true };
  } catch (error) {
    const why = discordFailure(error, 'DM them');
    if (why === null) throw error;
    return { row: (await repo.setDmError(app.id, why)) ?? app, delivered: false };
  }
}

/**
 * Accept's side effects, run by the reviewer who won the transition: roles, DM, welcome,
 * card. A refused role grant reverts the decision and offers a retry.
 */
export async function completeAccept(ctx: ReviewScope, app: GateApplicationRow, settings: GateSettings): Promise<void> {
  const repo = new ApplicationsRepo(ctx.db, ctx.guild);
  const reason = `Gatehouse: application #${app.id} accepted by ${ctx.user.username}`;
  try {
    for (const roleId of settings.acceptedRoleIds) await ctx.discord.members.addRole(ctx.guild, app.userId, roleId, reason);
    if (settings.unverifiedRoleId) await ctx.discord.members.removeRole(ctx.guild, app.userId, settings.unverifiedRoleId, reason);
  } catch (error) {
    const why = discordFailure(error, 'update their roles') ?? 'Something went wrong while updating their roles.';
    const reverted = await repo.revertDecision(app, why);
    if (reverted) await refreshCard(ctx, reverted);
    await ctx.notify({
      content: `Application #${app.id} was **not** accepted: ${why}\nNo message was sent to the applicant. Fix the problem, then retry.`,
      components: [retryRow(app)],
    });
    if (discordFailure(error, '') === null) throw error;
    return;
  }

  const guild = await guildInfo(ctx, ctx.guild);
  const text = renderTemplate(settings.welcomeTemplate, {
    user: `<@${app.userId}>`,
    server: guild?.name ?? 'the server',
    memberCount: guild?.approximate_member_count ?? null,
  });
  const { row: current } = await dmApplicant(ctx, repo, app, text);
  const problems: string[] = [];
  const welcomeChannel = await ctx.config.channel('welcome');
  if (welcomeChannel) {
    try {
      await ctx.discord.channels.createMessage(welcomeChannel, { content: text, allowed_mentions: { parse: [], users: [app.userId] } });
    } catch (error) {
      const why = discordFailure(error, 'post the welcome message');
      if (why === null) throw error;
      problems.push(why);
    }
  }
  await refreshCard(ctx, current);
  await emitInternal(ctx, 'application_accepted', { guildId: ctx.guild, userId: app.userId, key: `application:${app.id}` });
  await emitDecided(ctx, app, 'accepted');
  await closeTicketFor(ctx, ctx.guild, app.userId, `Application #${app.id} accepted.`);
  if (problems.length > 0) {
    await ctx.notify({ content: `Application #${app.id} was accepted, but: ${problems.join(' ')}` });
  }
}

/** The DM an applicant receives for a negative decision. */
function decisionDm(decision: Exclude<Decision, 'accepted'>, serverName: string, reason: string, settings: GateSettings, decidedAt: number): string {
  const lines = [`Your application to **${serverName}** was not accepted.`, `Reason: ${reason}`];
  // Sent just before the kick (afterwards Discord may not let the bot reach them); a kick that still fails is corrected.
  if (decision === 'kicked') lines.push('You are being removed from the server.');
  if (decision === 'blocked') lines.push('You cannot apply again.');
  if (decision !== 'blocked' && settings.cooldownHours > 0) {
    lines.push(`You can apply again <t:${Math.floor((decidedAt + settings.cooldownHours * 3_600_000) / 1000)}:R>.`);
  }
  return lines.join('\n');
}

/** A guild member, null when they are not in the guild, undefined when Discord could not say. */
async function memberOrNull(ctx: BaseContext, guildId: string, userId: string): Promise<APIGuildMember | null | undefined> {
  try {
    return await ctx.discord.members.get(guildId, userId);
  } catch (error) {
    if (error instanceof DiscordApiError && error.isUnknownMember) return null;
    if (discordFailure(error, 'read the member') === null) throw error;
    return undefined;
  }
}

/**
 * Why Discord would refuse to kick `userId`, from what can be read before the applicant is
 * told anything: they are still a member and not the owner, the bot holds Kick Members and
 * its highest role is above theirs. Null when the kick should succeed (or the server, or a
 * member, could not be read: then the kick itself is the check).
 */
async function kickRefusal(ctx: BaseContext, guild: APIGuild | null, userId: string): Promise<string | null> {
  if (!guild) return null;
  if (guild.owner_id === userId) return "I can't kick the server owner.";
  const [target, bot] = await Promise.all([memberOrNull(ctx, guild.id, userId), memberOrNull(ctx, guild.id, ctx.discord.applicationId)]);
  if (target === null) return 'They are no longer in the server, so I did not kick them. Reject the application instead.';
  if (!target || !bot) return null;
  const perms = memberPermissions(guild, guild.roles, ctx.discord.applicationId, bot.roles);
  if ((perms & PermissionFlagsBits.KickMembers) === 0n) return "I can't kick them: I'm missing the **Kick Members** permission.";
  if (highestPosition(guild.roles, bot.roles) <= highestPosition(guild.roles, target.roles)) {
    return "I can't kick them: my highest role is not above theirs. Move my role above theirs, then try again.";
  }
  return null;
}

/** A failed kick: the decision is undone (if still ours), the card and the reviewer say why. */
async function kickFailed(ctx: ReviewScope, repo: ApplicationsRepo, app: GateApplicationRow, why: string, dm: string): Promise<void> {
  const reverted = await repo.revertDecision(app, why);
  await refreshCard(ctx, reverted ?? app);
  await ctx.notify({ content: `Application #${app.id}: ${why} The application is still open. ${dm}` });
}

/**
 * Side effects of reject, kick and permanent reject, run by the reviewer who won: DM the
 * reason, kick (with an audit-log reason) when asked, update the card. For a kick, what
 * Discord would refuse is checked first (no DM then); the DM goes out just before the kick
 * (after it Discord may not let the bot reach them), and a kick Discord still refuses sends
 * a correcting DM. A refused kick reverts the decision.
 */
export async function completeNegative(ctx: ReviewScope, app: GateApplicationRow, decision: Exclude<Decision, 'accepted'>, settings: GateSettings): Promise<void> {
  const repo = new ApplicationsRepo(ctx.db, ctx.guild);
  const guild = await guildInfo(ctx, ctx.guild);
  const server = guild?.name ?? 'the server';
  if (decision === 'kicked') {
    const refusal = await kickRefusal(ctx, guild, app.userId);
    if (refusal) return kickFailed(ctx, repo, app, refusal, 'No message was sent to the applicant.');
  }
  const dm = await dmApplicant(ctx, repo, app, decisionDm(decision, server, app.reason ?? '', settings, app.decidedAt ?? Date.now()));
  let current = dm.row;
  if (decision === 'kicked') {
    try {
      await ctx.discord.members.kick(ctx.guild, app.userId, `Gatehouse: application #${app.id} kicked by ${ctx.user.username}: ${app.reason ?? ''}`);
    } catch (error) {
      const why = discordFailure(error, 'kick them');
      if (why === null) throw error;
      if (!dm.delivered) return kickFailed(ctx, repo, current, why, 'No message reached the applicant.');
      current = (await dmApplicant(ctx, repo, current, kickCorrectionDm(server))).row;
      return kickFailed(ctx, repo, current, why, 'They had already been told they were being removed, so I sent them a correction.');
    }
  }
  await refreshCard(ctx, current);
  await emitDecided(ctx, app, decision);
  await closeTicketFor(ctx, ctx.guild, app.userId, `Application #${app.id} ${DECISION_VERBS[decision]}.`);
}

/** `application_decided`, once a decision's side effects went through (a reverted decision is not one). */
function emitDecided(ctx: ReviewScope, app: GateApplicationRow, decision: Decision): Promise<void> {
  return emitInternal(ctx, 'application_decided', {
    guildId: ctx.guild,
    userId: app.userId,
    key: `application:${app.id}:${app.decidedAt ?? ''}`,
    payload: { applicationId: app.id, decision, reviewerId: ctx.user.id },
  });
}

/** The DM that takes back "You are being removed" when Discord refused the kick after all. */
function kickCorrectionDm(serverName: string): string {
  return `Please disregard my last message: you were **not** removed from **${serverName}**, and your application is still open.`;
}

/** Reads the settings and refuses when accepting cannot work yet. */
export async function settingsForAccept(ctx: { config: GuildConfig }): Promise<GateSettings> {
  const settings = await readGateSettings(ctx.config);
  if (settings.acceptedRoleIds.length === 0) {
    throw new UserError('gate_not_set_up', 'No accepted role is configured. An administrator must run `/gate setup` first.');
  }
  return settings;
}
