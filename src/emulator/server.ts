/**
 * The emulator's own HTTP server: the page (static files in `page/`), the world pushed to every
 * open tab over Server-Sent Events (`/api/events`, one message per change, no polling), and the
 * acts a member can do (`POST /api/…`), each checked with zod.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ActError, type Emulator, type OptionInput } from './emulator.ts';

const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));
const STATIC: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/render.js': 'render.js',
  '/palette.js': 'palette.js',
  '/style.css': 'style.css',
};
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

const id = z.string().regex(/^\d{1,21}$/);
const option: z.ZodType<OptionInput> = z.lazy(() =>
  z.object({ name: z.string(), type: z.number().int(), value: z.union([z.string(), z.number(), z.boolean()]).optional(), focused: z.boolean().optional(), options: z.array(option).optional() }),
);
const bodies = {
  command: z.object({ userId: id, channelId: id, name: z.string(), options: z.array(option).default([]) }),
  context: z.object({ userId: id, channelId: id, name: z.string(), type: z.union([z.literal(2), z.literal(3)]), targetId: id }),
  component: z.object({ userId: id, channelId: id, messageId: id, customId: z.string(), values: z.array(z.string()).optional() }),
  modal: z.object({ userId: id, channelId: id, modal: z.object({ custom_id: z.string(), components: z.array(z.unknown()).optional() }), fields: z.record(z.string(), z.string()), messageId: id.optional() }),
  say: z.object({ userId: id, channelId: id, content: z.string().min(1).max(2000) }),
  user: z.object({ userId: id }),
  join: z.object({ userId: id.optional(), username: z.string().regex(/^[a-z0-9_.]{2,32}$/).optional() }),
};

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

/** Starts the page server for `emulator`. */
export async function startPageServer(emulator: Emulator, opts: { port?: number } = {}): Promise<{ url: string; close(): Promise<void> }> {
  const streams = new Set<ServerResponse>();
  const push = () => {
    const data = `data: ${JSON.stringify(emulator.snapshot())}\n\n`;
    for (const res of streams) res.write(data);
  };
  const unsubscribe = emulator.subscribe(push);
  const keepAlive = setInterval(() => {
    for (const res of streams) res.write(': keep-alive\n\n');
  }, 15_000);
  keepAlive.unref();

  const acts: Record<string, (body: unknown) => Promise<unknown>> = {
    command: async (b) => {
      const x = bodies.command.parse(b);
      return emulator.command(x.userId, x.channelId, x.name, x.options);
    },
    autocomplete: async (b) => {
      const x = bodies.command.parse(b);
      return { choices: await emulator.autocomplete(x.userId, x.channelId, x.name, x.options) };
    },
    context: async (b) => {
      const x = bodies.context.parse(b);
      return emulator.contextCommand(x.userId, x.channelId, x.name, x.type, x.targetId);
    },
    component: async (b) => {
      const x = bodies.component.parse(b);
      return emulator.component(x.userId, x.channelId, x.messageId, x.customId, x.values);
    },
    modal: async (b) => {
      const x = bodies.modal.parse(b);
      return emulator.submitModal(x.userId, x.channelId, x.modal, x.fields, x.messageId);
    },
    say: async (b) => {
      const x = bodies.say.parse(b);
      return emulator.say(x.userId, x.channelId, x.content);
    },
    dm: async (b) => ({ channelId: emulator.dmChannel(bodies.user.parse(b).userId) }),
    join: async (b) => {
      const x = bodies.join.parse(b);
      return { userId: await emulator.join({ ...(x.userId ? { userId: x.userId } : {}), ...(x.username ? { username: x.username } : {}) }) };
    },
    leave: async (b) => {
      await emulator.leave(bodies.user.parse(b).userId);
      return { ok: true };
    },
    avatar: async (b) => ({ avatar: await emulator.changeAvatar(bodies.user.parse(b).userId) }),
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://emulator');
      try {
        const file = STATIC[url.pathname];
        if (req.method === 'GET' && file) {
          const body = readFileSync(PAGE_DIR + file);
          res.writeHead(200, { 'content-type': TYPES[file.split('.').pop()!]!, 'cache-control': 'no-store' }).end(body);
          return;
        }
        if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
        if (req.method === 'GET' && url.pathname === '/api/state') return json(res, 200, emulator.snapshot());
        if (req.method === 'GET' && url.pathname === '/api/events') {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
          res.write(`data: ${JSON.stringify(emulator.snapshot())}\n\n`);
          streams.add(res);
          req.on('close', () => streams.delete(res));
          return;
        }
        const act = req.method === 'POST' && url.pathname.startsWith('/api/') ? acts[url.pathname.slice(5)] : undefined;
        if (act) return json(res, 200, await act(await readJson(req)));
        json(res, 404, { error: 'not found' });
      } catch (e) {
        if (e instanceof z.ZodError) return json(res, 400, { error: z.prettifyError(e) });
        if (e instanceof ActError || e instanceof SyntaxError) return json(res, 400, { error: e.message });
        console.error('emulator error', e);
        json(res, 500, { error: String(e) });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        clearInterval(keepAlive);
        for (const r of streams) r.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
