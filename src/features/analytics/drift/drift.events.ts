/**
 * The gateway side of the drift watch: role create/update/delete, member role changes and
 * departures, and audit log entries (who did it; needs the GUILD_MODERATION intent, 1 << 2,
 * and View Audit Log). Each handler writes its change and state in one batch whose change rows
 * exist only when the state really differed (see `drift.repo.ts`), then posts what is owed to
 * the mod log. Guilds are enrolled by `GUILD_CREATE` and by role events; changes are recorded
 * once a baseline exists (the first reconciliation sets it).
 */
import type {
  GatewayGuildAuditLogEntryCreateDispatchData,
  GatewayGuildCreateDispatchData,
  GatewayGuildMemberRemoveDispatchData,
  GatewayGuildMemberUpdateDispatchData,
  GatewayGuildRoleDeleteDispatchData,
  GatewayGuildRoleUpdateDispatchData,
} from 'discord-api-types/v10';
import { defineEvent, type EventHandler } from '../../../core/define';
import type { EventContext } from '../../../core/context';
import { FLUSH_COST, flushAlerts, refreshAlerts } from './alerts';
import { AUDIT, GuildDrift, type Seen } from './drift.repo';
import { snowflakeTime } from './permissions';

function seenBy(ctx: EventContext<'guild'>): Seen {
  return { key: ctx.sourceId, source: 'gateway', at: Date.now() };
}

async function roleChanged(ctx: EventContext<'guild'>, payload: GatewayGuildRoleUpdateDispatchData): Promise<void> {
  const drift = new GuildDrift(ctx.db, ctx.guildId);
  const guild = await drift.guild();
  const record = guild?.baselineAt != null;
  await ctx.db.batch([drift.enroll(), ...drift.roleSeen({ id: payload.role.id, name: payload.role.name, permissions: payload.role.permissions }, seenBy(ctx), record)]);
  if (record) await flushAlerts(ctx, ctx.config, drift);
}

/** `GUILD_ROLE_CREATE`: a new role, followed when it is dangerous. */
export const driftRoleCreateEvent = defineEvent<GatewayGuildRoleUpdateDispatchData>({
  name: 'analytics-drift-role-create',
  type: 'GUILD_ROLE_CREATE',
  cost: 2 + FLUSH_COST,
  handler: roleChanged,
});

/** `GUILD_ROLE_UPDATE`: a role's permissions changed (or its name). */
export const driftRoleUpdateEvent = defineEvent<GatewayGuildRoleUpdateDispatchData>({
  name: 'analytics-drift-role-update',
  type: 'GUILD_ROLE_UPDATE',
  cost: 2 + FLUSH_COST,
  handler: roleChanged,
});

/** `GUILD_ROLE_DELETE`: a followed role is gone. */
export const driftRoleDeleteEvent = defineEvent<GatewayGuildRoleDeleteDispatchData>({
  name: 'analytics-drift-role-delete',
  type: 'GUILD_ROLE_DELETE',
  cost: 2 + FLUSH_COST,
  handler: async (ctx, payload) => {
    const drift = new GuildDrift(ctx.db, ctx.guildId);
    const guild = await drift.guild();
    if (guild?.baselineAt == null) return;
    await ctx.db.batch(drift.roleDeleted(payload.role_id, seenBy(ctx)) as never);
    await flushAlerts(ctx, ctx.config, drift);
  },
});

/**
 * `GUILD_MEMBER_UPDATE`: one read (the followed roles and which the member holds); most
 * updates (nicknames, avatars, other roles) stop there.
 */
