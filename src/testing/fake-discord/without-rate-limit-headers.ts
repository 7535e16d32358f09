/**
 * Node only: the fake Discord API served **without** `X-RateLimit-*` headers, for benchmarks
 * that must not measure the REST client's waits on the fake's emulated 50/s buckets (the
 * fake never answers 429 by itself, but a client that sees `X-RateLimit-Remaining: 0` sleeps
 * until the bucket resets). Everything else (routes, validation, recordings, control API) is
 * the stock app; only the response headers are stripped. Injected 429s (`failNext`) keep
 * their `Retry-After` and body, so a client still backs off from those.
 *
 * `const { url, close } = await startFakeDiscordWithoutRateLimitHeaders()` — same shape as
 * `startFakeDiscord`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFakeDiscordApp } from './app.ts';
import type { RunningFakeDiscord, StartOptions } from './server.ts';

/** True for the headers this server drops. */
export function isRateLimitHeader(name: string): boolean {
  return name.toLowerCase().startsWith('x-ratelimit-');
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  const body = Buffer.concat(chunks);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD' && body.length > 0;
  return new Request(new URL(req.url ?? '/', origin), { method, headers, ...(hasBody ? { body: new Uint8Array(body) } : {}) });
}

async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, key) => {
    if (!isRateLimitHeader(key)) headers[key] = value;
  });
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : null;
  if (body) headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body ?? undefined);
}

/** Starts a fake Discord API on loopback whose responses carry no `X-RateLimit-*` headers. */
export async function startFakeDiscordWithoutRateLimitHeaders(opts: StartOptions = {}): Promise<RunningFakeDiscord> {
  const app = createFakeDiscordApp();
  const host = opts.host ?? '127.0.0.1';
  let origin = `http://${host}`;
  const server = createServer((req, res) => {
    void (async () => {
      try {
        await writeResponse(res, await app.fetch(await toRequest(req, origin)));
      } catch (e) {
        console.error('fake-discord server error', e);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `500: fake-discord server error: ${String(e)}`, code: 0 }));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
