/**
 * `createDiscord(env)`: the REST client and one thin module per Discord resource.
 */
import { RestClient, DEFAULT_API_BASE, type RestOptions } from './rest';
import { applications } from './resources/applications';
import { channels } from './resources/channels';
import { commands } from './resources/commands';
import { gateway } from './resources/gateway';
import { guilds } from './resources/guilds';
import { interactions } from './resources/interactions';
import { members } from './resources/members';
import { users } from './resources/users';

export { RestClient, DEFAULT_API_BASE, DEFAULT_REST_TIMEOUT_MS } from './rest';
export type { RestFile, RequestOptions, RestOptions } from './rest';
export { DiscordApiError, DiscordNetworkError, InvalidRequestLimitError, RateLimitedError, describeDiscordError } from './errors';
export { InvalidRequestGuard } from './invalid-requests';
export { messageNonce } from './nonce';

/** What the client reads from the environment. */
export interface DiscordEnv {
  DISCORD_BOT_TOKEN: string;
  DISCORD_APPLICATION_ID: string;
  DISCORD_API_BASE?: string;
}

/** Typed access to every Discord resource the bot uses. */
export type Discord = ReturnType<typeof buildDiscord>;

function buildDiscord(rest: RestClient, applicationId: string) {
  return {
    rest,
    applicationId,
    interactions: interactions(rest, applicationId),
    applications: applications(rest),
    channels: channels(rest),
    members: members(rest),
    guilds: guilds(rest),
    users: users(rest),
    commands: commands(rest, applicationId),
    gateway: gateway(rest),
  };
}

/** Client settings a caller may override (see `RestOptions`), and a subrequest counter. */
export type DiscordOptions = Pick<RestOptions, 'maxRetries' | 'maxWaitMs' | 'timeoutMs' | 'transientRetries' | 'backoffMs' | 'invalidRequests'> & {
  /** Called before every HTTP request the client sends (each retry too): a subrequest counter. */
  countSubrequest?: (n: number) => void;
};

/**
 * A Discord client for `env` (base URL from `DISCORD_API_BASE`). `maxWaitMs`: a rate-limit
 * wait longer than this throws `RateLimitedError` instead of sleeping (default 10 s);
 * `timeoutMs`: each attempt's timeout (default 10 s); see `RestOptions` for the rest.
 */
export function createDiscord(env: DiscordEnv, options: DiscordOptions = {}): Discord {
  const { countSubrequest, ...restOptions } = options;
  const rest = new RestClient({
    token: env.DISCORD_BOT_TOKEN,
    baseUrl: env.DISCORD_API_BASE || DEFAULT_API_BASE,
    ...restOptions,
    ...(countSubrequest
      ? {
          fetch: (input: RequestInfo | URL, init?: RequestInit) => {
            countSubrequest(1);
            return fetch(input, init);
          },
        }
      : {}),
  });
  return buildDiscord(rest, env.DISCORD_APPLICATION_ID);
}
