/**
 * The gateway side of the drift watch: role create/update/delete, member role changes (a lake
 * hook, a chunk of updates at a time) and departures, and audit log entries (who did it; needs the GUILD_MODERATION intent, 1 << 2,
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
import type { BatchItem } from 'drizzle-orm/batch';
import { defineEvent, defineLakeHook, type EventHandler } from '../../../core/define';
import type { EventContext } from '../../../core/context';
import { FLUSH_COST, flushAlerts, refreshAlerts } from './alerts';
import { AUDIT, GuildDrift, membersView, type Seen } from './drift.repo';
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

/** Guilds with changes a chunk's declared cost holds a flush for (changes to dangerous roles are rare). */
const FLUSHED_GUILDS = 8;

/**
 * `GUILD_MEMBER_UPDATE`, a chunk at a time after the lake write (a lake hook): one read for
 * the whole chunk (the followed roles of its guilds and which of its members hold them), so
 * the many updates that touch no followed role (nicknames, avatars, other roles) cost nothing
 * more. Updates of one member in a chunk are applied in order against the state as it
 * stands after the previous one; every change's pair goes into one batch for the chunk, then
 * each guild with a change flushes its alerts. The change rows are keyed by the event's
 * source id and conditional on the state (`drift.repo.ts`), so a redelivered chunk adds
 * nothing.
 */
export const driftMemberRolesHook = defineLakeHook({
  name: 'analytics-drift-member-roles',
  types: ['GUILD_MEMBER_UPDATE'],
  // The read, the change batch, and a flush per guild with changes (rare: dangerous roles).
  cost: (n) => 2 + FLUSH_COST * Math.min(n, FLUSHED_GUILDS),
  handler: async (ctx, events) => {
    const updates = events.flatMap((e) => {
      const member = e.payload as Partial<GatewayGuildMemberUpdateDispatchData> | null;
      return member?.user?.id && Array.isArray(member.roles) ? [{ sourceId: e.sourceId, guildId: e.guildId, userId: member.user.id, roles: new Set(member.roles) }] : [];
    });
    const view = await membersView(ctx.db, updates);
    if (view.size === 0) return;
    const stmts: BatchItem<'sqlite'>[] = [];
    const changed = new Map<string, GuildDrift>();
    const now = Date.now();
    for (const u of updates) {
      const roles = view.get(u.guildId);
      if (!roles) continue;
      const drift = changed.get(u.guildId) ?? new GuildDrift(ctx.db, u.guildId);
      const seen: Seen = { key: u.sourceId, source: 'gateway', at: now };
      const before = stmts.length;
      for (const r of roles) {
        const held = r.holders.has(u.userId);
        if (u.roles.has(r.roleId) && !held) {
          stmts.push(...drift.holderAdded(r.roleId, u.userId, seen));
          r.holders.add(u.userId);
        } else if (!u.roles.has(r.roleId) && held) {
          stmts.push(...drift.holderRemoved(r.roleId, u.userId, seen));
          r.holders.delete(u.userId);
        }
      }
      if (stmts.length > before) changed.set(u.guildId, drift);
    }
    if (stmts.length === 0) return;
    await ctx.db.batch(stmts as [BatchItem<'sqlite'>, ...BatchItem<'sqlite'>[]]);
    for (const [guildId, drift] of changed) await flushAlerts(ctx, ctx.config(guildId), drift);
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
  driftMemberRemoveEvent,
  driftAuditEntryEvent,
];
