/**
 * `/api-keys create|list|revoke` for managers of small servers (administrator level, which
 * Manage Server and Administrator hold): the same `GuildApiKeys` service and audit as the
 * dashboard. The new key's secret is in the ephemeral reply only (never in a log).
 */
import { defineCommandGroup, opt, sub } from '../../../core/define';
import type { AutocompleteContext } from '../../../core/context';
import { UserError } from '../../../core/errors';
import { API_KEY_SCOPES, API_KEY_TIER_NAMES, API_KEY_TIERS, type ApiKeyScope, type ApiKeyTier } from '../../../core/api/key-scopes';
import { GuildApiKeys, keyStatus } from '../../../core/api/keys';
import { usageOf } from '../usage';

const DAY_MS = 24 * 3600_000;

/** `"cases:read, applications:read"` → scopes; a clear error naming an unknown one. */
export function parseScopes(text: string): ApiKeyScope[] {
  const names = text.split(/[\s,]+/).filter(Boolean);
  const unknown = names.filter((n) => !(API_KEY_SCOPES as readonly string[]).includes(n));
  if (unknown.length) throw new UserError('unknown_scope', `Unknown scope ${unknown.map((u) => `\`${u.slice(0, 40)}\``).join(', ')}. Scopes: ${API_KEY_SCOPES.map((s) => `\`${s}\``).join(', ')}.`);
  if (!names.length) throw new UserError('no_scope', 'Give at least one scope.');
  return [...new Set(names)] as ApiKeyScope[];
}

async function suggestKeys(ctx: AutocompleteContext, typed: string) {
  if (!ctx.guildId) return [];
  const rows = await new GuildApiKeys(ctx.db, ctx.guildId).list();
  return rows
    .filter((r) => keyStatus(r) === 'live' && `${r.name} ${r.prefix} ${r.id}`.toLowerCase().includes(typed.toLowerCase()))
    .slice(0, 25)
    .map((r) => ({ name: `${r.name} (${r.prefix}…)`.slice(0, 100), value: r.id }));
}

export const apiKeysCommand = defineCommandGroup({
  name: 'api-keys',
  description: 'API keys for the public API (websites, scripts)',
  level: 'administrator',
  defaultMemberPermissions: '32', // Manage Server
  subcommands: {
    create: sub({
      description: 'Create an API key (shown once)',
      options: {
        name: opt.string('What will use the key', { required: true, maxLength: 64 }),
        scopes: opt.string(`Comma-separated: ${API_KEY_SCOPES.join(', ')}`.slice(0, 100), { required: true, maxLength: 200 }),
        tier: opt.string('Quota tier (default basic)', { choices: API_KEY_TIER_NAMES.map((t) => ({ name: `${t}: ${API_KEY_TIERS[t].perMinute}/min, ${API_KEY_TIERS[t].perMonth}/month`, value: t })) }),
        expires_in_days: opt.integer('Days until the key expires (default never)', { minValue: 1, maxValue: 366 }),
        origins: opt.string('Websites allowed to use it from a browser, comma-separated (https://example.org)', { maxLength: 500 }),
      },
      handler: async (ctx, { name, scopes, tier, expires_in_days, origins }) => {
        const { row, secret } = await new GuildApiKeys(ctx.db, ctx.guild).create(ctx.config, ctx.user.id, {
          name: name.trim(),
          scopes: parseScopes(scopes),
          tier: (tier ?? 'basic') as ApiKeyTier,
          origins: (origins ?? '').split(/[\s,]+/).filter(Boolean),
          expiresAt: expires_in_days ? Date.now() + expires_in_days * DAY_MS : null,
        });
        return ctx.reply({
          ephemeral: true,
          content: [
            `Created **${row.name}** (\`${row.id}\`, scopes ${row.scopes.map((s) => `\`${s}\``).join(', ')}, tier ${row.tier}${row.expiresAt ? `, expires <t:${Math.floor(row.expiresAt / 1000)}:R>` : ''}).`,
            'Copy the key now: it is shown only this once.',
            `\`\`\`\n${secret}\n\`\`\``,
            'Use it as `Authorization: Bearer <key>` under `/api/v1/guilds/<server id>/…`.',
          ].join('\n'),
        });
      },
    }),
    list: sub({
      description: 'List the API keys of this server with their usage',
      handler: async (ctx) => {
        const rows = (await new GuildApiKeys(ctx.db, ctx.guild).list()).slice(0, 20);
        if (!rows.length) return ctx.reply({ ephemeral: true, content: 'This server has no API keys. Create one with `/api-keys create` or on the dashboard.' });
        const usage = await usageOf(ctx.env, rows);
        const lines = rows.map((r) => {
          const u = usage.get(r.id);
          const status = keyStatus(r);
          const used = u ? `${u.month.used}/${u.limits.perMonth} this month${u.lastUsedAt ? `, last used <t:${Math.floor(u.lastUsedAt / 1000)}:R>` : ', never used'}` : '';
          return `${status === 'live' ? '🟢' : '⛔'} **${r.name}** \`${r.prefix}…\` (${status}) · ${r.scopes.join(', ')} · ${used}`;
        });
        return ctx.reply({ ephemeral: true, content: lines.join('\n').slice(0, 2000) });
      },
    }),
    revoke: sub({
      description: 'Revoke an API key at once',
      options: { key: opt.string('The key', { required: true, autocomplete: suggestKeys }) },
      handler: async (ctx, { key }) => {
        const row = await new GuildApiKeys(ctx.db, ctx.guild).revoke(ctx.user.id, key.trim());
        return ctx.reply({ ephemeral: true, content: `Revoked **${row.name}** (\`${row.prefix}…\`): it is refused from now on.` });
      },
    }),
  },
});
