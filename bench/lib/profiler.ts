/**
 * Sampling CPU profiles of a Worker through workerd's inspector (Chrome DevTools protocol),
 * summarised as self and inclusive time per function. Used by `bench/profile.ts`.
 */

/** A V8 CPU profile, as `Profiler.stop` returns it. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One line of a profile summary. */
export interface ProfileLine {
  fn: string;
  selfPct: number;
  totalPct: number;
}

/** Connects to the inspector target whose id or title contains `match` and returns a CDP session. */
export async function connectInspector(port: number, match: string): Promise<{ send<T = unknown>(method: string, params?: object): Promise<T>; close(): void }> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { id: string; title?: string; webSocketDebuggerUrl?: string }[];
  const target = targets.find((t) => t.id === match) ?? targets.find((t) => t.id.includes(match) || t.title?.includes(match));
  if (!target?.webSocketDebuggerUrl) throw new Error(`no inspector target matching ${match}: ${targets.map((t) => t.id).join(', ')}`);
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error('inspector websocket failed')), { once: true });
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  ws.addEventListener('message', (event) => {
    const msg = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
    const w = msg.id === undefined ? undefined : waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id!);
    if (msg.error) w.reject(new Error(msg.error.message));
    else w.resolve(msg.result);
  });
  return {
    send<T>(method: string, params: object = {}) {
      const id = nextId++;
      ws.send(JSON.stringify({ id, method, params }));
      return new Promise<T>((resolve, reject) => waiting.set(id, { resolve: resolve as (v: unknown) => void, reject }));
    },
    close: () => ws.close(),
  };
}

/** Self and inclusive share of samples per function (`name @ file:line`), highest first. */
export function summarizeProfile(profile: CpuProfile, top = 30): { self: ProfileLine[]; total: ProfileLine[]; samples: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (id: number) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    return `${functionName || '(anonymous)'} @ ${url.split('/').pop() || '?'}:${lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const id of profile.samples) {
    const name = label(id);
    self.set(name, (self.get(name) ?? 0) + 1);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(cur);
      if (seen.has(l)) continue;
      seen.add(l);
      total.set(l, (total.get(l) ?? 0) + 1);
    }
  }
  const n = profile.samples.length || 1;
  const lines = (m: Map<string, number>, other: Map<string, number>, selfFirst: boolean) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, c]) => ({ fn, selfPct: ((selfFirst ? c : (other.get(fn) ?? 0)) * 100) / n, totalPct: ((selfFirst ? (other.get(fn) ?? 0) : c) * 100) / n }));
  return { self: lines(self, total, true), total: lines(total, self, false), samples: profile.samples.length };
}
