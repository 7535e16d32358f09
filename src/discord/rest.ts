/**
 * The one HTTP client for Discord's REST API. Base URL from `DISCORD_API_BASE`, `Bot` auth,
 * JSON and multipart bodies, `X-Audit-Log-Reason`, per-route bucket tracking and bounded
 * 429 retries. Resource modules (`channels.ts`, `members.ts`, …) are thin typed wrappers.
 *
 * Every call is bounded, because its caller may hold a 60 s event claim or a cron run:
 * - each attempt times out after `timeoutMs` (default 10 s);
 * - a 5xx, network error or timeout is retried (at most `transientRetries`, exponential
 *   backoff with full jitter) only for requests that are safe to repeat: every method but
 *   POST, and POSTs marked `idempotent` (a message posted with `nonce` + `enforce_nonce`,
 *   opening a DM). A timed-out or failed POST may have been applied, so it is not repeated;
 * - a retry starts only while the call is younger than `timeoutMs`, so a call settles within
 *   about twice `timeoutMs` plus any rate-limit wait (at most `maxWaitMs` each);
 * - invalid answers (401/403/429) are counted per isolate and sending stops before Discord's
 *   10,000-per-10-minutes ban (`InvalidRequestGuard`).
 *
 * Errors and logs name the route template (`routeOf`), never the raw path: interaction
 * webhook paths carry the interaction's token.
 */
import { DiscordApiError, DiscordNetworkError, RateLimitedError } from './errors';
import { InvalidRequestGuard } from './invalid-requests';

/** Discord requires a `DiscordBot (url, version)` user agent. */
const USER_AGENT = 'DiscordBot (https://github.com/gatehouse-bot/gatehouse, 0.1.0)';

/** Discord's production API. */
export const DEFAULT_API_BASE = 'https://discord.com/api/v10';

/** A file to upload with a multipart request. */
export interface RestFile {
  name: string;
  data: Blob | Uint8Array | string;
  contentType?: string;
}

/** Options of one request. */
export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as `X-Audit-Log-Reason` (URI-encoded, cut to Discord's 512 characters). */
  reason?: string;
  files?: RestFile[];
  /** Interaction webhooks authenticate by token in the path: no `Authorization` header. */
  auth?: boolean;
  /**
   * Safe to send twice (retried after a 5xx, network error or timeout). Default: true for
   * every method but POST. Mark a POST only when Discord dedupes it (`enforce_nonce`) or it
   * is a lookup in POST's clothing (opening a DM channel).
   */
  idempotent?: boolean;
}

/** How the client is configured. */
export interface RestOptions {
  token: string;
  baseUrl?: string;
  /** 429 retries before `RateLimitedError`. */
  maxRetries?: number;
  /** A single wait for a rate limit longer than this fails instead of sleeping. */
  maxWaitMs?: number;
  /** Timeout of one attempt (ms), default 10 s: well under the events consumer's 60 s claim. */
  timeoutMs?: number;
  /** Retries of a request safe to repeat after a 5xx, network error or timeout. Default 2. */
  transientRetries?: number;
  /** Backoff before the n-th of those retries: random in [0, backoffMs × 2^(n−1)). Default 250. */
  backoffMs?: number;
  /** Counter of invalid answers; default the isolate's (`InvalidRequestGuard.isolate`, 9,000). */
  invalidRequests?: InvalidRequestGuard;
  fetch?: typeof fetch;
}

/** Default timeout of one REST attempt (ms). */
export const DEFAULT_REST_TIMEOUT_MS = 10_000;

interface Bucket {
  limit: number;
  remaining: number;
  resetAt: number;
}

/**
 * A route's identity for rate limiting: `route` (method and path with ids collapsed, the
 * key Discord's bucket hash is learned under) and `major` (the channel, guild or webhook the
 * limit is counted per: Discord counts a bucket per hash and major parameter).
 */
