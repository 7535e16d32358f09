/**
 * A fake Discord gateway (Node only): a real WebSocket server speaking gateway v10 JSON, plus
 * an HTTP control API the tests drive through `client.ts`.
 *
 * Protocol: HELLO on connect; IDENTIFY checks the token (4004), intents (4013 unknown bits,
 * 4014 privileged intents not enabled), shard (4010/4011) and double identify (4005), then
 * READY with `session_id` and `resume_gateway_url`; heartbeats are ACKed (op 11) and a missed
 * heartbeat closes with 4009; RESUME replays the dispatches after the given sequence, then
 * RESUMED (unknown session: op 9 `d:false`; sequence ahead of the server: 4007). Payloads
 * before IDENTIFY close with 4003, unknown opcodes with 4001, bad JSON with 4002.
 *
 * Control (`/_gateway/…`): create instances, dispatch events, drop or close the connection,
 * stop ACKing, send op 1 / op 7 / op 9, and read everything the client sent.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { GatewayIntentBits } from 'discord-api-types/v10';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ConnectionRecord, FakeGatewayLog, FakeGatewayOptions, ReceivedPayload, SentDispatch } from './types.ts';

// Values of discord-api-types' `GatewayOpcodes` (its runtime enums do not load in vitest's
// global-setup context, so the server spells them out; the types still come from there).
const GatewayOpcodes = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;
type GatewayOpcodes = (typeof GatewayOpcodes)[keyof typeof GatewayOpcodes];

const GUILD_MEMBERS: GatewayIntentBits.GuildMembers = 1 << 1;
const GUILD_PRESENCES: GatewayIntentBits.GuildPresences = 1 << 8;
const MESSAGE_CONTENT: GatewayIntentBits.MessageContent = 1 << 15;
const PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT;
/** Every intent bit Discord defines: 0–16, 20, 21, 24, 25. */
const ALL_INTENTS = ((1 << 17) - 1) | (1 << 20) | (1 << 21) | (1 << 24) | (1 << 25);
/** Closes after which the session cannot be resumed. */
const INVALIDATING = new Set([4004, 4007, 4009, 4010, 4011, 4012, 4013, 4014]);

interface Conn {
  record: ConnectionRecord;
  ws: WebSocket;
  authed: boolean;
  acking: boolean;
  watchdog: NodeJS.Timeout | null;
}

interface Session {
  id: string;
  seq: number;
  log: SentDispatch[];
  conn: Conn | null;
}

class Instance {
  readonly options: Required<Omit<FakeGatewayOptions, 'id'>>;
  readonly connections: Conn[] = [];
  readonly received: ReceivedPayload[] = [];
  session: Session | null = null;

  constructor(
    readonly id: string,
    readonly origin: string,
    options: FakeGatewayOptions,
  ) {
    this.options = {
      token: options.token ?? 'test-bot-token',
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250,
      missedHeartbeatFactor: options.missedHeartbeatFactor ?? 1.5,
      privilegedIntents: options.privilegedIntents ?? PRIVILEGED,
      shards: options.shards ?? 1,
    };
  }

  get url(): string {
    return `${this.origin.replace(/^http/, 'ws')}/g/${this.id}`;
  }

  /** The newest connection still open. */
  current(): Conn | undefined {
    return [...this.connections].reverse().find((c) => c.record.closedAt === null);
  }

  log(): FakeGatewayLog {
    return {
      connections: this.connections.map((c) => ({ ...c.record })),
      received: [...this.received],
      dispatched: this.session ? [...this.session.log] : [],
      session: this.session ? { id: this.session.id, seq: this.session.seq, live: this.session.conn !== null } : null,
    };
  }

