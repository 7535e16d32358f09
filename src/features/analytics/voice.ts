/**
 * Voice minutes from the lake's VOICE_STATE_UPDATE rows: a member is in a channel from an
 * update naming it until their next update (in the same guild), at most
 * {@link VOICE_SESSION_CAP_MS}, and never past `until` (the rollup's "now"). Time is split
 * across the UTC hours it overlaps; only hours in `[fromHour, untilHour]` are returned.
 * Pure, so the rollup and the tests' oracle agree on what a "voice minute" is.
 */
import { HOUR_MS, VOICE_SESSION_CAP_MS, hourOf } from './periods';

/** One voice update as the lake holds it. */
export interface VoiceUpdate {
  guildId: string;
  userId: string;
  /** The channel the member is in after the update; null = left voice. */
  channelId: string | null;
  occurredAt: number;
}

/** Voice minutes per guild-hour and per channel-hour (rounded to whole minutes per cell). */
export interface VoiceCells {
  guild: { guildId: string; hour: number; minutes: number }[];
  channel: { guildId: string; hour: number; channelId: string; minutes: number }[];
}

/** Splits voice sessions into hour cells. `updates` may be in any order. */
export function voiceCells(updates: readonly VoiceUpdate[], fromHour: number, until: number): VoiceCells {
  const byMember = new Map<string, VoiceUpdate[]>();
  for (const u of updates) {
    const key = `${u.guildId}\u0000${u.userId}`;
    let list = byMember.get(key);
    if (!list) byMember.set(key, (list = []));
    list.push(u);
  }
  const guildMs = new Map<string, number>();
  const channelMs = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  const windowStart = fromHour * HOUR_MS;
  for (const list of byMember.values()) {
    list.sort((a, b) => a.occurredAt - b.occurredAt);
    for (let i = 0; i < list.length; i++) {
      const u = list[i]!;
      if (!u.channelId) continue;
      const next = list[i + 1]?.occurredAt ?? Number.POSITIVE_INFINITY;
      const start = Math.max(u.occurredAt, windowStart);
      const end = Math.min(next, u.occurredAt + VOICE_SESSION_CAP_MS, until);
      for (let t = start; t < end; ) {
        const h = hourOf(t);
        const stop = Math.min(end, (h + 1) * HOUR_MS);
        add(guildMs, `${u.guildId}\u0000${h}`, stop - t);
        add(channelMs, `${u.guildId}\u0000${h}\u0000${u.channelId}`, stop - t);
        t = stop;
      }
    }
  }
  const out: VoiceCells = { guild: [], channel: [] };
  for (const [key, ms] of guildMs) {
    const [guildId, hour] = key.split('\u0000') as [string, string];
    const minutes = Math.round(ms / 60_000);
    if (minutes > 0) out.guild.push({ guildId, hour: Number(hour), minutes });
  }
  for (const [key, ms] of channelMs) {
    const [guildId, hour, channelId] = key.split('\u0000') as [string, string, string];
    const minutes = Math.round(ms / 60_000);
    if (minutes > 0) out.channel.push({ guildId, hour: Number(hour), channelId, minutes });
  }
  return out;
}
