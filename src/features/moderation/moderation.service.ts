/**
 * Moderation actions. Each one: load the scene (guild, roles, bot and target members) and
 * check the hierarchy; DM the member first when the action would make that impossible
 * (kick, ban); perform the Discord action; only then write the case (with its punishment
 * row, in one batch); finally post the case to the mod log. A failed Discord action throws a
 * `UserError` and leaves no case behind; a failed DM is recorded on the case, never an error.
 */
import { PermissionFlagsBits, RESTJSONErrorCodes, type APIGuildMember } from 'discord-api-types/v10';
import { UserError } from '../../core/errors';
import { GuildConfig } from '../../core/guild-config.repo';
import type { InteractionContext } from '../../core/context';
import type { Db } from '../../db/client';
import { DiscordApiError, RateLimitedError, describeDiscordError, type Discord } from '../../discord';
import { CASE_LABELS } from './case-embed';
import { GuildCases, type NewCase } from './cases.repo';
import { moderationSettings, type ModerationSettings, type Threshold } from './config';
import {
  PERMISSION_NAMES,
  assertBotCan,
  assertBotCanManageRole,
  assertCanAct,
  memberPermissions,
  type Actor,
  type ModPermission,
  type Scene,
} from './hierarchy';
import { memberDm } from './member-dm';
import { ModLog } from './mod-log.service';
import { GuildNotes } from './notes.repo';
import { GuildPunishments, isLivePunishmentConflict, type NewPunishment } from './punishments.repo';
import type { CaseRow, CaseType, PunishmentKind } from './schema';

const DAY_MS = 86_400_000;

/** The longest timeout Discord accepts is 28 days; stay a minute under it. */
export const TIMEOUT_CAP_MS = 28 * DAY_MS - 60_000;

/** A long timeout is renewed when this much of the applied part is left. */
export const TIMEOUT_RENEW_LEAD_MS = DAY_MS;

/** The outcome of an action: its case and sentences worth telling the moderator. */
export interface ActionResult {
  row: CaseRow;
  notes: string[];
}

/** What a service is built from. */
export interface ModerationDeps {
  db: Db;
  discord: Discord;
  config: GuildConfig;
}

interface RecordSpec {
  scene: Scene;
  actorId: string;
  type: CaseType;
  reason: string;
  durationMs?: number | null;
  expiresAt?: number | null;
  refs?: number[];
  /** DM the member before or after the Discord action (only when they are a member). */
  dm?: 'before' | 'after';
  act?: () => Promise<void>;
  /** For error messages: "I can't <verb>". */
  verb: string;
  permission?: ModPermission;
  cancel?: PunishmentKind[];
  punish?: NewPunishment;
}

/**
 * Turns a failed Discord call into a `UserError` the moderator can act on (naming the
 * permission for 50013). Anything that is not a Discord failure is returned unchanged, so
 * `throw actionError(error, …)` rethrows bugs as bugs.
 */
export function actionError(error: unknown, verb: string, permission?: ModPermission): unknown {
  if (error instanceof RateLimitedError) {
    return new UserError('rate_limited', `I can't ${verb} right now: Discord is rate limiting me. Try again in ${Math.ceil(error.retryAfterMs / 1000)} s.`);
  }
  if (error instanceof DiscordApiError) {
    if (error.isMissingPermissions) {
      const need = permission ? `the **${PERMISSION_NAMES[permission]}** permission` : 'a permission';
      return new UserError('discord_missing_permissions', `I can't ${verb}: Discord says I'm missing ${need}, or my highest role is below theirs.`);
    }
    return new UserError('discord_error', describeDiscordError(error, verb));
  }
  return error;
}

/** One guild's moderation. */
export class ModerationService {
  readonly cases: GuildCases;
  readonly notes: GuildNotes;
  readonly punishments: GuildPunishments;
  readonly modLog: ModLog;
  readonly guildId: string;

  constructor(private readonly deps: ModerationDeps) {
    this.guildId = deps.config.guildId;
    this.cases = new GuildCases(deps.db, this.guildId);
    this.notes = new GuildNotes(deps.db, this.guildId);
    this.punishments = new GuildPunishments(deps.db, this.guildId);
    this.modLog = new ModLog(deps.discord, deps.config, this.cases, this.punishments);
  }

  /** The service of an interaction's guild. */
  static of(ctx: InteractionContext): ModerationService {
    return new ModerationService({ db: ctx.db, discord: ctx.discord, config: ctx.config });
  }

