import { DurableObject } from 'cloudflare:workers';

/**
 * The gateway relay: one instance per shard holding Discord's gateway websocket.
 * Placeholder until the gateway issue lands; it reports that it is not running.
 */
export class GatewayRelay extends DurableObject<Env> {
  /** The relay's status for `/health` and `/gateway status`. */
  async status(): Promise<{ ok: boolean; connected: boolean; detail: string }> {
    return { ok: true, connected: false, detail: 'gateway relay not implemented yet' };
  }
}
