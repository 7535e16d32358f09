/**
 * Control client for the fake Discord API. Uses only `fetch`, so it runs in Node and inside
 * workerd (vitest-pool-workers) alike.
 *
 * ```ts
 * const fake = await FakeDiscord.create(url);          // isolated session
 * env.DISCORD_API_BASE = fake.apiBase;                  // http://127.0.0.1:PORT/s/<id>/api/v10
 * const g = await fake.seedGuild({ roles: [{ name: 'Verified' }], channels: [{ name: 'general' }] });
 * // … exercise the bot …
 * expect(await fake.calls({ method: 'POST', route: '/channels/{channel_id}/messages' })).toHaveLength(1);
 * await fake.assertNoViolations();
 * ```
 */
import type { APIApplicationCommand, APIBan, APIChannel, APIGuild, APIGuildMember, APIMessage, APIRole, APIUser } from 'discord-api-types/v10';
import type {
  AddMemberInput,
  AddUserInput,
  CallFilter,
  CreateSessionOptions,
  FailRule,
  FakeInteraction,
  InteractionRecord,
  NewInteractionInput,
  RecordedCall,
  SeedChannel,
  SeedGuildInput,
  SeedMessageInput,
  SeedRole,
  SeededGuild,
  SessionInfo,
  Violation,
} from './types.ts';

export type * from './types.ts';

/** Options for {@link FakeDiscord.waitForCall}. */
export interface WaitOptions {
  /** Give up after this many ms (default 2000). */
  timeoutMs?: number;
  /** Wait until at least this many matching calls exist (default 1). */
  count?: number;
}

/** Thrown by {@link FakeDiscord.assertNoViolations}. */
export class FakeDiscordViolationError extends Error {
  constructor(readonly violations: Violation[]) {
    super(
      `fake-discord recorded ${violations.length} violation(s):\n` +
        violations
          .map((v, i) => {
            const issues = v.issues.map((x) => `\n      - ${x.path || '(root)'} [${x.code}] ${x.message}`).join('');
            return `  ${i + 1}. [${v.kind}] ${v.method} ${v.path}${v.route ? ` (${v.route})` : ''}\n     ${v.reason}${issues}`;
          })
          .join('\n'),
    );
    this.name = 'FakeDiscordViolationError';
  }
}

/** A handle on one isolated session of a running fake Discord server. */
export class FakeDiscord {
  /** Value for DISCORD_API_BASE, e.g. `http://127.0.0.1:PORT/s/<id>/api/v10`. */
  readonly apiBase: string;
  /** The bot's application id (put it in the bot's DISCORD_APPLICATION_ID). */
  readonly applicationId: string;
  /** The bot's user id (equals the application id). */
  readonly botUserId: string;
  /** The application owner's user id (`GET /oauth2/applications/@me`). */
  readonly ownerId: string;
  /** The session id. */
  readonly sessionId: string;
  private readonly control: string;

  private constructor(
    readonly baseUrl: string,
    info: SessionInfo,
  ) {
    this.apiBase = `${baseUrl}${info.apiPath}`;
    this.applicationId = info.applicationId;
    this.botUserId = info.botUserId;
    this.ownerId = info.ownerId;
    this.sessionId = info.id;
    this.control = `${baseUrl}/_fake/s/${info.id}`;
  }

  /** Create an isolated session on the server at `baseUrl` (e.g. `http://127.0.0.1:8790`). */
  static async create(baseUrl: string, options: CreateSessionOptions = {}): Promise<FakeDiscord> {
    const base = baseUrl.replace(/\/+$/, '');
    const info = await request<SessionInfo>('POST', `${base}/_fake/sessions`, options);
    return new FakeDiscord(base, info);
  }

  /** Attach to an existing session (e.g. `default`). */
  static async attach(baseUrl: string, sessionId = 'default'): Promise<FakeDiscord> {
    const base = baseUrl.replace(/\/+$/, '');
    return new FakeDiscord(base, await request<SessionInfo>('GET', `${base}/_fake/s/${sessionId}`));
  }

  private req<T>(method: string, path: string, body?: unknown): Promise<T> {
    return request<T>(method, `${this.control}${path}`, body);
  }

  // ---------------------------------------------------------------- seeding

  /**
   * Create a guild with @everyone (id == guild id), the given roles and channels, its owner, the
   * bot's member and a managed bot role above every seeded role (unless `botRolePosition` says otherwise).
   */
  seedGuild(input: SeedGuildInput = {}): Promise<SeededGuild> {
    return this.req('POST', '/guilds', input);
  }