export function routeOf(method: string, path: string): { route: string; major: string } {
  const major = /^\/(channels|guilds|webhooks)\/(\d+)(?:\/([^/?]+))?/.exec(path);
  const route = path
    .replace(/\/reactions\/.*/, '/reactions/:reaction')
    .replace(/^\/webhooks\/(\d+)\/[^/?]+/, '/webhooks/:id/:token')
    .replace(/^\/interactions\/(\d+)\/[^/?]+/, '/interactions/:id/:token')
    .replace(/\/\d{15,21}/g, '/:id');
  const majorKey = !major ? '' : major[1] === 'webhooks' ? `${major[2]}/${major[3] ?? ''}` : major[2]!;
  return { route: `${method} ${route}`, major: majorKey };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A Discord REST client. Create one per environment (cheap); bucket state is per isolate. */
export class RestClient {
  readonly baseUrl: string;
  private readonly token: string;
  private readonly maxRetries: number;
  private readonly maxWaitMs: number;
  private readonly timeoutMs: number;
  private readonly transientRetries: number;
  private readonly backoffMs: number;
  private readonly invalidRequests: InvalidRequestGuard;
  private readonly fetchImpl: typeof fetch;
  private static readonly routeBuckets = new Map<string, string>();
  private static readonly buckets = new Map<string, Bucket>();

  constructor({
    token,
    baseUrl = DEFAULT_API_BASE,
    maxRetries = 3,
    maxWaitMs = 10_000,
    timeoutMs = DEFAULT_REST_TIMEOUT_MS,
    transientRetries = 2,
    backoffMs = 250,
    invalidRequests = InvalidRequestGuard.isolate,
    fetch: f,
  }: RestOptions) {
    if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`);
    this.token = token;
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.maxRetries = maxRetries;
    this.maxWaitMs = maxWaitMs;
    this.timeoutMs = timeoutMs;
    this.transientRetries = transientRetries;
    this.backoffMs = backoffMs;
    this.invalidRequests = invalidRequests;
    this.fetchImpl = f ?? ((input, init) => fetch(input, init));
  }

  /** GET */
  get<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, options);
  }
  /** POST */
  post<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, options);
  }
  /** PATCH */
  patch<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('PATCH', path, options);
  }
  /** PUT */
  put<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('PUT', path, options);
  }
  /** DELETE */
  delete<T>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }

  /**
   * Sends one request, waiting out exhausted buckets, retrying 429s up to `maxRetries` and,
   * when it is safe to repeat, 5xx answers, network errors and timeouts up to
   * `transientRetries`. Resolves with the parsed JSON body (`undefined` for 204); rejects
   * with `DiscordApiError`, `RateLimitedError` (or its `InvalidRequestLimitError`) or
   * `DiscordNetworkError`.
   */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const { route, major } = routeOf(method, path);
    const key = `${this.baseUrl} ${route}`;
    const idempotent = options.idempotent ?? method !== 'POST';
    const started = Date.now();
    let transient = 0;
    /** Waits before a retry after a 5xx or network failure; false when none is allowed. */
    const retryTransient = async (): Promise<boolean> => {
      if (!idempotent || transient >= this.transientRetries || Date.now() - started >= this.timeoutMs) return false;
      transient++;
      await sleep(Math.random() * this.backoffMs * 2 ** (transient - 1));
      return true;
    };
    for (let attempt = 0; ; attempt++) {
      this.invalidRequests.check(route);
      await this.waitForBucket(key, major);
      const signal = AbortSignal.timeout(this.timeoutMs);
      let response: Response;
      let text: string;
      try {
        response = await this.fetchImpl(this.url(path, options.query), { ...this.init(method, options), signal });
        text = response.status === 204 ? '' : await response.text();
      } catch (error) {
        if (await retryTransient()) continue;
        const detail = (error instanceof Error ? error.message : String(error)).replaceAll(this.baseUrl + path, route).replaceAll(path, route);
        throw new DiscordNetworkError(route, signal.aborted, attempt + 1, detail);
      }
      this.updateBucket(key, major, response);
      if (InvalidRequestGuard.counts(response)) this.invalidRequests.record();
      const data: unknown = text ? safeJson(text) : undefined;
      if (response.status === 429 && attempt - transient < this.maxRetries) {
        const waitMs = retryAfterMs(response, data);
        if (waitMs > this.maxWaitMs) throw new RateLimitedError(key, waitMs);
        await sleep(waitMs);
        continue;
      }
      if (response.status === 429) throw new RateLimitedError(key, retryAfterMs(response, data));
      if (response.status >= 500 && (await retryTransient())) continue;
      if (response.status === 204) return undefined as T;
      if (!response.ok) {
        const err = (data ?? {}) as { code?: number; message?: string; errors?: unknown };
        throw new DiscordApiError(response.status, typeof err.code === 'number' ? err.code : 0, err.message ?? response.statusText, route, err.errors);
      }
      return data as T;
    }
  }

  private url(path: string, query?: RequestOptions['query']): string {
    let url = this.baseUrl + path;
    if (query) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
      const qs = params.toString();
      if (qs) url += `?${qs}`;
    }
    return url;
  }

  private init(method: string, options: RequestOptions): RequestInit {
    const headers = new Headers({ 'User-Agent': USER_AGENT });
    if (options.auth !== false) headers.set('Authorization', `Bot ${this.token}`);
    if (options.reason) headers.set('X-Audit-Log-Reason', encodeURIComponent(options.reason.slice(0, 512)));
    let body: BodyInit | undefined;
    if (options.files?.length) {
      const form = new FormData();
      if (options.body !== undefined) form.append('payload_json', JSON.stringify(options.body));
      options.files.forEach((file, i) => {
        const blob =
          file.data instanceof Blob ? file.data : new Blob([file.data as Uint8Array<ArrayBuffer> | string], { type: file.contentType ?? 'application/octet-stream' });
        form.append(`files[${i}]`, blob, file.name);
      });
      body = form;
    } else if (options.body !== undefined) {
      headers.set('Content-Type', 'application/json');
      body = JSON.stringify(options.body);
    }
    return { method, headers, body };
  }

  /**
   * Waits until the bucket of `key` for `major` has a request left, and takes it, so
   * concurrent callers queue behind one another instead of all firing at the reset.
   */
  private async waitForBucket(key: string, major: string): Promise<void> {
    for (;;) {
      const hash = RestClient.routeBuckets.get(key);
      const bucket = hash ? RestClient.buckets.get(`${hash}:${major}`) : undefined;
      if (!bucket) return;
      const now = Date.now();
      if (bucket.resetAt <= now) {
        bucket.remaining = bucket.limit;
        bucket.resetAt = now + 1000; // refreshed by Discord's next answer
      }
      if (bucket.remaining > 0) {
        bucket.remaining--;
        return;
      }
      const waitMs = bucket.resetAt - now;
      if (waitMs > this.maxWaitMs) throw new RateLimitedError(key, waitMs);
      await sleep(waitMs);
    }
  }

  private updateBucket(key: string, major: string, response: Response): void {
    const hash = response.headers.get('X-RateLimit-Bucket');
    const limit = response.headers.get('X-RateLimit-Limit');
    const remaining = response.headers.get('X-RateLimit-Remaining');
    const resetAfter = response.headers.get('X-RateLimit-Reset-After');
    if (!hash || remaining === null || resetAfter === null) return;
    RestClient.routeBuckets.set(key, hash);
    RestClient.buckets.set(`${hash}:${major}`, {
      limit: Number(limit ?? remaining) || 1,
      remaining: Number(remaining),
      resetAt: Date.now() + Number(resetAfter) * 1000,
    });
  }
}

function retryAfterMs(response: Response, data: unknown): number {
  const body = data as { retry_after?: number } | undefined;
  const seconds = body?.retry_after ?? Number(response.headers.get('Retry-After') ?? 1);
  return Math.ceil(seconds * 1000);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
