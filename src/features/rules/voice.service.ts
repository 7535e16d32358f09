/**
 * Voice minutes, with durable state only (no timers): the voice lake hook records each member's
 * voice state (`voice_states`) from `VOICE_STATE_UPDATE`; every minute a cron turns the current
 * states into `VOICE_MINUTE` facts for the rules engine: one per member in a voice channel with
 * at least two non-bot members, not muted or deafened. A fact's source id is
 * `VOICE_MINUTE:<user>:<minute>`, so a repeated cron run (or a retried batch) for the same
 * minute fires nothing twice (the firing key and the ledger key derive from it).
 */
import { and, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { LakeEvent } from '../../core/define';
import type { Db } from '../../db/client';
import type { EventFacts } from './engine';
import { voiceStates } from './schema';

/** A state this old without a change earns nothing (a leave the gateway lost must not pay forever). */
export const VOICE_STALE_MS = 12 * 3_600_000;
/** Rows of members who left are kept this long (they order late deliveries), then dropped. */
const LEFT_KEEP_MS = 86_400_000;

/** One statement per member (the latest of the batch), guarded by the state's time. */
export async function recordVoiceStates(db: Db, events: readonly LakeEvent[]): Promise<void> {
  const latest = new Map<string, LakeEvent>();
  for (const e of events) {
    if (!e.facts.userId) continue;
    const k = `${e.guildId}:${e.facts.userId}`;
    const prev = latest.get(k);
    if (!prev || prev.facts.occurredAt <= e.facts.occurredAt) latest.set(k, e);
  }
  const statements = [...latest.values()].map((e) => {
    const s = e.facts.summary;
    const row = {
      guildId: e.guildId,
      userId: e.facts.userId!,
      channelId: e.facts.channelId,
      muted: s.muted === true || s.deafened === true,
      bot: s.bot === true,
      roleIds: s.roleIds ?? null,
      at: e.facts.occurredAt,
    };
    return db
      .insert(voiceStates)
      .values(row)
      .onConflictDoUpdate({
        target: [voiceStates.guildId, voiceStates.userId],
        set: { channelId: row.channelId, muted: row.muted, bot: row.bot, roleIds: sql`excluded.role_ids`, at: row.at },
        setWhere: sql`excluded.at >= ${voiceStates.at}`,
      });
  });
  if (statements.length > 0) await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
}

/** The `VOICE_MINUTE` facts of minute `minute` (minutes since the epoch), by guild. */
export async function voiceMinuteFacts(db: Db, minute: number): Promise<Map<string, EventFacts[]>> {
  const now = minute * 60_000;
  const rows = await db.select().from(voiceStates).where(isNotNull(voiceStates.channelId));
  const byChannel = new Map<string, typeof rows>();
  for (const r of rows) {
    if (now - r.at > VOICE_STALE_MS) continue;
    const k = `${r.guildId}:${r.channelId}`;
    byChannel.set(k, [...(byChannel.get(k) ?? []), r]);
  }
  const out = new Map<string, EventFacts[]>();
  for (const members of byChannel.values()) {
    if (members.filter((m) => !m.bot).length < 2) continue;
    for (const m of members) {
      if (m.bot || m.muted) continue;
      const facts: EventFacts = {
        sourceId: `VOICE_MINUTE:${m.userId}:${minute}`,
        type: 'VOICE_MINUTE',
        guildId: m.guildId,
        userId: m.userId,
        channelId: m.channelId,
        occurredAt: now,
        bot: false,
        ...(m.roleIds ? { roleIds: m.roleIds } : {}),
      };
      out.set(m.guildId, [...(out.get(m.guildId) ?? []), facts]);
    }
  }
  return out;
}

/** Drops the rows of members who left voice more than a day ago. */
export async function pruneLeftVoice(db: Db, now: number): Promise<void> {
  await db.delete(voiceStates).where(and(isNull(voiceStates.channelId), lt(voiceStates.at, now - LEFT_KEEP_MS)));
}
