/**
 * API keys: a guild's credentials for the public API under `/api/v1` (`key-auth.ts`). A key is
 * `gh_live_` + 64 hex characters (256 random bits), shown once; the table keeps its SHA-256
 * and a visible prefix (`gh_live_ab12cd34`). A key carries scopes (which routes it reaches:
 * a route declares `keyScope`), allowed browser origins (CORS), a quota tier, an optional
 * expiry. Rotation makes a successor with the same settings and keeps the old key valid for
 * the chosen overlap; revocation is immediate (every request reads the row). Create, rotate and
 * revoke are audited (`api_key.*`) in the change's own batch.
 */
import { and, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { GuildConfig } from '../guild-config.repo';
import { auditLog } from '../schema';
import { ApiError } from './errors';
import type { ApiKeyScope, ApiKeyTier } from './key-scopes';
import { apiKeys, type ApiKeyRow } from './schema';

export { API_KEY_SCOPES, API_KEY_SCOPE_LABELS, API_KEY_TIERS, API_KEY_TIER_NAMES, type ApiKeyScope, type ApiKeyTier } from './key-scopes';

/** The secret's fixed start. */
export const KEY_PREFIX = 'gh_live_';
/** How many characters of a key lists show (`gh_live_` + 8 hex). */
export const VISIBLE_PREFIX_LENGTH = KEY_PREFIX.length + 8;
const TOKEN = /^gh_live_[0-9a-f]{64}$/;
/** Live keys a guild may hold at once. */
export const MAX_LIVE_KEYS = 25;
/** The longest rotation overlap. */
export const MAX_OVERLAP_MS = 30 * 24 * 3600_000;

/** The key a request authenticated with (what handlers see as `ctx.apiKey`). */
export interface ApiKeyInfo {
  id: string;
  guildId: string;
  name: string;
  scopes: readonly string[];
  origins: readonly string[];
  tier: ApiKeyTier;
}

/** A key as lists show it: everything but the hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  origins: string[];
  tier: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  revokedBy: string | null;
  rotatedTo: string | null;
  rotatedFrom: string | null;
  /** `live`, `expired` or `revoked` at `now`. */
  status: 'live' | 'expired' | 'revoked';
}

const hex = (bytes: ArrayBuffer | Uint8Array) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

/** True when `token` has the shape of a key (says nothing of whether it exists). */
export function isKeyShaped(token: string): boolean {
  return TOKEN.test(token);
}

/** Hex SHA-256 of a key: its row's `hash`. */
export async function hashKey(token: string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)));
}

/** A fresh secret and its id, prefix and hash. */
export async function newSecret(): Promise<{ id: string; secret: string; prefix: string; hash: string }> {
  const secret = KEY_PREFIX + hex(crypto.getRandomValues(new Uint8Array(32)));
  return { id: `key_${hex(crypto.getRandomValues(new Uint8Array(8)))}`, secret, prefix: secret.slice(0, VISIBLE_PREFIX_LENGTH), hash: await hashKey(secret) };
}

/** The row's status at `now`. */
export function keyStatus(row: Pick<ApiKeyRow, 'revokedAt' | 'expiresAt'>, now = Date.now()): ApiKeyView['status'] {
  if (row.revokedAt !== null) return 'revoked';
  if (row.expiresAt !== null && row.expiresAt <= now) return 'expired';
  return 'live';
}

/** The row without its hash. */
export function keyView(row: ApiKeyRow, now = Date.now()): ApiKeyView {
  const { hash: _hash, guildId: _guild, ...rest } = row;
  return { ...rest, scopes: [...row.scopes], origins: [...row.origins], status: keyStatus(row, now) };
}

/** The row a key's secret names, whatever its status; null when none. */
export async function findKeyByHash(db: Db, hash: string): Promise<ApiKeyRow | null> {
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.hash, hash)).limit(1);
  return row ?? null;
}

/** What a new key is made with. */
export interface NewKey {
  name: string;
  scopes: readonly ApiKeyScope[];
  origins?: readonly string[];
  tier?: ApiKeyTier;
  /** Epoch ms, or null for none. */
  expiresAt?: number | null;
}

/** A normalised browser origin (`https://example.org`), or an error naming the input. */
export function normaliseOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ApiError(422, 'invalid', `“${value}” is not an origin such as https://example.org.`);
  }
  if (!['https:', 'http:'].includes(url.protocol) || url.origin === 'null' || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new ApiError(422, 'invalid', `“${value}” is not an origin such as https://example.org (scheme, host, optional port; no path).`);
  }
  return url.origin;
}

/** A guild's keys (the guild is fixed at construction, so no query forgets it). */
export class GuildApiKeys {
  constructor(
    private readonly db: Db,
    readonly guildId: string,
  ) {}

