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
  remaining: number;
  resetAt: number;
}

/** Route key for bucket tracking: major parameters kept, other ids collapsed. */
function routeKey(method: string, path: string): string {
  const key = path
    .replace(/\/(channels|guilds|webhooks)\/(\d+)/g, '/$1/$2')
    .replace(/\/(?!(?:channels|guilds|webhooks)\/)([a-z-]+)\/\d{16,20}/g, '/$1/:id')
    .replace(/\/webhooks\/(\d+)\/[^/]+/, '/webhooks/$1/:token')
    .replace(/\/reactions\/.*/, '/reactions/:reaction');
  return `${method} ${key}`;
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
    const key = `${this.baseUrl} ${routeKey(method, path)}`;
    for (let attempt = 0; ; attempt++) {
      await this.waitForBucket(key);
      const response = await this.fetchImpl(this.url(path, options.query), this.init(method, options));
      this.updateBucket(key, response);
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

  private async waitForBucket(key: string): Promise<void> {
    const bucketId = RestClient.routeBuckets.get(key);
    const bucket = bucketId ? RestClient.buckets.get(bucketId) : undefined;
    if (!bucket || bucket.remaining > 0) return;
    const waitMs = bucket.resetAt - Date.now();
    if (waitMs <= 0) return;
    if (waitMs > this.maxWaitMs) throw new RateLimitedError(key, waitMs);
    await sleep(waitMs);
  }

  private updateBucket(key: string, response: Response): void {
    const bucketId = response.headers.get('X-RateLimit-Bucket');
    const remaining = response.headers.get('X-RateLimit-Remaining');
    const resetAfter = response.headers.get('X-RateLimit-Reset-After');
    if (!bucketId || remaining === null || resetAfter === null) return;
    RestClient.routeBuckets.set(key, bucketId);
    RestClient.buckets.set(bucketId, {
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
