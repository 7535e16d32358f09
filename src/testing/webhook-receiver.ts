/**
 * A webhook receiver for the Workers tests (Node only; started by test/global-setup.ts). It
 * knows nothing of Gatehouse: it records what arrives and answers as its plan says, and the
 * tests verify signatures themselves, from docs/api.md alone.
 *
 * - `POST /hooks/<name>`: recorded (headers lowercased, the raw body as text); answered with
 *   the plan's status (default 200), after `failFirst` answers of `failStatus` (default 500),
 *   after `delayMs`, with `bodyBytes` bytes of body.
 * - `PUT /plans/<name>` (JSON): sets the plan of `<name>`.
 * - `GET /received/<name>`: what `<name>` received, oldest first.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How one hook name answers. */
export interface ReceiverPlan {
  failFirst?: number;
  failStatus?: number;
  status?: number;
  delayMs?: number;
  bodyBytes?: number;
}

/** One request a hook received. */
export interface ReceivedHook {
  headers: Record<string, string>;
  body: string;
  at: number;
}

async function read(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the receiver on loopback. */
export async function startWebhookReceiver(): Promise<{ url: string; close(): Promise<void> }> {
  const plans = new Map<string, ReceiverPlan>();
  const received = new Map<string, ReceivedHook[]>();
  const server = createServer((req, res) => {
    void (async () => {
      const [, kind, name = ''] = (req.url ?? '/').split('?')[0]!.split('/');
      const body = await read(req);
      if (kind === 'plans' && req.method === 'PUT') {
        plans.set(name, JSON.parse(body || '{}') as ReceiverPlan);
        res.writeHead(204).end();
        return;
      }
      if (kind === 'received' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(received.get(name) ?? []));
        return;
      }
      if (kind === 'hooks' && req.method === 'POST') {
        const list = received.get(name) ?? [];
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
        list.push({ headers, body, at: Date.now() });
        received.set(name, list);
        const plan = plans.get(name) ?? {};
        if (plan.delayMs) await new Promise((r) => setTimeout(r, plan.delayMs));
        const failing = list.length <= (plan.failFirst ?? 0);
        const status = failing ? (plan.failStatus ?? 500) : (plan.status ?? 200);
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(plan.bodyBytes ? 'x'.repeat(plan.bodyBytes) : failing ? 'receiver failing on purpose' : 'ok');
        return;
      }
      res.writeHead(404).end();
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
