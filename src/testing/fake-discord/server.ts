/**
 * Node-only HTTP server for the fake Discord API (a minimal node:http → `app.fetch` adapter).
 *
 * Programmatic: `const { url, close } = await startFakeDiscord({ port: 0 })`.
 * CLI:          `tsx src/testing/fake-discord/server.ts --port 8790 [--host 127.0.0.1]`
 *               (point the bot's DISCORD_API_BASE at `<url>/api/v10`, the `default` session).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createFakeDiscordApp, type FakeDiscordAppOptions } from './app.ts';
import { DROP_HEADER } from './dispatch.ts';

/** Options for {@link startFakeDiscord}. */
export interface StartOptions extends FakeDiscordAppOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /**
   * Send Discord's `X-RateLimit-*` headers (default true). Benchmarks that must not measure
   * the REST client's waits on the fake's emulated 50/s buckets turn them off; injected
   * 429s (`failNext`) keep their `Retry-After` and body either way.
   */
  rateLimitHeaders?: boolean;
}

/** A running fake Discord server. */
export interface RunningFakeDiscord {
  /** Base URL, e.g. `http://127.0.0.1:40123` (pass to `FakeDiscord.create`). */
  url: string;
  /** Stop the server (closes idle and active connections). */
  close(): Promise<void>;
}

async function readRequestBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

function toRequest(req: IncomingMessage, body: Buffer, origin: string): Request {
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

async function writeResponse(res: ServerResponse, response: Response, rateLimitHeaders: boolean): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (rateLimitHeaders || !key.toLowerCase().startsWith('x-ratelimit-')) headers[key] = value;
  });
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : null;
  if (body) headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body ?? undefined);
}

/** Start the fake Discord API on loopback (Node only). */
export async function startFakeDiscord(opts: StartOptions = {}): Promise<RunningFakeDiscord> {
  const app = createFakeDiscordApp(opts);
  const host = opts.host ?? '127.0.0.1';
  let origin = `http://${host}`;
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const body = await readRequestBody(req);
        const response = await app.fetch(toRequest(req, body, origin));
        if (response.headers.has(DROP_HEADER)) {
          // failNext({ drop: true }): no answer at all, as when a connection is lost.
          req.socket.destroy();
          return;
        }
        await writeResponse(res, response, opts.rateLimitHeaders ?? true);
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
  const urlHost = host.includes(':') ? `[${host}]` : host;
  origin = `http://${urlHost}:${port}`;
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function argValue(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const args = process.argv.slice(2);
  const port = Number(argValue(args, '--port') ?? '8790');
  const host = argValue(args, '--host') ?? '127.0.0.1';
  const applicationId = argValue(args, '--application-id');
  const running = await startFakeDiscord({ port, host, ...(applicationId ? { defaultSession: { applicationId } } : {}) });
  console.log(`fake-discord listening on ${running.url}`);
  console.log(`  DISCORD_API_BASE=${running.url}/api/v10   (default session; control API at ${running.url}/_fake)`);
  const stop = (): void => {
    void running.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
