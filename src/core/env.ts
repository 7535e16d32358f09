/**
 * The bot Worker's configuration: every var and secret of the README's configuration table,
 * parsed with zod once per isolate (memoised per `env` object) into typed values. A bad value
 * is a `ConfigError` that names the variable; the Worker answers `/interactions` with a JSON
 * 500 carrying its text, `/health` with a 503, and crons and the queue consumer fail, so a
 * misconfigured deploy is loud instead of quietly running with a default. Values are never
 * echoed in the error (some are secrets).
 */
import * as z from 'zod';
import { subrequestBudgetSchema } from './budget';
import { importPublicKey } from './verify';

const SNOWFLAKE = /^\d{17,20}$/;

/** A var whose empty or missing value means `fallback`. */
function integer(fallback: number, min: number, max: number, unit: string) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return fallback;
      const n = Number(value);
      if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number of ${unit} from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });
}

/** An optional URL var: empty means unset. */
function url(protocols: readonly string[], fallback: string) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value.trim() === '') return fallback;
      let parsed: URL | undefined;
      try {
        parsed = new URL(value);
      } catch {
        parsed = undefined;
      }
      if (!parsed || !protocols.includes(parsed.protocol)) {
        ctx.addIssue({ code: 'custom', message: `must be a ${protocols.map((p) => `${p}//`).join(' or ')} URL` });
        return z.NEVER;
      }
      return value.replace(/\/+$/, '');
    });
}

const required = (what: string) =>
  z
    .string({ error: `is not set (${what})` })
    .transform((v) => v.trim())
    .refine((v) => v !== '', { message: `is not set (${what})` });

/** The configuration schema. Add a variable here, to the README table and to wrangler.toml. */
export const configSchema = z.object({
  DISCORD_PUBLIC_KEY: required('the public key from the Developer Portal').refine((v) => /^[0-9a-fA-F]{64}$/.test(v), {
    message: 'must be 64 hex characters (the public key from the Developer Portal)',
  }),
  DISCORD_APPLICATION_ID: required("the application's id").refine((v) => SNOWFLAKE.test(v), { message: 'must be a Discord id (17 to 20 digits)' }),
  DISCORD_BOT_TOKEN: required('the bot token, a secret'),
  DISCORD_CLIENT_SECRET: z.string().optional(),
  DISCORD_API_BASE: url(['https:', 'http:'], 'https://discord.com/api/v10'),
  DISCORD_GATEWAY_URL: url(['wss:', 'ws:'], ''),
  INTERACTION_MAX_AGE_S: integer(300, 1, 3600, 'seconds'),
  DEFER_AFTER_MS: integer(2500, 0, 2900, 'milliseconds'),
  COMMAND_LOG_FLUSH_MS: integer(200, 0, 10_000, 'milliseconds'),
  GATEWAY_INTENTS: integer(38535, 1, 2 ** 31 - 1, 'intent bits'),
  EVENT_MAX_ATTEMPTS: integer(5, 1, 100, 'attempts'),
  EVENT_RETENTION_DAYS: integer(7, 1, 3650, 'days'),
  LAKE_MESSAGE_RETENTION_DAYS: integer(1, 1, 3650, 'days'),
  ANALYTICS_HOURLY_DAYS: integer(14, 2, 90, 'days'),
  ANALYTICS_RETENTION_DAYS: integer(365, 7, 3650, 'days'),
  SUBREQUEST_BUDGET: subrequestBudgetSchema,
  TURSO_DATABASE_URL: url(['libsql:', 'https:', 'http:', 'wss:', 'ws:'], ''),
  TURSO_AUTH_TOKEN: z.string().optional(),
  BOT_OWNER_IDS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const ids = (value ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id !== '');
      if (ids.some((id) => !SNOWFLAKE.test(id))) {
        ctx.addIssue({ code: 'custom', message: 'must be Discord user ids separated by commas' });
        return z.NEVER;
      }
      return ids;
    }),
  DASHBOARD_SECRET: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return null;
      if (value.length < 32) {
        ctx.addIssue({ code: 'custom', message: 'must be at least 32 characters (or unset: the Discord token is then not kept after login)' });
        return z.NEVER;
      }
      return value;
    }),
  // Outgoing webhooks (src/features/webhooks, docs/api.md).
  WEBHOOKS_SECRET: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return null;
      if (value.length < 32) {
        ctx.addIssue({ code: 'custom', message: 'must be at least 32 characters (or unset, which leaves outgoing webhooks off)' });
        return z.NEVER;
      }
      return value;
    }),
  WEBHOOKS_LOCAL: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const v = (value ?? '').trim().toLowerCase();
      if (v === '' || v === 'false' || v === '0') return false;
      if (v === 'true' || v === '1') return true;
      ctx.addIssue({ code: 'custom', message: 'must be true or false' });
      return z.NEVER;
    }),
  WEBHOOK_MAX_ATTEMPTS: integer(8, 1, 20, 'attempts'),
  WEBHOOK_DISABLE_AFTER: integer(24, 1, 1000, 'failed attempts'),
  WEBHOOK_TIMEOUT_MS: integer(10_000, 500, 30_000, 'milliseconds'),
  WEBHOOK_DOH_URL: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const v = (value ?? '').trim();
      if (v === '') return 'https://cloudflare-dns.com/dns-query';
      if (v === 'off') return '';
      if (!/^https:\/\/[^\s]+$/.test(v)) {
        ctx.addIssue({ code: 'custom', message: 'must be an https:// DNS-over-HTTPS JSON endpoint, or off' });
        return z.NEVER;
      }
      return v;
    }),
  HEALTH_TOKEN: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return null;
      if (value.length < 16) {
        ctx.addIssue({ code: 'custom', message: 'must be at least 16 characters (or unset, which turns /health/detail off)' });
        return z.NEVER;
      }
      return value;
    }),
});

