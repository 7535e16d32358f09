/**
 * The API keys' vocabulary, with no imports (route definitions and the commands read it): the
 * scopes a key may hold and the quota tiers.
 */
/** Every scope a key may hold. `:read` scopes reach GET routes, `:write` scopes the others. */
export const API_KEY_SCOPES = ['guild:read', 'applications:read', 'cases:read', 'notes:read', 'economy:read', 'stats:read', 'economy:write', 'notes:write'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** What each scope opens, for the dashboard and the docs. */
export const API_KEY_SCOPE_LABELS: Record<ApiKeyScope, string> = {
  'guild:read': 'The server summary (name, modules)',
  'applications:read': 'Applications and their status',
  'cases:read': 'Moderation cases and members’ histories (without private notes)',
  'notes:read': 'Private staff notes in members’ histories',
  'economy:read': 'Leaderboards and wallets',
  'stats:read': 'Statistics (overview, reviewer metrics)',
  'economy:write': 'Award and deduct currency',
  'notes:write': 'Add staff notes',
};

/** Quota tiers: requests per UTC minute and per UTC calendar month, counted exactly per key. */
export const API_KEY_TIERS = {
  basic: { perMinute: 60, perMonth: 10_000 },
  standard: { perMinute: 300, perMonth: 100_000 },
  high: { perMinute: 1_200, perMonth: 1_000_000 },
} as const;
export type ApiKeyTier = keyof typeof API_KEY_TIERS;
export const API_KEY_TIER_NAMES = Object.keys(API_KEY_TIERS) as [ApiKeyTier, ...ApiKeyTier[]];

