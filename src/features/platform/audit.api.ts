/**
 * The audit log for the dashboard (managers): who changed what when, with before and after,
 * filtered by actor and area; and revert, which applies an entry's before state through the
 * same service that made the change (so the revert is itself audited), only while the
 * current state is still the entry's after state.
 */
import * as z from 'zod';
import { defineApiRoute, type ApiContext } from '../../core/api/define';
import { ApiError } from '../../core/api/errors';
import { GuildAuditLog, areaOf } from '../../core/audit-log.repo';
import { UserError } from '../../core/errors';
import type { AuditLogRow } from '../../core/schema';
import { isStaffLevel } from '../../core/staff';
import { REVERTIBLE_FORM_ACTIONS, revertFormChange } from '../gate/public';

const CURSOR = /^(\d{1,16})\.(\d{1,16})$/;
const anySettings = z.record(z.string(), z.unknown());

/** Whether `revert` can undo an entry of this action. */
export function isRevertible(action: string): boolean {
  return /^(channel|staff_role|module|settings)\./.test(action) || (REVERTIBLE_FORM_ACTIONS as readonly string[]).includes(action);
}

const entrySchema = z.object({
  id: z.number().int(),
  actorId: z.string(),
  action: z.string(),
  area: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  createdAt: z.number(),
  revertible: z.boolean(),
});

const toEntry = (r: AuditLogRow): z.input<typeof entrySchema> => ({
  id: r.id,
  actorId: r.actorId,
  action: r.action,
  area: areaOf(r.action),
  before: r.before ?? null,
  after: r.after ?? null,
  createdAt: r.createdAt,
  revertible: isRevertible(r.action),
});

/** `GET /audit?actor=&area=&cursor=`. */
export const listAuditRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/audit',
  access: 'manager',
  summary: 'The audit log, newest first, filtered by actor and area (channels, roles, modules, gate, moderation, …)',
  request: {
    query: z.object({
      actor: z.string().regex(/^\d{15,21}$/, 'must be a Discord id').optional(),
      area: z.string().regex(/^[a-z_-]{1,40}$/, 'not an area').optional(),
      cursor: z.string().regex(CURSOR, 'not a cursor from this API').optional(),
      limit: z.coerce.number().int().min(1).max(100).default(50),
    }),
  },
  response: z.object({ entries: z.array(entrySchema), next: z.string().nullable() }),
  handler: async (ctx, { query }) => {
    const m = query.cursor ? CURSOR.exec(query.cursor) : null;
    const { rows, next } = await new GuildAuditLog(ctx.db, ctx.guild).page({
      actorId: query.actor,
      area: query.area,
      before: m ? { at: Number(m[1]), id: Number(m[2]) } : undefined,
      limit: query.limit,
    });
    return { entries: rows.map(toEntry), next: next ? `${next.at}.${next.id}` : null };
  },
});

const conflict = () => new ApiError(409, 'revert_conflict', 'This has changed again since; revert the later change first.');
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Applies `entry.before` through the service that made the change. */
async function revert(ctx: ApiContext, entry: AuditLogRow): Promise<void> {
  const [head, ...rest] = entry.action.split('.');
  const name = rest.join('.');
  const snapshot = await ctx.config.snapshot();
  switch (head) {
    case 'channel': {
      if (!same(snapshot.channels[name] ?? null, entry.after)) throw conflict();
      await ctx.config.setChannel(ctx.user.id, name, typeof entry.before === 'string' ? entry.before : null);
      return;
    }
    case 'staff_role': {
      if (!same(snapshot.staffRoles.find((r) => r.roleId === name)?.level ?? null, entry.after)) throw conflict();
      await ctx.config.setStaffRole(ctx.user.id, name, typeof entry.before === 'string' && isStaffLevel(entry.before) ? entry.before : null);
      return;
    }
    case 'module': {
      if (!same(snapshot.modules[name] ?? null, entry.after)) throw conflict();
      const feature = ctx.registry.features.find((f) => f.name === name);
      await ctx.config.setModule(ctx.user.id, name, typeof entry.before === 'boolean' ? entry.before : (feature?.enabledByDefault ?? true));
      return;
    }
    case 'settings': {
      // Only the keys this entry changed go back, and only while they still hold its after value.
      const before = anySettings.parse(entry.before ?? {});
      const after = anySettings.parse(entry.after ?? {});
      const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !same(before[k], after[k]));
      await ctx.config.updateSettings(ctx.user.id, name, anySettings, (current) => {
        if (keys.some((k) => !same(current[k], after[k]))) throw conflict();
        const next = { ...current };
        for (const k of keys) {
          if (k in before) next[k] = before[k];
          else delete next[k];
        }
        return next;
      });
      return;
    }
    default:
      await revertFormChange(ctx, ctx.user.id, entry.action, entry.before, entry.after);
  }
}

/** `POST /audit/{entryId}/revert`. */
export const revertAuditRoute = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/audit/{entryId}/revert',
  access: 'manager',
  summary: 'Undo a change: its before state is applied through the same service (and audited)',
  request: { params: z.object({ entryId: z.coerce.number().int().positive() }) },
  response: z.object({ reverted: z.number().int(), entry: entrySchema.nullable() }),
  handler: async (ctx, { params }) => {
    const log = new GuildAuditLog(ctx.db, ctx.guild);
    const entry = await log.get(params.entryId);
    if (!entry) throw new ApiError(404, 'unknown_entry', `There is no audit entry ${params.entryId}.`);
    if (!isRevertible(entry.action)) throw new ApiError(409, 'revert_unsupported', `A "${entry.action}" entry cannot be reverted.`);
    try {
      await revert(ctx, entry);
    } catch (error) {
      if (error instanceof UserError && !(error instanceof ApiError)) throw new ApiError(409, error.code, error.message);
      throw error;
    }
    const [latest] = (await log.page({ actorId: ctx.user.id, limit: 1 })).rows;
    return { reverted: entry.id, entry: latest ? toEntry(latest) : null };
  },
});
