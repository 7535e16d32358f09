/**
 * Discord snowflake helpers. Ids are built exactly like Discord's: milliseconds since the Discord
 * epoch in the top 42 bits, then worker id, process id and a 12-bit increment.
 */

/** The Discord epoch (2015-01-01T00:00:00.000Z) in milliseconds. */
export const DISCORD_EPOCH = 1420070400000;

const WORKER_ID = 1n;
const PROCESS_ID = 7n;
let increment = 0n;
let lastNowId = 0n;

function build(ms: number): bigint {
  increment = (increment + 1n) & 0xfffn;
  return ((BigInt(Math.floor(ms)) - BigInt(DISCORD_EPOCH)) << 22n) | (WORKER_ID << 17n) | (PROCESS_ID << 12n) | increment;
}

/**
 * A new snowflake. Without `ms` the id is for "now" and strictly greater than every previous
 * "now" id, so ids sort in creation order. With `ms` the id encodes that timestamp (used to seed
 * old messages, e.g. to exercise the 14-day bulk-delete limit).
 */
export function snowflake(ms?: number): string {
  if (ms !== undefined) return build(ms).toString();
  let id = build(Date.now());
  if (id <= lastNowId) id = lastNowId + 1n;
  lastNowId = id;
  return id.toString();
}

/** The creation time (ms since Unix epoch) encoded in a snowflake. */
export function snowflakeTime(id: string): number {
  return Number(BigInt(id) >> 22n) + DISCORD_EPOCH;
}

/** True when `value` looks like a snowflake (a decimal integer string that fits in 64 bits). */
export function isSnowflake(value: string): boolean {
  return /^(0|[1-9][0-9]{0,19})$/.test(value) && BigInt(value) < 1n << 64n;
}

/** Compare two snowflakes numerically (for sorting). */
export function compareSnowflakes(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A random lowercase hex string, e.g. for avatar hashes and interaction tokens. */
export function randomHex(length: number): string {
  const bytes = new Uint8Array(Math.ceil(length / 2));
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('').slice(0, length);
}

/** A random token made of URL-safe characters (like interaction tokens). */
export function randomToken(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  const bytes = new Uint8Array(length);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