/**
 * Secrets that are read when present but not in wrangler.toml's `[secrets] required` (a
 * required secret would break every existing local setup), so `wrangler types` leaves them
 * out of `Env`.
 */
export interface OptionalSecrets {
  HEALTH_TOKEN?: string;
  DASHBOARD_SECRET?: string;
  WEBHOOKS_SECRET?: string;
  TURSO_AUTH_TOKEN?: string;
}

/** The parsed configuration. */
export type Config = z.output<typeof configSchema>;

/** A configuration problem: which variables are wrong and why, values left out. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly variables: readonly string[],
  ) {
    super(message);
  }
}

/** The outcome of parsing one env object. */
export type ConfigResult = { ok: true; config: Config } | { ok: false; error: ConfigError };

const parsed = new WeakMap<object, ConfigResult>();
const logged = new Set<string>();

function parse(env: object): ConfigResult {
  const result = configSchema.safeParse(env);
  if (result.success) return { ok: true, config: result.data };
  const variables = [...new Set(result.error.issues.map((issue) => String(issue.path[0] ?? '?')))];
  const text = result.error.issues.map((issue) => `${String(issue.path[0] ?? '?')} ${issue.message}`).join('; ');
  const error = new ConfigError(`Configuration error: ${text}.`, variables);
  // Once per isolate per distinct problem, however many env objects or requests see it.
  if (!logged.has(error.message)) {
    logged.add(error.message);
    console.error(JSON.stringify({ msg: 'configuration error', variables, error: error.message }));
  }
  return { ok: false, error };
}

/** The configuration of `env`, parsed on first use and remembered for the isolate's life. */
export function loadConfig(env: Env | object): ConfigResult {
  let result = parsed.get(env);
  if (!result) {
    result = parse(env);
    parsed.set(env, result);
  }
  return result;
}

/** The configuration of `env`; throws the `ConfigError` when it is bad. */
export function appConfig(env: Env | object): Config {
  const result = loadConfig(env);
  if (!result.ok) throw result.error;
  return result.config;
}

/** The configuration with the public key imported, or what is wrong with it. */
export type CheckedConfig = { ok: true; config: Config; key: CryptoKey } | { ok: false; error: ConfigError };
const checkedByEnv = new WeakMap<object, Promise<CheckedConfig>>();

/**
 * `env`'s configuration with the public key imported, once per env object: a key of the
 * right length that WebCrypto refuses is as much a configuration error as a malformed one.
 */
export function checkedConfig(env: Env): Promise<CheckedConfig> {
  let checked = checkedByEnv.get(env);
  if (!checked) {
    checked = (async (): Promise<CheckedConfig> => {
      const loaded = loadConfig(env);
      if (!loaded.ok) return loaded;
      try {
        return { ok: true, config: loaded.config, key: await importPublicKey(loaded.config.DISCORD_PUBLIC_KEY) };
      } catch {
        const error = new ConfigError('Configuration error: DISCORD_PUBLIC_KEY is not a valid Ed25519 public key.', ['DISCORD_PUBLIC_KEY']);
        console.error(JSON.stringify({ msg: 'configuration error', variables: error.variables, error: error.message }));
        return { ok: false, error };
      }
    })();
    checkedByEnv.set(env, checked);
  }
  return checked;
}