  accept(ws: WebSocket, path: string, query: Record<string, string>): void {
    const conn: Conn = {
      ws,
      authed: false,
      acking: true,
      watchdog: null,
      record: { n: this.connections.length + 1, path, query, openedAt: Date.now(), closedAt: null, closeCode: null, closedBy: null },
    };
    this.connections.push(conn);
    ws.on('message', (data) => this.onMessage(conn, data.toString()));
    ws.on('close', (code) => this.onClosed(conn, code, 'client'));
    ws.on('error', () => this.onClosed(conn, 1006, 'client'));
    if (query.v !== '10') return this.close(conn, 4012, 'Invalid API version');
    if (query.encoding !== 'json') return this.close(conn, 4002, 'Decode error');
    this.send(conn, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs } });
    this.armWatchdog(conn);
  }

  private armWatchdog(conn: Conn): void {
    if (conn.watchdog) clearTimeout(conn.watchdog);
    conn.watchdog = null;
    if (this.options.missedHeartbeatFactor <= 0) return;
    conn.watchdog = setTimeout(() => this.close(conn, 4009, 'Session timed out'), this.options.heartbeatIntervalMs * this.options.missedHeartbeatFactor);
  }

  private send(conn: Conn, payload: { op: number; d: unknown; s?: number | null; t?: string | null }): void {
    if (conn.record.closedAt !== null) return;
    conn.ws.send(JSON.stringify({ s: null, t: null, ...payload }));
  }

  private onMessage(conn: Conn, text: string): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      payload = JSON.parse(text) as { op?: unknown; d?: unknown };
    } catch {
      return this.close(conn, 4002, 'Decode error');
    }
    const op = payload.op as GatewayOpcodes;
    this.received.push({ conn: conn.record.n, at: Date.now(), op, d: payload.d ?? null });
    switch (op) {
      case GatewayOpcodes.Heartbeat:
        this.armWatchdog(conn);
        if (conn.acking) this.send(conn, { op: GatewayOpcodes.HeartbeatAck, d: null });
        return;
      case GatewayOpcodes.Identify:
        return this.identify(conn, payload.d as Record<string, unknown>);
      case GatewayOpcodes.Resume:
        return this.resume(conn, payload.d as Record<string, unknown>);
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestGuildMembers:
        if (!conn.authed) return this.close(conn, 4003, 'Not authenticated');
        return;
      default:
        return this.close(conn, 4001, 'Unknown opcode');
    }
  }

  private identify(conn: Conn, d: Record<string, unknown> | null): void {
    if (conn.authed) return this.close(conn, 4005, 'Already authenticated');
    if (!d || d.token !== this.options.token) return this.close(conn, 4004, 'Authentication failed');
    const intents = typeof d.intents === 'number' ? d.intents : -1;
    if (intents < 0 || (intents & ~ALL_INTENTS) !== 0) return this.close(conn, 4013, 'Invalid intent(s)');
    if ((intents & PRIVILEGED & ~this.options.privilegedIntents) !== 0) return this.close(conn, 4014, 'Disallowed intent(s)');
    const shard = d.shard;
    if (shard !== undefined) {
      if (!Array.isArray(shard) || shard.length !== 2 || !(shard[0] >= 0 && shard[0] < shard[1])) return this.close(conn, 4010, 'Invalid shard');
      if (shard[1] !== this.options.shards) return this.close(conn, 4011, 'Sharding required');
    } else if (this.options.shards > 1) {
      return this.close(conn, 4011, 'Sharding required');
    }
    if (this.session?.conn && this.session.conn !== conn) this.close(this.session.conn, 4000, 'Session replaced');
    this.session = { id: randomBytes(16).toString('hex'), seq: 0, log: [], conn };
    conn.authed = true;
    this.dispatch('READY', {
      v: 10,
      user: { id: '1100000000000000001', username: 'Gatehouse', discriminator: '0', global_name: null, avatar: null, bot: true },
      guilds: [],
      session_id: this.session.id,
      resume_gateway_url: `${this.url}/resume`,
      ...(shard !== undefined ? { shard } : {}),
      application: { id: '1100000000000000001', flags: 0 },
    });
  }

  private resume(conn: Conn, d: Record<string, unknown> | null): void {
    if (conn.authed) return this.close(conn, 4005, 'Already authenticated');
    if (!d || d.token !== this.options.token) return this.close(conn, 4004, 'Authentication failed');
    const session = this.session;
    if (!session || d.session_id !== session.id) {
      this.send(conn, { op: GatewayOpcodes.InvalidSession, d: false });
      return;
    }
    const seq = typeof d.seq === 'number' ? d.seq : -1;
    if (seq < 0 || seq > session.seq) return this.close(conn, 4007, 'Invalid seq');
    if (session.conn && session.conn !== conn) this.close(session.conn, 4000, 'Session resumed elsewhere');
    session.conn = conn;
    conn.authed = true;
    for (const entry of session.log) {
      if (entry.s > seq) this.send(conn, { op: GatewayOpcodes.Dispatch, s: entry.s, t: entry.t, d: entry.d });
    }
    this.dispatch('RESUMED', {});
  }

  /** Sends (or holds, while no connection is live) a dispatch with the next sequence number. */
  dispatch(t: string, d: unknown): number {
    const session = this.session;
    if (!session) throw new ControlError(409, 'no gateway session: the client has not identified');
    const s = ++session.seq;
    const conn = session.conn && session.conn.record.closedAt === null ? session.conn : null;
    session.log.push({ s, t, d, conn: conn?.record.n ?? null });
    if (conn) this.send(conn, { op: GatewayOpcodes.Dispatch, s, t, d });
    return s;
  }

  close(conn: Conn, code: number, reason = ''): void {
    if (conn.record.closedAt !== null) return;
    this.onClosed(conn, code, 'server');
    conn.ws.close(code, reason);
  }

  /** Cuts the TCP connection without a close frame (the client sees 1006). */
  drop(conn: Conn): void {
    if (conn.record.closedAt !== null) return;
    this.onClosed(conn, 1006, 'drop');
    conn.ws.terminate();
  }

  /** Server-side op 1 / 7 / 9 on the current connection. */
  sendOp(conn: Conn, op: GatewayOpcodes, d: unknown): void {
    this.send(conn, { op, d });
  }

  private onClosed(conn: Conn, code: number, by: 'client' | 'server' | 'drop'): void {
    if (conn.watchdog) clearTimeout(conn.watchdog);
    conn.watchdog = null;
    if (conn.record.closedAt !== null) return;
    conn.record.closedAt = Date.now();
    conn.record.closeCode = code;
    conn.record.closedBy = by;
    if (this.session?.conn === conn) {
      this.session.conn = null;
      // A client closing with 1000/1001 ends its session, as on Discord.
      if (INVALIDATING.has(code) || (by === 'client' && (code === 1000 || code === 1001))) this.session = null;
    }
  }

  invalidate(): void {
    this.session = null;
  }

  dispose(): void {
    for (const c of this.connections) this.drop(c);
  }
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A running fake gateway. */
export interface RunningFakeGateway {
  /** `http://127.0.0.1:PORT`: control API base for `FakeGateway.create(url)`. */
  url: string;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null) throw new ControlError(400, 'body must be a JSON object');
  return parsed as Record<string, unknown>;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? null);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Starts the fake gateway on loopback. */