  /** The service of a guild, outside interactions (cron). */
  static forGuild(db: Db, discord: Discord, guildId: string): ModerationService {
    return new ModerationService({ db, discord, config: new GuildConfig(db, guildId) });
  }

  private get discord(): Discord {
    return this.deps.discord;
  }

  /** The guild's moderation settings. */
  settings(): Promise<ModerationSettings> {
    return moderationSettings(this.deps.config);
  }

  /**
   * Loads what the checks need and runs them: who may act on `targetId`, and whether the bot
   * holds `permission`. Throws a `UserError` on the first refusal.
   */
  async scene(actor: Actor, targetId: string, options: { requireMember: boolean; permission?: ModPermission }): Promise<Scene> {
    const botId = this.discord.applicationId;
    const [guild, targetMember, botMember, staffRoles] = await Promise.all([
      this.discord.guilds.get(this.guildId),
      this.member(targetId),
      this.member(botId),
      this.deps.config.staffRoleMap(),
    ]);
    if (!botMember) throw new Error(`bot ${botId} is not a member of guild ${this.guildId}`);
    const scene: Scene = { guild, roles: guild.roles, botId, botMember, targetId, targetMember, staffRoles };
    assertCanAct(actor, scene);
    if (options.requireMember && !targetMember) throw new UserError('not_member', 'That user is not a member of this server.');
    if (options.permission) assertBotCan(scene, options.permission);
    return scene;
  }

  /** A guild member, or null when they are not in the guild. */
  private async member(userId: string): Promise<APIGuildMember | null> {
    try {
      return await this.discord.members.get(this.guildId, userId);
    } catch (error) {
      if (error instanceof DiscordApiError && (error.isUnknownMember || error.code === RESTJSONErrorCodes.UnknownUser)) return null;
      throw error;
    }
  }

  /** Sends a DM; true when it arrived, false when Discord refused (never throws for that). */
  private async dm(userId: string, content: string): Promise<boolean> {
    try {
      await this.discord.users.sendDm(userId, { content, allowed_mentions: { parse: [] } });
      return true;
    } catch (error) {
      if (error instanceof DiscordApiError || error instanceof RateLimitedError) {
        console.info(JSON.stringify({ msg: 'moderation dm failed', guild: this.guildId, user: userId, error: String(error) }));
        return false;
      }
      throw error;
    }
  }

  /** DM → action → case (+ punishment rows) → mod log, in that order. */
  private async record(spec: RecordSpec): Promise<ActionResult> {
    const { scene } = spec;
    const dmText = () => memberDm(spec.type, scene.guild.name, spec.reason, spec.durationMs);
    let dmSent: boolean | null = null;
    const canDm = scene.targetMember !== null;
    if (spec.dm === 'before' && canDm) dmSent = await this.dm(scene.targetId, dmText());
    if (spec.act) {
      try {
        await spec.act();
      } catch (error) {
        throw actionError(error, spec.verb, spec.permission);
      }
    }
    if (spec.dm === 'after' && canDm) dmSent = await this.dm(scene.targetId, dmText());
    const input: NewCase = {
      type: spec.type,
      actorId: spec.actorId,
      targetId: scene.targetId,
      reason: spec.reason,
      durationMs: spec.durationMs ?? null,
      expiresAt: spec.expiresAt ?? null,
      dmSent,
      refs: spec.refs ?? null,
    };
    const row = await this.cases.create(input, {
      before: (spec.cancel ?? []).map((kind) => this.punishments.cancel(scene.targetId, kind)),
      after: (caseId) => (spec.punish ? [this.punishments.insert(caseId, spec.punish)] : []),
    });
    const problem = await this.modLog.post(row);
    return { row, notes: problem ? [problem] : [] };
  }

  private auditReason(actorId: string, reason: string): string {
    return `${reason} (by ${actorId})`;
  }

  /** Warns a member, then applies the guild's warning thresholds. */
  async warn(scene: Scene, actorId: string, reason: string): Promise<ActionResult> {
    const result = await this.record({ scene, actorId, type: 'warn', reason, dm: 'after', verb: 'warn them' });
    const escalation = await this.applyThresholds(scene, result.row);
    return { row: result.row, notes: [...result.notes, ...escalation] };
  }

