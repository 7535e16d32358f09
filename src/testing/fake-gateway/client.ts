/**
 * Control client for the fake gateway. Uses only `fetch`, so it runs in Node and in workerd.
 *
 * ```ts
 * const gw = await FakeGateway.create(env.TEST_FAKE_GATEWAY_URL, { heartbeatIntervalMs: 300 });
 * await fake.setGatewayUrl(gw.url);                    // GET /gateway/bot answers it
 * // … start the relay …
 * await gw.waitFor((log) => log.session !== null);
 * await gw.dispatch('GUILD_MEMBER_ADD', member);
 * await gw.drop();                                     // cut the socket, no close frame
 * ```
 */
import type { GatewayOpcodes } from 'discord-api-types/v10';
import type { FakeGatewayInstance, FakeGatewayLog, FakeGatewayOptions, ReceivedPayload } from './types.ts';

export type * from './types.ts';

/** A handle on one isolated fake gateway instance. */
export class FakeGateway {
  private constructor(
    private readonly base: string,
    /** Instance id. */
    readonly id: string,
    /** The gateway URL (`ws://…/g/<id>`) to hand to the relay. */
    readonly url: string,
  ) {}

  /** Creates an isolated instance on the fake gateway server at `baseUrl`. */
  static async create(baseUrl: string, options: FakeGatewayOptions = {}): Promise<FakeGateway> {
    const info = await request<FakeGatewayInstance>('POST', `${baseUrl}/_gateway/instances`, options);
    return new FakeGateway(baseUrl, info.id, info.url);
  }

  private req<T>(method: string, action: string, body?: unknown): Promise<T> {
    return request<T>(method, `${this.base}/_gateway/i/${this.id}${action ? `/${action}` : ''}`, body);
  }

  /** Dispatches an event (op 0) with the next sequence number; held for replay while no connection is live. */
  async dispatch(t: string, d: unknown): Promise<number> {
    const { seqs } = await this.req<{ seqs: number[] }>('POST', 'dispatch', { t, d });
    return seqs[0]!;
  }

  /** Dispatches several events in order; returns their sequence numbers. */
  async dispatchMany(events: { t: string; d: unknown }[]): Promise<number[]> {
    return (await this.req<{ seqs: number[] }>('POST', 'dispatch', { events })).seqs;
  }

  /** Cuts the current connection without a close frame. */
  drop(): Promise<void> {
    return this.req('POST', 'drop');
  }

  /** Closes the current connection with `code` (4004, 4014, …). */
  close(code: number, reason = ''): Promise<void> {
    return this.req('POST', 'close', { code, reason });
  }

  /** Stops (or resumes) ACKing heartbeats on the current connection. */
  setAcks(enabled: boolean): Promise<void> {
    return this.req('POST', 'acks', { enabled });
  }

  /** Sends op 1: the client must heartbeat at once. */
  requestHeartbeat(): Promise<void> {
    return this.req('POST', 'heartbeat-request');
  }

  /** Sends op 7 RECONNECT. */
  reconnect(): Promise<void> {
    return this.req('POST', 'reconnect');
  }

  /** Sends op 9 INVALID_SESSION; `resumable: false` also ends the session. */
  invalidSession(resumable: boolean): Promise<void> {
    return this.req('POST', 'invalid-session', { resumable });
  }

  /** Connections, received payloads, dispatches and the session. */
  log(): Promise<FakeGatewayLog> {
    return this.req('GET', 'log');
  }

  /** What the client sent with opcode `op`. */
  async received(op: GatewayOpcodes): Promise<ReceivedPayload[]> {
    return (await this.log()).received.filter((p) => p.op === op);
  }

  /** Polls the log until `predicate` holds; throws with the last log after `timeoutMs`. */
  async waitFor(predicate: (log: FakeGatewayLog) => boolean, { timeoutMs = 5000, what = 'condition' } = {}): Promise<FakeGatewayLog> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const log = await this.log();
      if (predicate(log)) return log;
      if (Date.now() > deadline) throw new Error(`fake gateway: timed out waiting for ${what}; log: ${JSON.stringify(log).slice(0, 2000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Removes the instance and closes its connections. */
  dispose(): Promise<void> {
    return this.req('DELETE', '');
  }
}

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`fake gateway control ${method} ${url} failed: ${res.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}
