/**
 * The one HTTP client for Discord's REST API. Base URL from `DISCORD_API_BASE`, `Bot` auth,
 * JSON and multipart bodies, `X-Audit-Log-Reason`, per-route bucket tracking and bounded
 * 429 retries. Resource modules (`channels.ts`, `members.ts`, …) are thin typed wrappers.
 */
import { DiscordApiError, RateLimitedError } from './errors';

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
}

/** How the client is configured. */
export interface RestOptions {
  token: string;
  baseUrl?: string;
  /** 429 retries before `RateLimitedError`. */
  maxRetries?: number;
  /** A single wait for a rate limit longer than this fails instead of sleeping. */
  maxWaitMs?: number;
  fetch?: typeof fetch;
}

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
    .replace(/^\/webhooks\/(\d+)\/[^/]+/, '/webhooks/:id/:token')
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
  private readonly fetchImpl: typeof fetch;
  private static readonly routeBuckets = new Map<string, string>();
  private static readonly buckets = new Map<string, Bucket>();

  constructor({ token, baseUrl = DEFAULT_API_BASE, maxRetries = 3, maxWaitMs = 10_000, fetch: f }: RestOptions) {
    this.token = token;
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.maxRetries = maxRetries;
    this.maxWaitMs = maxWaitMs;
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
   * Sends one request, waiting out exhausted buckets and retrying 429s up to `maxRetries`.
   * Resolves with the parsed JSON body (`undefined` for 204); rejects with `DiscordApiError`.
   */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const { route, major } = routeOf(method, path);
    const key = `${this.baseUrl} ${route}`;
    for (let attempt = 0; ; attempt++) {
      await this.waitForBucket(key, major);
      const response = await this.fetchImpl(this.url(path, options.query), this.init(method, options));
      this.updateBucket(key, major, response);
      if (response.status === 429 && attempt < this.maxRetries) {
        const waitMs = await retryAfterMs(response);
        if (waitMs > this.maxWaitMs) throw new RateLimitedError(key, waitMs);
        await sleep(waitMs);
        continue;
      }
      if (response.status === 429) throw new RateLimitedError(key, await retryAfterMs(response));
      if (response.status === 204) return undefined as T;
      const text = await response.text();
      const data: unknown = text ? safeJson(text) : undefined;
      if (!response.ok) {
        const err = (data ?? {}) as { code?: number; message?: string; errors?: unknown };
        throw new DiscordApiError(
          response.status,
          typeof err.code === 'number' ? err.code : 0,
          err.message ?? response.statusText,
          method,
          path,
          err.errors,
        );
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

async function retryAfterMs(response: Response): Promise<number> {
  const body = safeJson(await response.clone().text()) as { retry_after?: number } | undefined;
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