  /** Add a member (a new user unless `userId` is given); returns the member's user id. */
  async addMember(guildId: string, input: AddMemberInput = {}): Promise<string> {
    const member = await this.req<APIGuildMember>('POST', `/guilds/${guildId}/members`, input);
    return member.user.id;
  }

  /** Create a user who is not (yet) a member of anything; returns the user. */
  addUser(input: AddUserInput = {}): Promise<APIUser> {
    return this.req('POST', '/users', input);
  }

  /** Update a user, e.g. `{ dmsClosed: true }` so DMs to them fail with 50007. */
  updateUser(userId: string, patch: AddUserInput): Promise<APIUser> {
    return this.req('PATCH', `/users/${userId}`, patch);
  }

  /** Add a role to a seeded guild. */
  addRole(guildId: string, role: SeedRole & { position: number }): Promise<APIRole> {
    return this.req('POST', `/guilds/${guildId}/roles`, role);
  }

  /** Change a role as if staff did it in Discord (move it, rename it, mark it managed). */
  updateRole(guildId: string, roleId: string, patch: { name?: string; position?: number; managed?: boolean }): Promise<APIRole> {
    return this.req('PATCH', `/guilds/${guildId}/roles/${roleId}`, patch);
  }

  /** Delete a role as if staff did it in Discord (members lose it too). */
  async deleteRole(guildId: string, roleId: string): Promise<void> {
    await this.req('DELETE', `/guilds/${guildId}/roles/${roleId}`);
  }

  /** Delete a channel as if staff did it in Discord (later calls on it answer 404 10003). */
  async deleteChannel(channelId: string): Promise<void> {
    await this.req('DELETE', `/channels/${channelId}`);
  }

  /** Add a channel to a seeded guild. */
  addChannel(guildId: string, channel: Omit<SeedChannel, 'parent'> & { parentId?: string | null }): Promise<APIChannel> {
    return this.req('POST', `/guilds/${guildId}/channels`, channel);
  }

  /** Put a message into a channel's history as if a user had sent it (old `timestamp`s allowed). */
  seedMessage(channelId: string, input: SeedMessageInput = {}): Promise<APIMessage> {
    return this.req('POST', `/channels/${channelId}/messages`, input);
  }

  /** Register an interaction you are about to send to the bot: gives realistic id/token + tracks the 3 s deadline. */
  newInteraction(input: NewInteractionInput = {}): Promise<FakeInteraction> {
    return this.req('POST', '/interactions', input);
  }

  /** Set what `GET /gateway/bot` answers. */
  async setGatewayUrl(url: string, shards = 1): Promise<void> {
    await this.req('POST', '/gateway', { url, shards });
  }

  // ---------------------------------------------------------------- inspection

  /** A member as Discord would return it, or null when not a member. */
  member(guildId: string, userId: string): Promise<APIGuildMember | null> {
    return this.req('GET', `/guilds/${guildId}/members/${userId}`);
  }

  /** A guild (with roles) as Discord would return it, or null. */
  guild(guildId: string): Promise<APIGuild | null> {
    return this.req('GET', `/guilds/${guildId}`);
  }

  /** Messages currently in a channel, oldest first. */
  messages(channelId: string): Promise<APIMessage[]> {
    return this.req('GET', `/channels/${channelId}/messages`);
  }

  /** Bans of a guild. */
  bans(guildId: string): Promise<APIBan[]> {
    return this.req('GET', `/guilds/${guildId}/bans`);
  }

  /** Messages the bot sent to a user's DM channel, oldest first. */
  dms(userId: string): Promise<APIMessage[]> {
    return this.req('GET', `/users/${userId}/dms`);
  }

  /** What the bot answered to an interaction (callback, current @original, follow-ups), or null if nothing yet. */
  interactionResponses(token: string): Promise<InteractionRecord<APIMessage> | null> {
    return this.req('GET', `/interaction?token=${encodeURIComponent(token)}`);
  }

  /**
   * Report the bot's HTTP response to an interaction (the initial callback Discord receives as the
   * response body, which the fake cannot see). It is validated like
   * `POST /interactions/{id}/{token}/callback` (violations recorded), recorded as a call with header
   * `x-fake-discord-source: http-response`, and feeds {@link interactionResponses} (@original etc.).
   * Returns the status/body the real callback endpoint would have answered.
   */
  recordInteractionResponse(interaction: { id: string; token: string }, response: unknown): Promise<{ status: number; body: unknown }> {
    return this.req('POST', '/interaction-responses', { interactionId: interaction.id, token: interaction.token, response });
  }