export const driftMemberUpdateEvent = defineEvent<GatewayGuildMemberUpdateDispatchData>({
  name: 'analytics-drift-member-roles',
  type: 'GUILD_MEMBER_UPDATE',
  cost: 2 + FLUSH_COST,
  handler: async (ctx, member) => {
    const drift = new GuildDrift(ctx.db, ctx.guildId);
    const view = await drift.memberView(member.user.id);
    if (!view.length) return;
    const has = new Set(member.roles);
    const seen = seenBy(ctx);
    const stmts = view.flatMap((r) =>
      has.has(r.roleId) && !r.held ? drift.holderAdded(r.roleId, member.user.id, seen) : !has.has(r.roleId) && r.held ? drift.holderRemoved(r.roleId, member.user.id, seen) : [],
    );
    if (!stmts.length) return;
    await ctx.db.batch(stmts as never);
    await flushAlerts(ctx, ctx.config, drift);
  },
});

/** `GUILD_MEMBER_REMOVE`: a holder of a followed role left (or was kicked or banned). */
export const driftMemberRemoveEvent = defineEvent<GatewayGuildMemberRemoveDispatchData>({
  name: 'analytics-drift-member-left',
  type: 'GUILD_MEMBER_REMOVE',
  cost: 2 + FLUSH_COST,
  handler: async (ctx, payload) => {
    const drift = new GuildDrift(ctx.db, ctx.guildId);
    const held = (await drift.memberView(payload.user.id)).filter((r) => r.held);
    if (!held.length) return;
    const seen = seenBy(ctx);
    await ctx.db.batch(held.flatMap((r) => drift.holderRemoved(r.roleId, payload.user.id, seen)) as never);
    await flushAlerts(ctx, ctx.config, drift);
  },
});

/** Role ids an audit entry's `$add` / `$remove` changes name. */
function auditRoleIds(entry: GatewayGuildAuditLogEntryCreateDispatchData): string[] | null {
  const ids = (entry.changes ?? [])
    .filter((c) => c.key === '$add' || c.key === '$remove')
    .flatMap((c) => (Array.isArray(c.new_value) ? (c.new_value as { id?: unknown }[]) : []))
    .flatMap((r) => (typeof r.id === 'string' ? [r.id] : []));
  return ids.length ? ids : null;
}

const ROLE_ACTIONS = new Set<number>(Object.values(AUDIT));

/** `GUILD_AUDIT_LOG_ENTRY_CREATE`: who changed a role or a member's roles (attribution, and the alert edited). */
export const driftAuditEntryEvent = defineEvent<GatewayGuildAuditLogEntryCreateDispatchData>({
  name: 'analytics-drift-audit',
  type: 'GUILD_AUDIT_LOG_ENTRY_CREATE',
  cost: 4,
  handler: async (ctx, entry) => {
    if (!ROLE_ACTIONS.has(entry.action_type) || !entry.user_id || !entry.target_id) return;
    const drift = new GuildDrift(ctx.db, ctx.guildId);
    const messages = await drift.attribute({
      id: entry.id,
      actionType: entry.action_type,
      targetId: entry.target_id,
      actorId: entry.user_id,
      roleIds: entry.action_type === AUDIT.memberRoleUpdate ? auditRoleIds(entry) : null,
      createdAt: snowflakeTime(entry.id),
    });
    await refreshAlerts(ctx, drift, messages.slice(0, 3));
  },
});

/** `GUILD_CREATE`: the guild is enrolled (its first reconciliation takes the baseline). */
export const driftGuildCreateEvent = defineEvent<GatewayGuildCreateDispatchData>({
  name: 'analytics-drift-enroll',
  type: 'GUILD_CREATE',
  cost: 1,
  handler: async (ctx) => {
    await new GuildDrift(ctx.db, ctx.guildId).enroll();
  },
});

/** Every drift event handler (for the analytics feature's `events`). */
export const driftEvents: EventHandler<any, any>[] = [
  driftGuildCreateEvent,
  driftRoleCreateEvent,
  driftRoleUpdateEvent,
  driftRoleDeleteEvent,
  driftMemberUpdateEvent,
  driftMemberRemoveEvent,
  driftAuditEntryEvent,
];