  /** Every key of the guild, newest first (revoked and expired ones too). */
  async list(): Promise<ApiKeyRow[]> {
    return this.db.select().from(apiKeys).where(eq(apiKeys.guildId, this.guildId)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  }

  /** One key of the guild. */
  async get(id: string): Promise<ApiKeyRow | null> {
    const [row] = await this.db.select().from(apiKeys).where(and(eq(apiKeys.guildId, this.guildId), eq(apiKeys.id, id))).limit(1);
    return row ?? null;
  }

  private async liveCount(now: number): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)` })
      .from(apiKeys)
      .where(and(eq(apiKeys.guildId, this.guildId), isNull(apiKeys.revokedAt), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, now))));
    return Number(row?.n ?? 0);
  }

  /** Creates a key (audited `api_key.create`); the secret is returned once and never stored. */
  async create(config: GuildConfig, actorId: string, input: NewKey, now = Date.now()): Promise<{ row: ApiKeyRow; secret: string }> {
    if (input.expiresAt != null && input.expiresAt <= now) throw new ApiError(422, 'invalid', 'The expiry must be in the future.', { fields: { expiresAt: 'must be in the future' } });
    if ((await this.liveCount(now)) >= MAX_LIVE_KEYS) throw new ApiError(409, 'too_many_keys', `A server may hold at most ${MAX_LIVE_KEYS} live keys: revoke one first.`);
    const { id, secret, prefix, hash } = await newSecret();
    const row: ApiKeyRow = {
      id,
      guildId: this.guildId,
      name: input.name,
      prefix,
      hash,
      scopes: [...new Set(input.scopes)],
      origins: [...new Set((input.origins ?? []).map(normaliseOrigin))],
      tier: input.tier ?? 'basic',
      createdBy: actorId,
      createdAt: now,
      expiresAt: input.expiresAt ?? null,
      revokedAt: null,
      revokedBy: null,
      rotatedTo: null,
      rotatedFrom: null,
    };
    await config.audited(actorId, 'api_key.create', null, keyView(row, now), this.db.insert(apiKeys).values(row));
    return { row, secret };
  }

  /**
   * Makes the live key `id`'s successor (same name, scopes, origins, tier and expiry) and ends
   * the old key `overlapMs` from now (sooner if it expired sooner). One batch: the audit row,
   * the new row and the old row's update each guarded by "the old key is live and not rotated",
   * and a unique index on `rotated_from`, so two rotations at once give one successor.
   */
  async rotate(actorId: string, id: string, overlapMs: number, now = Date.now()): Promise<{ row: ApiKeyRow; secret: string; old: ApiKeyRow }> {
    const old = await this.get(id);
    if (!old) throw new ApiError(404, 'not_found', 'There is no such key.');
    if (keyStatus(old, now) !== 'live') throw new ApiError(409, 'key_not_live', 'Only a live key can be rotated (this one is revoked or expired).');
    if (old.rotatedTo) throw new ApiError(409, 'already_rotated', `This key was already rotated (to ${old.rotatedTo}).`);
    const { id: newId, secret, prefix, hash } = await newSecret();
    const oldEnds = Math.min(old.expiresAt ?? Number.POSITIVE_INFINITY, now + Math.max(0, Math.min(overlapMs, MAX_OVERLAP_MS)));
    const guard = sql`exists (select 1 from ${apiKeys} where ${apiKeys.id} = ${id} and ${apiKeys.guildId} = ${this.guildId} and ${apiKeys.revokedAt} is null and ${apiKeys.rotatedTo} is null and (${apiKeys.expiresAt} is null or ${apiKeys.expiresAt} > ${now}))`;
    const row: ApiKeyRow = { ...old, id: newId, prefix, hash, createdBy: actorId, createdAt: now, rotatedFrom: id, rotatedTo: null };
    const before = keyView(old, now);
    const after = { old: { ...before, expiresAt: oldEnds, rotatedTo: newId }, new: keyView(row, now) };
    const json = (v: unknown) => JSON.stringify(v);
    const audit = this.db.insert(auditLog).select(sql`select null, ${this.guildId}, ${actorId}, 'api_key.rotate', ${json(before)}, ${json(after)}, ${now} where ${guard}`);
    const insert = this.db
      .insert(apiKeys)
      .select(
        sql`select ${newId}, ${this.guildId}, ${row.name}, ${prefix}, ${hash}, ${json(row.scopes)}, ${json(row.origins)}, ${row.tier}, ${actorId}, ${now}, ${row.expiresAt}, null, null, null, ${id} where ${guard}`,
      );
    const update = this.db
      .update(apiKeys)
      .set({ expiresAt: oldEnds, rotatedTo: newId })
      .where(and(eq(apiKeys.id, id), eq(apiKeys.guildId, this.guildId), isNull(apiKeys.revokedAt), isNull(apiKeys.rotatedTo)))
      .returning({ id: apiKeys.id });
    try {
      const [, , updated] = await this.db.batch([audit, insert, update]);
      if (updated.length === 0) throw new ApiError(409, 'key_not_live', 'The key changed meanwhile (revoked, expired or rotated): reload and try again.');
    } catch (error) {
      if (error instanceof ApiError) throw error;
      if (/UNIQUE/i.test(String(error))) throw new ApiError(409, 'already_rotated', 'This key was rotated meanwhile.');
      throw error;
    }
    return { row, secret, old: { ...old, expiresAt: oldEnds, rotatedTo: newId } };
  }

  /** Revokes a key at once (audited `api_key.revoke`); revoking a revoked key changes nothing. */
  async revoke(actorId: string, id: string, now = Date.now()): Promise<ApiKeyRow> {
    const old = await this.get(id);
    if (!old) throw new ApiError(404, 'not_found', 'There is no such key.');
    if (old.revokedAt !== null) return old;
    const revoked: ApiKeyRow = { ...old, revokedAt: now, revokedBy: actorId };
    const guard = sql`exists (select 1 from ${apiKeys} where ${apiKeys.id} = ${id} and ${apiKeys.guildId} = ${this.guildId} and ${apiKeys.revokedAt} is null)`;
    const json = (v: unknown) => JSON.stringify(v);
    const audit = this.db.insert(auditLog).select(sql`select null, ${this.guildId}, ${actorId}, 'api_key.revoke', ${json(keyView(old, now))}, ${json(keyView(revoked, now))}, ${now} where ${guard}`);
    const update = this.db
      .update(apiKeys)
      .set({ revokedAt: now, revokedBy: actorId })
      .where(and(eq(apiKeys.id, id), eq(apiKeys.guildId, this.guildId), isNull(apiKeys.revokedAt)));
    await this.db.batch([audit, update]);
    return (await this.get(id)) ?? revoked;
  }
}