  /** Times a member out; past Discord's 28-day cap the scheduler renews it until it ends. */
  async timeout(scene: Scene, actorId: string, durationMs: number, reason: string, refs?: number[]): Promise<ActionResult> {
    const member = scene.targetMember;
    if (!member) throw new UserError('not_member', 'That user is not a member of this server.');
    if ((memberPermissions(scene.guild, scene.roles, scene.targetId, member.roles) & PermissionFlagsBits.Administrator) !== 0n) {
      throw new UserError('target_admin', "Discord doesn't allow timing out members with the Administrator permission.");
    }
    const now = Date.now();
    const appliedUntil = now + Math.min(durationMs, TIMEOUT_CAP_MS);
    const endsAt = now + durationMs;
    return this.record({
      scene,
      actorId,
      type: 'timeout',
      reason,
      durationMs,
      expiresAt: endsAt,
      refs,
      dm: 'after',
      verb: 'time them out',
      permission: 'ModerateMembers',
      act: () =>
        this.discord.members
          .edit(this.guildId, scene.targetId, { communication_disabled_until: new Date(appliedUntil).toISOString() }, this.auditReason(actorId, reason))
          .then(() => undefined),
      cancel: ['timeout'],
      ...(durationMs > TIMEOUT_CAP_MS
        ? { punish: { kind: 'timeout', targetId: scene.targetId, endsAt, nextActionAt: appliedUntil - TIMEOUT_RENEW_LEAD_MS } satisfies NewPunishment }
        : {}),
    });
  }

  /** Lifts a timeout (and stops any renewal). */
  async untimeout(scene: Scene, actorId: string, reason: string): Promise<ActionResult> {
    const until = scene.targetMember?.communication_disabled_until;
    const renewing = await this.punishments.live(scene.targetId, 'timeout');
    if ((!until || Date.parse(until) <= Date.now()) && !renewing) throw new UserError('not_timed_out', 'That member is not timed out.');
    return this.record({
      scene,
      actorId,
      type: 'untimeout',
      reason,
      dm: 'after',
      verb: 'remove their timeout',
      permission: 'ModerateMembers',
      act: () =>
        this.discord.members.edit(this.guildId, scene.targetId, { communication_disabled_until: null }, this.auditReason(actorId, reason)).then(() => undefined),
      cancel: ['timeout'],
    });
  }

  /** Gives the muted role, for `durationMs` or until unmuted. */
  async mute(scene: Scene, actorId: string, durationMs: number | undefined, reason: string): Promise<ActionResult> {
    const { mutedRoleId } = await this.settings();
    if (!mutedRoleId) throw new UserError('no_muted_role', 'No muted role is set. An administrator can set one with `/modconfig roles`.');
    assertBotCanManageRole(scene, mutedRoleId, 'muted');
    const endsAt = durationMs ? Date.now() + durationMs : null;
    return this.record({
      scene,
      actorId,
      type: 'mute',
      reason,
      durationMs: durationMs ?? null,
      expiresAt: endsAt,
      dm: 'after',
      verb: 'mute them',
      permission: 'ManageRoles',
      act: () => this.discord.members.addRole(this.guildId, scene.targetId, mutedRoleId, this.auditReason(actorId, reason)),
      cancel: ['mute'],
      punish: { kind: 'mute', targetId: scene.targetId, endsAt, nextActionAt: endsAt, roleId: mutedRoleId },
    });
  }

  /** Removes the muted role. */
  async unmute(scene: Scene, actorId: string, reason: string): Promise<ActionResult> {
    const live = await this.punishments.live(scene.targetId, 'mute');
    const roleId = live?.roleId ?? (await this.settings()).mutedRoleId;
    if (!roleId || (!live && !scene.targetMember?.roles.includes(roleId))) throw new UserError('not_muted', 'That member is not muted.');
    assertBotCanManageRole(scene, roleId, 'muted');
    return this.record({
      scene,
      actorId,
      type: 'unmute',
      reason,
      dm: 'after',
      verb: 'unmute them',
      permission: 'ManageRoles',
      act: () => this.discord.members.removeRole(this.guildId, scene.targetId, roleId, this.auditReason(actorId, reason)),
      cancel: ['mute'],
    });
  }

