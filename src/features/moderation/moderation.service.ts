/**
 * Moderation actions. Each one: load the scene (guild, roles, bot and target members) and
 * check the hierarchy; write the case `pending` with the action it is about to make and its
 * punishment row `held` (one batch: the durable intent); DM the member first when the action
 * would make that impossible (kick, ban); perform the Discord action; confirm the case
 * (`done`, the punishment goes live, the ones it replaces are cancelled, one batch); finally
 * post the case to the mod log. A Discord refusal marks the case `failed` (kept, numbered,
 * not posted) and throws a `UserError`; a failure that leaves the outcome unknown, or a
 * failed confirmation, leaves the case pending for the reconcile cron
 * (`reconcile.service.ts`). A failed DM is recorded on the case, never an error.
 */
import { PermissionFlagsBits, RESTJSONErrorCodes, type APIGuildMember } from 'discord-api-types/v10';
import { UserError } from '../../core/errors';
import { GuildConfig } from '../../core/guild-config.repo';
import type { BaseContext, InteractionContext } from '../../core/context';
import { emitInternalFrom } from '../../core/internal-events';
import type { Registry } from '../../core/registry';
import type { Db } from '../../db/client';
import { DiscordApiError, RateLimitedError, describeDiscordError, type Discord } from '../../discord';
import { CANCELS, isBanned, isDiscordRefusal, performAction, type ModAction } from './actions';
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
import { confirmStatements, failStatements, settle } from './pending-cases.repo';
import { GuildPunishments, isLivePunishmentConflict, type NewPunishment } from './punishments.repo';
import type { CaseRow, CaseType } from './schema';

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
  /** Where `case_created` / `case_updated` are emitted from (commands, the dashboard and the crons pass theirs). */
  events?: BaseContext & { registry?: Registry };
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
  /** The Discord action; none for a warning. */
  action?: ModAction;
  /** For error messages: "I can't <verb>". */
  verb: string;
  permission?: ModPermission;
  /** The punishment the case starts (held until the case is confirmed). */
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
    return new ModerationService({ db: ctx.db, discord: ctx.discord, config: ctx.config, events: ctx });
  }

  /** The service of a guild, outside interactions (cron); with `events`, the cases it records are announced. */
  static forGuild(db: Db, discord: Discord, guildId: string, events?: ModerationDeps['events']): ModerationService {
    return new ModerationService({ db, discord, config: new GuildConfig(db, guildId), ...(events ? { events } : {}) });
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

  /**
   * Intent → DM → action → confirm → mod log. A case that acts on Discord is written
   * `pending` first (with its action and a `held` punishment, in one batch), then the call is
   * made and the case confirmed. A clear refusal marks it `failed` (kept, with its number);
   * anything ambiguous, or a failed confirmation, leaves it pending for the reconcile cron.
   */
  private async record(spec: RecordSpec): Promise<ActionResult> {
    const { scene } = spec;
    const dmText = () => memberDm(spec.type, scene.guild.name, spec.reason, spec.durationMs);
    const canDm = scene.targetMember !== null;
    const input: NewCase = {
      type: spec.type,
      actorId: spec.actorId,
      targetId: scene.targetId,
      reason: spec.reason,
      durationMs: spec.durationMs ?? null,
      expiresAt: spec.expiresAt ?? null,
      refs: spec.refs ?? null,
    };
    if (!spec.action) {
      // Nothing on Discord but the DM (a warning): the case is the whole record.
      const dmSent = spec.dm && canDm ? await this.dm(scene.targetId, dmText()) : null;
      const row = await this.cases.create({ ...input, dmSent });
      await this.announce('case_created', row);
      const problem = await this.modLog.post(row);
      return { row, notes: problem ? [problem] : [] };
    }
    const action = spec.action;
    const intent = await this.cases.create(
      { ...input, state: 'pending', action },
      { after: (caseId) => (spec.punish ? [this.punishments.insert(caseId, spec.punish, 'held')] : []) },
    );
    let dmSent: boolean | null = null;
    if (spec.dm === 'before' && canDm) dmSent = await this.dm(scene.targetId, dmText());
    let followUp: Awaited<ReturnType<typeof performAction>>;
    try {
      followUp = await performAction(this.discord, { guildId: this.guildId, targetId: scene.targetId, auditReason: this.auditReason(spec.actorId, spec.reason) }, action);
    } catch (error) {
      throw await this.unperformed(intent, error, spec);
    }
    if (spec.dm === 'after' && canDm) dmSent = await this.dm(scene.targetId, dmText());
    const notes: string[] = [];
    if (followUp) notes.push(`${(actionError(followUp, 'unban them after the softban', 'BanMembers') as Error).message} They are still banned: use \`/unban\`.`);
    let row: CaseRow | null;
    try {
      row = await settle(this.deps.db, confirmStatements(this.deps.db, intent, CANCELS[spec.type], dmSent));
    } catch (error) {
      // The action happened; only its record did not. The case stays pending: the reconcile
      // cron finds the action in effect, confirms the case and posts it to the mod log.
      console.error(JSON.stringify({ msg: 'moderation confirm failed', guild: this.guildId, case: intent.caseNumber, error: String(error) }));
      notes.push(`(I couldn't record the confirmation yet: case #${intent.caseNumber} is confirmed and posted to the mod log within a few minutes.)`);
      return { row: { ...intent, state: 'done', dmSent }, notes };
    }
    // Null: the reconcile cron settled it first (a very slow request); it also posted it.
    if (!row) return { row: (await this.cases.byId(intent.id)) ?? { ...intent, dmSent }, notes };
    await this.announce('case_created', row);
    const problem = await this.modLog.post(row);
    return { row, notes: problem ? [...notes, problem] : notes };
  }

  /**
   * What to throw when the Discord call of a pending case failed. A clear refusal marks the
   * case failed (it keeps its number) and explains; anything else leaves it pending for the
   * reconcile cron, and says so when it is Discord's doing (a bug is rethrown as a bug).
   */
  private async unperformed(intent: CaseRow, error: unknown, spec: RecordSpec): Promise<unknown> {
    const explained = actionError(error, spec.verb, spec.permission);
    if (isDiscordRefusal(error) && explained instanceof UserError) {
      await settle(this.deps.db, failStatements(this.deps.db, intent, explained.message));
      return new UserError(explained.code, `${explained.message}\nCase #${intent.caseNumber} is kept, marked failed.`);
    }
    console.warn(JSON.stringify({ msg: 'moderation action unconfirmed', guild: this.guildId, case: intent.caseNumber, error: String(error) }));
    if (explained instanceof UserError) {
      return new UserError(
        'action_unconfirmed',
        `${explained.message}\nDiscord may still have done it: case #${intent.caseNumber} is pending. Within a few minutes I check it, confirm it or retry, and post the outcome to the mod log.`,
      );
    }
    return error;
  }

  /** Tells other features (rules, webhooks) about a recorded case: ids and facts, not the reason text. */
  async announce(type: 'case_created' | 'case_updated', row: CaseRow, change?: string): Promise<void> {
    if (!this.deps.events || row.state !== 'done') return;
    await emitInternalFrom(this.deps.events, type, {
      guildId: this.guildId,
      userId: row.targetId,
      key: type === 'case_created' ? `case:${row.id}` : `case:${row.id}:${change}:${row.updatedAt}`,
      payload: { caseId: row.id, caseNumber: row.caseNumber, caseType: row.type, actorId: row.actorId, durationMs: row.durationMs, expiresAt: row.expiresAt, ...(change ? { change } : {}) },
    });
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
      action: { op: 'timeout', until: appliedUntil },
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
      action: { op: 'untimeout' },
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
      action: { op: 'addRole', roleId: mutedRoleId },
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
      action: { op: 'removeRole', roleId },
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
      action: { op: 'setRoles', roles: [...kept, suspendedRoleId], marker: suspendedRoleId, markerPresent: true },
      // No `cancel`: a suspension is never replaced; the one-suspension index refuses a concurrent second one at intent time, before any Discord call.
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
      action: { op: 'setRoles', roles, marker: roleId, markerPresent: false },
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
      action: { op: 'kick' },
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
      action: { op: 'ban', deleteMessageSeconds: options.deleteMessageSeconds ?? 0 },
      ...(endsAt ? { punish: { kind: 'ban', targetId: scene.targetId, endsAt, nextActionAt: endsAt } satisfies NewPunishment } : {}),
    });
  }

  /** Bans and immediately unbans, deleting the member's recent messages. */
  async softban(scene: Scene, actorId: string, reason: string, deleteMessageSeconds: number): Promise<ActionResult> {
    if (!scene.targetMember) throw new UserError('not_member', 'That user is not a member of this server.');
    return this.record({
      scene,
      actorId,
      type: 'softban',
      reason,
      dm: 'before',
      verb: 'softban them',
      permission: 'BanMembers',
      action: { op: 'softban', deleteMessageSeconds },
    });
  }

  /** Unbans a user and cancels any pending scheduled unban. */
  async unban(scene: Scene, actorId: string, reason: string): Promise<ActionResult> {
    // Checked first, so a mistyped id gets a plain answer instead of a failed case.
    if (!(await isBanned(this.discord, this.guildId, scene.targetId).catch((error: unknown) => { throw actionError(error, 'check their ban', 'BanMembers'); }))) {
      throw new UserError('not_banned', "I can't unban them: that user is not banned.");
    }
    return this.record({
      scene,
      actorId,
      type: 'unban',
      reason,
      verb: 'unban them',
      permission: 'BanMembers',
      action: { op: 'unban' },
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
