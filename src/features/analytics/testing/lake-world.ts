/**
 * Random event sets for the analytics tests and the bench: gateway dispatches as the relay
 * queues them (so they go through the real consumer into the lake), command-log rows, and a
 * direct count of what the rollups should hold, computed from the generated events alone.
 */
import type { QueuedEvent } from '../../../core/events';
import { snowflake } from '../../../testing/snowflake';
import { HOUR_MS, VOICE_SESSION_CAP_MS } from '../periods';

/** A tiny deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One generated event, with what the oracle needs. */
export interface GenEvent {
  kind: 'MESSAGE_CREATE' | 'MESSAGE_REACTION_ADD' | 'VOICE_STATE_UPDATE' | 'GUILD_MEMBER_ADD' | 'GUILD_MEMBER_REMOVE' | 'COMMAND' | 'INTERACTION';
  guildId: string;
  channelId: string | null;
  userId: string;
  at: number;
  bot: boolean;
  /** MESSAGE_CREATE: the member's joined_at carried by the payload. */
  memberJoinedAt?: number;
  queued?: QueuedEvent;
}

/** Options of a random world. */
export interface WorldShape {
  guilds: string[];
  channels: number;
  users: number;
  events: number;
  /** First hour (hours since epoch) and how many hours the events span. */
  fromHour: number;
  hours: number;
  seed: number;
}

let serial = 0;