  /** Replaces the member's roles with the suspended role; they come back when it ends. */
  async suspend(scene: Scene, actorId: string, durationMs: number | undefined, reason: string): Promise<ActionResult> {
    const member = scene.targetMember;
    if (!member) throw new UserError('not_member', 'That user is not a member of this server.');
    const { suspendedRoleId } = await this.settings();
    if (!suspendedRoleId) throw new UserError('no_suspended_role', 'No suspended role is set. An administrator can set one with `/modconfig roles`.');
    assertBotCanManageRole(scene, suspendedRoleId, 'suspended');
    // Holding the role counts too: a suspend that already changed their roles may not be recorded yet.
    const live = await this.punishments.live(scene.targetId, 'suspend');
    if (live || member.roles.includes(suspendedRoleId)) throw alreadySuspended();
    const managed = new Set(scene.roles.filter((r) => r.managed).map((r) => r.id));
    const kept = member.roles.filter((id) => managed.has(id));
    const restore = member.roles.filter((id) => !managed.has(id) && id !== suspendedRoleId);
    const endsAt = durationMs ? Date.now() + durationMs : null;
    return this.record({
      scene,
      actorId,
      type: 'suspend',
      reason,
      durationMs: durationMs ?? null,
      expiresAt: endsAt,
      dm: 'after',
      verb: 'suspend them',
      permission: 'ManageRoles',
      act: () =>
        this.discord.members.edit(this.guildId, scene.targetId, { roles: [...kept, suspendedRoleId] }, this.auditReason(actorId, reason)).then(() => undefined),
      // No `cancel`: a live suspension is never replaced, so the unique index refuses a concurrent second one.
      punish: { kind: 'suspend', targetId: scene.targetId, endsAt, nextActionAt: endsAt, roleId: suspendedRoleId, restoreRoles: restore },
    }).catch((error: unknown) => {
      throw isLivePunishmentConflict(error) ? alreadySuspended() : error;
    });
  }

  /**
   * Lifts a suspension: the suspended role goes, the saved roles come back. The hierarchy is
   * checked again against the roles that come back.
   */
  async unsuspend(scene: Scene, actor: Actor, reason: string): Promise<ActionResult> {
    const actorId = actor.id;
    const member = scene.targetMember;
    if (!member) throw new UserError('not_member', 'That user is not a member of this server.');
    const live = await this.punishments.live(scene.targetId, 'suspend');
    // The roles about to come back count too: nobody lifts a suspension of someone they could not have suspended.
    assertCanAct(actor, { ...scene, targetMember: { ...member, roles: [...member.roles, ...(live?.restoreRoles ?? [])] } });
    const roleId = live?.roleId ?? (await this.settings()).suspendedRoleId;
    if (!roleId || (!live && !member.roles.includes(roleId))) throw new UserError('not_suspended', 'That member is not suspended.');
    const roles = restoredRoles(scene, member.roles, roleId, live?.restoreRoles ?? []);
    return this.record({
      scene,
      actorId,
      type: 'unsuspend',
      reason,
      dm: 'after',
      verb: 'lift their suspension',
      permission: 'ManageRoles',
      act: () => this.discord.members.edit(this.guildId, scene.targetId, { roles }, this.auditReason(actorId, reason)).then(() => undefined),
      cancel: ['suspend'],
    });
  }

  /** Kicks a member (DMed first). */
  async kick(scene: Scene, actorId: string, reason: string, refs?: number[]): Promise<ActionResult> {
    if (!scene.targetMember) throw new UserError('not_member', 'That user is not a member of this server.');
    return this.record({
      scene,
      actorId,
      type: 'kick',
      reason,
      refs,
      dm: 'before',
      verb: 'kick them',
      permission: 'KickMembers',
      act: () => this.discord.members.kick(this.guildId, scene.targetId, this.auditReason(actorId, reason)),
    });
  }

  /**
   * Bans a user (DMed first when a member). With a duration the scheduler unbans them later;
   * without one, any pending unban is cancelled.
   */
  async ban(scene: Scene, actorId: string, reason: string, options: { durationMs?: number; deleteMessageSeconds?: number; refs?: number[] } = {}): Promise<ActionResult> {
    const endsAt = options.durationMs ? Date.now() + options.durationMs : null;
    return this.record({
      scene,
      actorId,
      type: 'ban',
      reason,
      durationMs: options.durationMs ?? null,
      expiresAt: endsAt,
      refs: options.refs,
      dm: 'before',
      verb: 'ban them',
      permission: 'BanMembers',
      act: () => this.discord.members.ban(this.guildId, scene.targetId, options.deleteMessageSeconds ?? 0, this.auditReason(actorId, reason)),
      cancel: ['ban'],
      ...(endsAt ? { punish: { kind: 'ban', targetId: scene.targetId, endsAt, nextActionAt: endsAt } satisfies NewPunishment } : {}),
    });
  }