  /** Registered application commands (global, or for a guild). */
  commands(guildId?: string): Promise<APIApplicationCommand[]> {
    return this.req('GET', guildId ? `/commands?guildId=${guildId}` : '/commands');
  }

  /** Recorded Discord API calls, oldest first. `route` is a Discord template; parameter names are ignored. */
  calls(filter: CallFilter = {}): Promise<RecordedCall[]> {
    const q = new URLSearchParams();
    if (filter.method) q.set('method', filter.method);
    if (filter.route) q.set('route', filter.route);
    if (filter.path) q.set('path', filter.path);
    const qs = q.toString();
    return this.req('GET', qs ? `/calls?${qs}` : '/calls');
  }

  /** Poll until `count` calls match (for work the bot finishes after responding, e.g. in waitUntil/queues). */
  async waitForCall(filter: CallFilter = {}, opts: WaitOptions = {}): Promise<RecordedCall[]> {
    const deadline = Date.now() + (opts.timeoutMs ?? 2000);
    const count = opts.count ?? 1;
    for (;;) {
      const calls = await this.calls(filter);
      if (calls.length >= count) return calls;
      if (Date.now() > deadline) {
        throw new Error(`fake-discord: timed out waiting for ${count} call(s) matching ${JSON.stringify(filter)} (got ${calls.length})`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Recorded violations (requests real Discord would reject or that break the API contract). */
  violations(): Promise<Violation[]> {
    return this.req('GET', '/violations');
  }

  /** OAuth2: the token exchanges answered (user, scopes), the access tokens revoked, how many are live. */
  oauth(): Promise<{ grants: { userId: string; scopes: string[] }[]; revoked: string[]; live: number }> {
    return this.req('GET', '/oauth');
  }

  /** The authorize page's URL of this session (`…/s/<id>/oauth2/authorize`). */
  get authorizeUrl(): string {
    return this.apiBase.replace(/\/api\/v10$/, '/oauth2/authorize');
  }

  /** Throw a readable {@link FakeDiscordViolationError} if any violation was recorded. */
  async assertNoViolations(): Promise<void> {
    const violations = await this.violations();
    if (violations.length > 0) throw new FakeDiscordViolationError(violations);
  }

  // ---------------------------------------------------------------- behaviour

  /**
   * Make the next matching call(s) fail. Defaults: `times` 1; 403 → code 50013 Missing Permissions;
   * 404 → the route's "Unknown …" code (10007 member, 10008 message, 10003 channel…); 429 → body
   * `{ retry_after, global: false }` + `Retry-After` and X-RateLimit-* headers (`retryAfter` default 1 s;
   * `scope` sets `X-RateLimit-Scope`, default `user`). `drop: true` closes the connection before the
   * request is applied (a network error for the client; recorded with status 0). `afterApply: true`
   * applies the request first, then fails: the effect happened but the client never heard.
   */
  async failNext(rule: FailRule): Promise<void> {
    await this.req('POST', '/fail', rule);
  }

  /** Drop pending `failNext` rules. */
  async clearFailures(): Promise<void> {
    await this.req('DELETE', '/fail');
  }

  /** Delay responses by `ms` (all routes, or one route/method). `setLatency(0)` clears every latency rule. */
  async setLatency(ms: number, opts: { route?: string; method?: string } = {}): Promise<void> {
    await this.req('POST', '/latency', { ms, ...opts });
  }

  /** Forget recorded calls and violations (state is kept). */
  async clearCalls(): Promise<void> {
    await this.req('DELETE', '/calls');
  }

  /** Reset the session: state, recordings, failures, latency (the application/bot ids stay). */
  async reset(): Promise<void> {
    await this.req('POST', '/reset');
  }

  /** Delete the session on the server. */
  async dispose(): Promise<void> {
    await this.req('DELETE', '');
  }
}

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) {
    let message = text;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) message = String(parsed.error);
    } catch {
      // not JSON
    }
    throw new Error(`fake-discord control ${method} ${url} failed: ${res.status} ${message}`);
  }
  return (text === '' ? undefined : JSON.parse(text)) as T;
}
