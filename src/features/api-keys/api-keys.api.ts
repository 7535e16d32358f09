/**
 * The dashboard's key management (managers): list the guild's keys with their usage, create
 * one (the secret is in this answer only), rotate one with an overlap, revoke one. Every change
 * goes through `GuildApiKeys` (`src/core/api/keys.ts`) and is audited (`api_key.*`). None of
 * these routes has a `keyScope`: a key cannot manage keys.
 */
import * as z from 'zod';
import { defineApiRoute } from '../../core/api/define';
import { API_KEY_SCOPES, API_KEY_SCOPE_LABELS, API_KEY_TIERS, API_KEY_TIER_NAMES } from '../../core/api/key-scopes';
import { GuildApiKeys, keyView, MAX_OVERLAP_MS, type ApiKeyView } from '../../core/api/keys';
import { usageOf, type KeyUsage } from './usage';

const MAX_EXPIRY_MS = 366 * 24 * 3600_000;

const usageSchema = z.object({
  minute: z.object({ used: z.number(), startsAt: z.number() }),
  month: z.object({ used: z.number(), startsAt: z.number() }),
  total: z.number(),
  refusedThisMonth: z.number(),
  lastUsedAt: z.number().nullable(),
  limits: z.object({ perMinute: z.number(), perMonth: z.number() }),
});

const keySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  origins: z.array(z.string()),
  tier: z.string(),
  createdBy: z.string(),
  createdAt: z.number(),
  expiresAt: z.number().nullable(),
  revokedAt: z.number().nullable(),
  revokedBy: z.string().nullable(),
  rotatedTo: z.string().nullable(),
  rotatedFrom: z.string().nullable(),
  status: z.enum(['live', 'expired', 'revoked']),
  usage: usageSchema.optional(),
});

const withUsage = (view: ApiKeyView, usage: Map<string, KeyUsage>) => ({ ...view, ...(usage.has(view.id) ? { usage: usage.get(view.id) } : {}) });

/** `GET /api-keys`: the keys (newest first, at most 100) with usage, and the scopes and tiers on offer. */
export const listKeysRoute = defineApiRoute({
  method: 'get',
  path: '/guilds/{guildId}/api-keys',
  access: 'manager',
  summary: 'The server’s API keys with their usage, and the scopes and tiers a key may have',
  response: z.object({
    keys: z.array(keySchema),
    scopes: z.array(z.object({ name: z.string(), label: z.string() })),
    tiers: z.array(z.object({ name: z.string(), perMinute: z.number(), perMonth: z.number() })),
  }),
  handler: async (ctx) => {
    const now = Date.now();
    const rows = (await new GuildApiKeys(ctx.db, ctx.guild).list()).slice(0, 100);
    const usage = await usageOf(ctx.env, rows);
    return {
      keys: rows.map((r) => withUsage(keyView(r, now), usage)),
      scopes: API_KEY_SCOPES.map((name) => ({ name, label: API_KEY_SCOPE_LABELS[name] })),
      tiers: API_KEY_TIER_NAMES.map((name) => ({ name, ...API_KEY_TIERS[name] })),
    };
  },
});

const origin = z
  .string()
  .trim()
  .regex(/^https?:\/\/[^/?#\s]+$/, 'must be an origin such as https://example.org (no path)');

/** `POST /api-keys`: a new key; `secret` is shown once and never again. */
export const createKeyRoute = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/api-keys',
  access: 'manager',
  summary: 'Create an API key (the secret is in this answer only)',
  status: 201,
  request: {
    body: z.object({
      name: z.string().trim().min(1, 'Name the key (what uses it).').max(64, 'At most 64 characters.'),
      scopes: z.array(z.enum(API_KEY_SCOPES)).min(1, 'Pick at least one scope.'),
      origins: z.array(origin).max(10, 'At most 10 origins.').default([]),
      tier: z.enum(API_KEY_TIER_NAMES).default('basic'),
      expiresAt: z.iso
        .datetime({ offset: true })
        .refine((v) => Date.parse(v) > Date.now(), 'must be in the future')
        .refine((v) => Date.parse(v) <= Date.now() + MAX_EXPIRY_MS, 'must be within a year')
        .nullable()
        .default(null),
    }),
  },
  response: z.object({ key: keySchema, secret: z.string() }),
  handler: async (ctx, { body }) => {
    const { row, secret } = await new GuildApiKeys(ctx.db, ctx.guild).create(ctx.config, ctx.user.id, { ...body, expiresAt: body.expiresAt ? Date.parse(body.expiresAt) : null });
    return { key: keyView(row), secret };
  },
});

const keyParams = z.object({ keyId: z.string().regex(/^key_[0-9a-f]{16}$/, 'must be a key id (key_…)') });

/** `POST /api-keys/{keyId}/rotate`: a successor; the old key stays valid for `overlapHours`. */
export const rotateKeyRoute = defineApiRoute({
  method: 'post',
  path: '/guilds/{guildId}/api-keys/{keyId}/rotate',
  access: 'manager',
  summary: 'Rotate an API key: a new secret (shown once); the old one keeps working for the overlap',
  request: {
    params: keyParams,
    body: z.object({ overlapHours: z.number().min(0).max(MAX_OVERLAP_MS / 3600_000, 'At most 30 days (720 hours).').default(24) }),
  },
  response: z.object({ key: keySchema, secret: z.string(), old: keySchema }),
  handler: async (ctx, { params, body }) => {
    const { row, secret, old } = await new GuildApiKeys(ctx.db, ctx.guild).rotate(ctx.user.id, params.keyId, Math.round(body.overlapHours * 3600_000));
    return { key: keyView(row), secret, old: keyView(old) };
  },
});

/** `DELETE /api-keys/{keyId}`: revoked at once. */
export const revokeKeyRoute = defineApiRoute({
  method: 'delete',
  path: '/guilds/{guildId}/api-keys/{keyId}',
  access: 'manager',
  summary: 'Revoke an API key (refused from the next request on)',
  request: { params: keyParams },
  response: z.object({ key: keySchema }),
  handler: async (ctx, { params }) => ({ key: keyView(await new GuildApiKeys(ctx.db, ctx.guild).revoke(ctx.user.id, params.keyId)) }),
});

export const apiKeysApi = [listKeysRoute, createKeyRoute, rotateKeyRoute, revokeKeyRoute];
