/**
 * A key's usage as the dashboard and `/api-keys list` show it: the counts of its quota
 * Durable Object (`src/core/api/quota.object.ts`) beside its tier's limits.
 */
import { API_KEY_TIERS, type ApiKeyTier } from '../../core/api/key-scopes';
import type { QuotaUsage } from '../../core/api/quota.object';

/** Usage and limits of one key. */
export interface KeyUsage extends QuotaUsage {
  limits: { perMinute: number; perMonth: number };
}

/** Reads the usage of each key (one Durable Object call each, in parallel). */
export async function usageOf(env: Env, keys: readonly { id: string; tier: string }[]): Promise<Map<string, KeyUsage>> {
  const entries = await Promise.all(
    keys.map(async (k) => {
      const stub = env.API_KEY_QUOTA.get(env.API_KEY_QUOTA.idFromName(k.id));
      const usage = (await stub.usage()) as QuotaUsage;
      const tier = API_KEY_TIERS[k.tier as ApiKeyTier] ?? API_KEY_TIERS.basic;
      return [k.id, { ...usage, limits: { perMinute: tier.perMinute, perMonth: tier.perMonth } }] as const;
    }),
  );
  return new Map(entries);
}
