/**
 * What the dashboard and public-API scenarios share: the web Worker's origin (the API is
 * served there since the split, docs/dashboard.md) and a sequential timer of GET requests.
 */
import type { ScenarioContext } from '../scenario';

/** The web Worker's origin; `bench/run.ts` serves it next to the bot Worker. */
export function webOrigin(ctx: ScenarioContext): string {
  if (!ctx.bot.web) throw new Error('the web Worker is not served (bench/run.ts builds it)');
  return ctx.bot.web.origin;
}

/** `times` sequential GETs of `url` with `headers`, each answer read whole; ms per request. A non-200 fails the run. */
export async function timedGets(url: string, headers: Record<string, string>, times: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${body.slice(0, 200)}`);
    out.push(performance.now() - t0);
  }
  return out;
}
