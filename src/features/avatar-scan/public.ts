/**
 * The avatar-scan feature's public surface: the only file other features may import.
 */
import type { BaseContext } from '../../core/context';
import { GuildConfig } from '../../core/guild-config.repo';
import { enqueueScan } from './enqueue';
import { AVATAR_SCAN_MODULE } from './module';

/** Who to scan, and the application whose review card shows the result. */
export interface AvatarScanTarget {
  guildId: string;
  userId: string;
  /** The user's avatar hash; `null` (default avatar) is recorded as no risk by the scanner. */
  avatarHash: string | null;
  applicationId?: string | number;
}

/**
 * Queues an avatar scan unless the guild turned the `avatar-scan` module off. The scanner
 * Worker answers later through the gate's `applyAvatarRisk`.
 * @returns whether a scan was queued
 */
export async function requestAvatarScan(ctx: Pick<BaseContext, 'env' | 'db'>, target: AvatarScanTarget): Promise<boolean> {
  if (!(await new GuildConfig(ctx.db, target.guildId).moduleEnabled(AVATAR_SCAN_MODULE, true))) return false;
  await enqueueScan(ctx.env, {
    guildId: target.guildId,
    userId: target.userId,
    avatarHash: target.avatarHash,
    ...(target.applicationId !== undefined ? { applicationId: String(target.applicationId) } : {}),
  });
  return true;
}
