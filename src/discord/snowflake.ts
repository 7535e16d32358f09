/** Discord ids (snowflakes) carry their creation time: milliseconds since Discord's epoch, shifted left 22 bits. */
const DISCORD_EPOCH = 1420070400000n;

/** The creation time (ms) encoded in a snowflake, or null when `id` is not one. */
export function snowflakeTime(id: string): number | null {
  if (!/^\d{1,20}$/.test(id)) return null;
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}