  /** Bans and immediately unbans, deleting the member's recent messages. */
  async softban(scene: Scene, actorId: string, reason: string, deleteMessageSeconds: number): Promise<ActionResult> {
    if (!scene.targetMember) throw new UserError('not_member', 'That user is not a member of this server.');
    let unbanFailed: string | null = null;
    const result = await this.record({
      scene,
      actorId,
      type: 'softban',
      reason,
      dm: 'before',
      verb: 'softban them',
      permission: 'BanMembers',
      act: async () => {
        await this.discord.members.ban(this.guildId, scene.targetId, deleteMessageSeconds, this.auditReason(actorId, reason));
        try {
          await this.discord.members.unban(this.guildId, scene.targetId, this.auditReason(actorId, `softban: ${reason}`));
        } catch (error) {
          // The ban happened, so the case must still be written: report the failed unban instead.
          const problem = actionError(error, 'unban them after the softban', 'BanMembers');
          if (!(problem instanceof UserError)) throw problem;
          unbanFailed = problem.message;
        }
      },
    });
    if (unbanFailed) result.notes.push(`${unbanFailed as string} They are still banned: use \`/unban\`.`);
    return result;
  }

  /** Unbans a user and cancels any pending scheduled unban. */
  async unban(scene: Scene, actorId: string, reason: string): Promise<ActionResult> {
    return this.record({
      scene,
      actorId,
      type: 'unban',
      reason,
      verb: 'unban them',
      permission: 'BanMembers',
      act: () => this.discord.members.unban(this.guildId, scene.targetId, this.auditReason(actorId, reason)),
      cancel: ['ban'],
    });
  }

  /**
   * After a warning: when the member's active warnings (not deleted, not decayed) within a
   * rule's window, numbered up to this one, reach exactly its count, apply its action with a
   * case referencing them.
   * Returns sentences for the moderator.
   */
  async applyThresholds(scene: Scene, warning: CaseRow): Promise<string[]> {
    const settings = await this.settings();
    if (settings.thresholds.length === 0) return [];
    const now = warning.createdAt;
    const windowStart = (rule: Threshold) => Math.max(now - rule.days * DAY_MS, settings.warnDecayDays ? now - settings.warnDecayDays * DAY_MS : 0);
    const rules = [...settings.thresholds].sort((a, b) => b.count - a.count);
    const earliest = Math.min(...rules.map(windowStart));
    // Numbered up to this warning: two warnings at N−1 at once see N and N+1, so exactly one escalates.
    const warnings = await this.cases.warningsSince(scene.targetId, earliest, warning.caseNumber);
    for (const rule of rules) {
      const since = windowStart(rule);
      const counted = warnings.filter((w) => w.createdAt >= since);
      if (counted.length !== rule.count) continue;
      const refs = counted.map((w) => w.caseNumber);
      const reason = `Automatic: ${rule.count} warnings within ${rule.days} days (${refs.map((n) => `#${n}`).join(', ')})`;
      const actorId = scene.botId;
      try {
        const result =
          rule.action === 'timeout'
            ? await this.timeout(scene, actorId, rule.durationMs ?? DAY_MS, reason, refs)
            : rule.action === 'kick'
              ? await this.kick(scene, actorId, reason, refs)
              : await this.ban(scene, actorId, reason, { ...(rule.durationMs ? { durationMs: rule.durationMs } : {}), refs });
        return [`Threshold reached (${rule.count} warnings in ${rule.days} days): automatic ${CASE_LABELS[result.row.type].toLowerCase()}, case #${result.row.caseNumber}.`, ...result.notes];
      } catch (error) {
        if (error instanceof UserError) return [`Threshold reached, but the automatic ${rule.action} failed: ${error.message}`];
        throw error;
      }
    }
    return [];
  }
}

/** The answer to a second suspend of a suspended member (also the loser of a concurrent pair). */
function alreadySuspended(): UserError {
  return new UserError('already_suspended', 'That member is already suspended. Lift it with `/unsuspend` first.');
}

/** The roles a member gets back when a suspension ends: saved roles that still exist and the bot can assign. */
export function restoredRoles(scene: Scene, current: readonly string[], suspendedRoleId: string, saved: readonly string[]): string[] {
  const byId = new Map(scene.roles.map((r) => [r.id, r]));
  const botTop = Math.max(0, ...scene.botMember.roles.map((id) => byId.get(id)?.position ?? 0));
  const wanted = new Set([...current.filter((id) => id !== suspendedRoleId)]);
  for (const id of saved) {
    const role = byId.get(id);
    if (role && !role.managed && role.position < botTop && id !== scene.guild.id) wanted.add(id);
  }
  return [...wanted];
}