/** Generates `shape.events` events at whole minutes, ~1 in 12 by a bot. */
export function randomWorld(shape: WorldShape): GenEvent[] {
  const rnd = prng(shape.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const out: GenEvent[] = [];
  const kinds: GenEvent['kind'][] = ['MESSAGE_CREATE', 'MESSAGE_CREATE', 'MESSAGE_CREATE', 'MESSAGE_CREATE', 'MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_ADD', 'VOICE_STATE_UPDATE', 'VOICE_STATE_UPDATE', 'GUILD_MEMBER_ADD', 'GUILD_MEMBER_REMOVE', 'COMMAND', 'INTERACTION'];
  for (let i = 0; i < shape.events; i++) {
    const guildId = pick(shape.guilds);
    const kind = pick(kinds);
    const user = `${guildId.slice(0, 8)}${String(100000000 + Math.floor(rnd() * shape.users)).padStart(11, '0')}`;
    const at = shape.fromHour * HOUR_MS + Math.floor(rnd() * shape.hours * 60) * 60_000;
    const channel = `${guildId.slice(0, 6)}${String(500000000 + Math.floor(rnd() * shape.channels)).padStart(13, '0')}`;
    const bot = kind !== 'COMMAND' && kind !== 'INTERACTION' && rnd() < 1 / 12;
    const e: GenEvent = { kind, guildId, userId: user, at, bot, channelId: null };
    const sourceId = `test:${shape.seed}:${++serial}`;
    switch (kind) {
      case 'MESSAGE_CREATE': {
        e.channelId = channel;
        e.memberJoinedAt = shape.fromHour * HOUR_MS - Math.floor(rnd() * 100) * 86_400_000;
        const payload = { id: snowflake(at), channel_id: channel, guild_id: guildId, author: { id: user, bot, username: 'x' }, content: '', member: { roles: [], joined_at: new Date(e.memberJoinedAt).toISOString() } };
        e.queued = { type: kind, sourceId, guildId, payload, receivedAt: at + 50 };
        break;
      }
      case 'MESSAGE_REACTION_ADD':
        e.channelId = channel;
        e.queued = { type: kind, sourceId, guildId, payload: { user_id: user, channel_id: channel, guild_id: guildId, message_id: snowflake(at), emoji: { name: '👍', id: null }, member: { user: { id: user, bot }, roles: [] } }, receivedAt: at };
        break;
      case 'VOICE_STATE_UPDATE':
        e.channelId = rnd() < 0.3 ? null : channel;
        e.queued = { type: kind, sourceId, guildId, payload: { guild_id: guildId, user_id: user, channel_id: e.channelId, session_id: 's', self_mute: false, self_deaf: false, member: { user: { id: user, bot }, roles: [] } }, receivedAt: at };
        break;
      case 'GUILD_MEMBER_ADD':
        e.queued = { type: kind, sourceId, guildId, payload: { guild_id: guildId, user: { id: user, bot, username: 'x' }, roles: [], joined_at: new Date(at).toISOString() }, receivedAt: at + 10 };
        break;
      case 'GUILD_MEMBER_REMOVE':
        e.queued = { type: kind, sourceId, guildId, payload: { guild_id: guildId, user: { id: user, bot, username: 'x' } }, receivedAt: at };
        break;
      default:
        break;
    }
    out.push(e);
  }
  return out;
}

/** The command-log rows of a world's interactions. */
export function commandRows(events: readonly GenEvent[]) {
  return events
    .filter((e) => e.kind === 'COMMAND' || e.kind === 'INTERACTION')
    .map((e, i) => ({
      interactionId: `it-${e.at}-${i}`,
      guildId: e.guildId,
      userId: e.userId,
      command: e.kind === 'COMMAND' ? '/stats activity' : 'gate.accept:1',
      outcome: 'ok',
      latencyMs: 3,
      createdAt: e.at,
    }));
}

const ACTIVE = new Set(['MESSAGE_CREATE', 'MESSAGE_REACTION_ADD', 'VOICE_STATE_UPDATE', 'COMMAND', 'INTERACTION']);

/** What a guild hour should hold. */
export interface ExpectedHour {
  messages: number;
  members: number;
  reactions: number;
  voiceMinutes: number;
  joins: number;
  leaves: number;
  commands: number;
}

/**
 * The rollups counted straight from the events (bots left out), voice by walking every
 * minute: a member is in the channel of their last update (within the session cap).
 */
export function expected(events: readonly GenEvent[], until: number) {
  const people = events.filter((e) => !e.bot);
  const guildHours = new Map<string, ExpectedHour & { who: Set<string> }>();
  const channelHours = new Map<string, { messages: number; members: number; reactions: number; voiceMinutes: number; who: Set<string> }>();
  const gh = (g: string, h: number) => {
    const k = `${g}|${h}`;
    let v = guildHours.get(k);
    if (!v) guildHours.set(k, (v = { messages: 0, members: 0, reactions: 0, voiceMinutes: 0, joins: 0, leaves: 0, commands: 0, who: new Set() }));
    return v;
  };
  const ch = (g: string, h: number, c: string) => {
    const k = `${g}|${h}|${c}`;
    let v = channelHours.get(k);
    if (!v) channelHours.set(k, (v = { messages: 0, members: 0, reactions: 0, voiceMinutes: 0, who: new Set() }));
    return v;
  };
  for (const e of people) {
    const h = Math.floor(e.at / HOUR_MS);
    const g = gh(e.guildId, h);
    if (e.kind === 'MESSAGE_CREATE') g.messages++;
    if (e.kind === 'MESSAGE_REACTION_ADD') g.reactions++;
    if (e.kind === 'GUILD_MEMBER_ADD') g.joins++;
    if (e.kind === 'GUILD_MEMBER_REMOVE') g.leaves++;
    if (e.kind === 'COMMAND') g.commands++;
    if (ACTIVE.has(e.kind)) g.who.add(e.userId);
    if (e.channelId && (e.kind === 'MESSAGE_CREATE' || e.kind === 'MESSAGE_REACTION_ADD' || e.kind === 'VOICE_STATE_UPDATE')) {
      const c = ch(e.guildId, h, e.channelId);
      if (e.kind === 'MESSAGE_CREATE') c.messages++;
      if (e.kind === 'MESSAGE_REACTION_ADD') c.reactions++;
      c.who.add(e.userId);
    }
  }
  // Voice, minute by minute.
  const voice = people.filter((e) => e.kind === 'VOICE_STATE_UPDATE').sort((a, b) => a.at - b.at);
  const byMember = new Map<string, GenEvent[]>();
  for (const v of voice) byMember.set(`${v.guildId}|${v.userId}`, [...(byMember.get(`${v.guildId}|${v.userId}`) ?? []), v]);
  const guildVoice = new Map<string, number>();
  const channelVoice = new Map<string, number>();
  for (const list of byMember.values()) {
    const first = list[0]!.at;
    for (let m = first; m < until; m += 60_000) {
      let last: GenEvent | undefined;
      for (const v of list) if (v.at <= m) last = v;
      if (!last?.channelId || m - last.at >= VOICE_SESSION_CAP_MS) continue;
      const h = Math.floor(m / HOUR_MS);
      guildVoice.set(`${last.guildId}|${h}`, (guildVoice.get(`${last.guildId}|${h}`) ?? 0) + 1);
      const ck = `${last.guildId}|${h}|${last.channelId}`;
      channelVoice.set(ck, (channelVoice.get(ck) ?? 0) + 1);
    }
  }
  for (const [k, n] of guildVoice) {
    const [g, h] = k.split('|') as [string, string];
    gh(g, Number(h)).voiceMinutes = n;
  }
  for (const [k, n] of channelVoice) {
    const [g, h, c] = k.split('|') as [string, string, string];
    ch(g, Number(h), c).voiceMinutes = n;
  }
  for (const v of guildHours.values()) v.members = v.who.size;
  for (const v of channelHours.values()) v.members = v.who.size;
  return { guildHours, channelHours };
}
