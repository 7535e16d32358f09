import type { GatewayGuildMemberUpdateDispatchData } from 'discord-api-types/v10';
import { defineLakeHook } from '../../../core/define';
import { AvatarScans } from '../avatar-scans.repo';
import type { ScanRequest } from '../scan-request';

/** Hashes one read may ask about (each is a bound parameter; D1 allows 100 a statement). */
const HASHES_PER_READ = 90;

/**
 * `GUILD_MEMBER_UPDATE`, a chunk at a time after the lake write: members who changed their
 * avatar get it scanned, as on join. Most member updates are role or nickname changes, so the
 * hook looks the chunk's hashes up in one read and queues scans (one `sendBatch`) only for
 * pictures this model has not scored yet; default avatars and bots are skipped. A lake hook,
 * not a per-event handler, so member updates stay on the batched path (role drift's hook reads
 * once per chunk too). A redelivered chunk queues at most once more, and the scanner's cache
 * by avatar hash makes that a no-op.
 */
export const scanOnAvatarChangeHook = defineLakeHook({
  name: 'scan-avatar-on-change',
  types: ['GUILD_MEMBER_UPDATE'],
  // The lookup(s) and one queue send.
  cost: (n) => Math.ceil(n / HASHES_PER_READ) + 1,
  handler: async (ctx, events) => {
    const wanted = new Map<string, ScanRequest>();
    for (const e of events) {
      const user = (e.payload as Partial<GatewayGuildMemberUpdateDispatchData> | null)?.user;
      if (!user?.avatar || user.bot) continue;
      wanted.set(`${e.guildId}:${user.id}:${user.avatar}`, { guildId: e.guildId, userId: user.id, avatarHash: user.avatar });
    }
    if (wanted.size === 0) return;
    const hashes = [...new Set([...wanted.values()].map((r) => r.avatarHash!))];
    const scans = new AvatarScans(ctx.db);
    const known = new Set<string>();
    for (let i = 0; i < hashes.length; i += HASHES_PER_READ) for (const h of await scans.scoredByThisModel(hashes.slice(i, i + HASHES_PER_READ))) known.add(h);
    const requests = [...wanted.values()].filter((r) => !known.has(r.avatarHash!));
    if (requests.length > 0) await ctx.env.SCANS.sendBatch(requests.map((body) => ({ body, contentType: 'json' as const })));
  },
});