export async function startFakeGateway(opts: { port?: number; host?: string } = {}): Promise<RunningFakeGateway> {
  const host = opts.host ?? '127.0.0.1';
  const instances = new Map<string, Instance>();
  const wss = new WebSocketServer({ noServer: true });
  let origin = '';

  const instance = (id: string | undefined): Instance => {
    const found = id ? instances.get(id) : undefined;
    if (!found) throw new ControlError(404, `unknown fake gateway instance "${id}"`);
    return found;
  };
  const live = (inst: Instance) => {
    const conn = inst.current();
    if (!conn) throw new ControlError(409, 'no open connection');
    return conn;
  };

  async function control(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const parts = url.pathname.split('/').filter(Boolean); // _gateway, i, <id>, action
    const method = req.method ?? 'GET';
    if (parts[0] !== '_gateway') throw new ControlError(404, 'not found');
    if (parts[1] === 'instances' && method === 'POST') {
      const body = (await readJson(req)) as FakeGatewayOptions;
      // A caller may ask for an id (the emulator keeps its URL across restarts, so a relay
      // resuming at the old resume URL reaches it and is told the session is gone).
      const asked = typeof body.id === 'string' && /^[0-9a-f]{16}$/.test(body.id) && !instances.has(body.id) ? body.id : null;
      const inst = new Instance(asked ?? randomBytes(8).toString('hex'), origin, body);
      instances.set(inst.id, inst);
      return reply(res, 201, { id: inst.id, url: inst.url });
    }
    if (parts[1] !== 'i') throw new ControlError(404, 'not found');
    const inst = instance(parts[2]);
    const action = parts[3] ?? '';
    if (method === 'GET' && action === 'log') return reply(res, 200, inst.log());
    if (method === 'DELETE' && action === '') {
      inst.dispose();
      instances.delete(inst.id);
      return reply(res, 200, { ok: true });
    }
    if (method !== 'POST') throw new ControlError(405, 'method not allowed');
    const body = await readJson(req);
    switch (action) {
      case 'dispatch': {
        const events = Array.isArray(body.events) ? (body.events as { t: string; d: unknown }[]) : [{ t: String(body.t), d: body.d }];
        return reply(res, 200, { seqs: events.map((e) => inst.dispatch(e.t, e.d)) });
      }
      case 'drop':
        inst.drop(live(inst));
        return reply(res, 200, { ok: true });
      case 'close': {
        const code = Number(body.code ?? 4000);
        inst.close(live(inst), code, String(body.reason ?? ''));
        return reply(res, 200, { ok: true });
      }
      case 'acks':
        live(inst).acking = body.enabled !== false;
        return reply(res, 200, { ok: true });
      case 'heartbeat-request':
        inst.sendOp(live(inst), GatewayOpcodes.Heartbeat, null);
        return reply(res, 200, { ok: true });
      case 'reconnect':
        inst.sendOp(live(inst), GatewayOpcodes.Reconnect, null);
        return reply(res, 200, { ok: true });
      case 'invalid-session': {
        const resumable = body.resumable === true;
        inst.sendOp(live(inst), GatewayOpcodes.InvalidSession, resumable);
        if (!resumable) inst.invalidate();
        return reply(res, 200, { ok: true });
      }
      default:
        throw new ControlError(404, `unknown action "${action}"`);
    }
  }

  const server = createServer((req, res) => {
    control(req, res).catch((error: unknown) => {
      const status = error instanceof ControlError ? error.status : error instanceof SyntaxError ? 400 : 500;
      reply(res, status, { error: error instanceof Error ? error.message : String(error) });
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', origin);
    const match = /^\/g\/([0-9a-f]+)(\/resume)?\/?$/.exec(url.pathname);
    const inst = match ? instances.get(match[1]!) : undefined;
    if (!inst) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => inst.accept(ws, url.pathname.replace(/\/$/, ''), Object.fromEntries(url.searchParams)));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://${host}:${port}`;
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const inst of instances.values()) inst.dispose();
        wss.close();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
