/**
 * What `/stats roles` and the dashboard share: the drift report rendered as lines, and
 * accepting the current state as the new baseline (audited, one batch).
 */
import type { Db } from '../../../db/client';
import type { GuildConfig } from '../../../core/guild-config.repo';
import { UserError } from '../../../core/errors';
import { GuildDrift, type DriftItem } from './drift.repo';
import { dangerousNames, permissionDelta } from './permissions';

/** One difference as a sentence (mentions render without pinging). */
export function describeItem(item: DriftItem): string {
  const role = `<@&${item.roleId}> (${item.roleName})`;
  switch (item.kind) {
    case 'role.added':
      return `${role} now carries ${dangerousNames(item.after).join(', ')}`;
    case 'role.removed':
      return `${role} no longer carries a dangerous permission (or was deleted)`;
    case 'role.permissions': {
      const d = permissionDelta(item.before, item.after);
      return `${role}: ${[d.gained.length ? `+${d.gained.join(', +')}` : '', d.lost.length ? `−${d.lost.join(', −')}` : ''].filter(Boolean).join(' ')}`;
    }
    case 'holder.added':
      return `<@${item.userId}> holds ${role}`;
    case 'holder.removed':
      return `<@${item.userId}> no longer holds ${role}`;
  }
}

/** Accepts the current state as the baseline; returns how many differences it cleared. */
export async function acceptBaseline(db: Db, config: GuildConfig, guildId: string, actorId: string, source: 'command' | 'dashboard', now = Date.now()): Promise<number> {
  const drift = new GuildDrift(db, guildId);
  const report = await drift.drift();
  if (report.baselineAt === null) throw new UserError('drift_no_baseline', 'There is no baseline yet: the first nightly check takes it. Try again after it has run.');
  await config.audited(
    actorId,
    'analytics.drift.baseline',
    { baselineAt: report.baselineAt, baselineBy: report.baselineBy },
    { baselineAt: now, baselineBy: actorId, cleared: report.items.length },
    ...drift.acceptStatements(actorId, now, source),
  );
  return report.items.length;
}
