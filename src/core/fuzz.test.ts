import { describe, expect, it } from 'vitest';
import { ApplicationCommandOptionType as T } from 'discord-api-types/v10';
import { fetchWorker, testEnv } from '../testing/harness';
import { autocomplete, buttonPress, group, modalSubmit, option, ping, sign, slashCommand, subcommand, userCommand, user } from '../testing/interactions';

/** Deterministic PRNG (mulberry32) so a failure can be replayed from its seed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WEIRD: unknown[] = [null, 0, -1, 1e308, '', 'x'.repeat(5000), [], {}, true, '../../', '\u0000', { __proto__: { polluted: 1 } }, [[[[[]]]]], 'constructor'];

function mutate(value: unknown, random: () => number, depth = 0): unknown {
  const pick = <V>(list: readonly V[]) => list[Math.floor(random() * list.length)]!;
  if (Array.isArray(value)) {
    if (random() < 0.2) return pick(WEIRD);
    const copy = value.map((v) => (random() < 0.3 ? mutate(v, random, depth + 1) : v));
    if (random() < 0.1) copy.push(pick(WEIRD));
    if (random() < 0.1) copy.splice(0, 1);
    return copy;
  }
  if (value && typeof value === 'object') {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const key of Object.keys(copy)) {
      const r = random();
      if (r < 0.08) delete copy[key];
      else if (r < 0.16) copy[key] = pick(WEIRD);
      else if (r < 0.4) copy[key] = mutate(copy[key], random, depth + 1);
    }
    if (random() < 0.05) copy[pick(['type', 'data', 'member', 'guild_id', 'options', 'custom_id'])] = pick(WEIRD);
    return copy;
  }
  if (typeof value === 'string') return random() < 0.5 ? pick(WEIRD) : value.slice(0, Math.floor(random() * value.length)) + pick(['', ':', '🙂', '"', '\\']);
  if (typeof value === 'number') return pick([value + 1, -value, 0, 2 ** 53, 1.5, Number.MAX_SAFE_INTEGER, pick(WEIRD)]);
  return pick(WEIRD);
}

function corpus() {
  const target = user();
  return [
    ping(),
    slashCommand('ping'),
    slashCommand('help', { permissions: '8' }),
    slashCommand('config', { permissions: '8', options: [subcommand('show')] }),
    slashCommand('config', { permissions: '8', options: [group('channel', subcommand('set', [option('purpose', T.String, 'bot_log'), option('channel', T.Channel, '1')]))] }),
    slashCommand('config', { permissions: '8', options: [group('module', subcommand('disable', [option('name', T.String, 'gate')]))] }),
    autocomplete('config', { permissions: '8', options: [group('module', subcommand('enable', [option('name', T.String, 'ga', true)]))] }),
    userCommand('Warn', target, { permissions: '8' }),
    buttonPress('gate.claim:123'),
    modalSubmit('gate.reject:1', { reason: 'spam' }),
  ];
}

describe('fuzz: mutated signed payloads', () => {
  it('never answers 5xx to 1,000 mutated interactions (signed, and some tampered after signing)', async () => {
    const env = testEnv({ DEFER_AFTER_MS: '200' });
    const random = rng(20261122);
    const base = corpus();
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const original = base[i % base.length]!;
      let body = random() < 0.1 ? JSON.stringify(original).slice(0, Math.floor(random() * 200)) : JSON.stringify(mutate(original, random));
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = await sign(env.TEST_SIGNING_KEY, timestamp, body);
      const tamper = random() < 0.1;
      if (tamper) body += ' ';
      const res = await fetchWorker(
        new Request('https://gatehouse.test/interactions', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp },
          body,
        }),
        env,
      );
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status, `case ${i}: ${body.slice(0, 300)}`).toBeLessThan(500);
      if (tamper) expect(res.status).toBe(401);
    }
    // The corpus must exercise handlers (200), validation (400) and the signature check (401).
    expect(statuses.get(200)).toBeGreaterThan(25);
    expect(statuses.get(400)).toBeGreaterThan(50);
    expect(statuses.get(401)).toBeGreaterThan(10);
  }, 120_000);
});
