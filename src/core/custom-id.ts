/**
 * The one codec for `custom_id`: `feature.action:arg1:arg2…`. The key (`feature.action`)
 * routes to a component or modal handler; args are opaque strings without `:`.
 */

/** Discord's limit on a `custom_id`. */
export const CUSTOM_ID_MAX = 100;
const KEY_PATTERN = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;

/** A decoded `custom_id`. */
export interface DecodedCustomId {
  key: string;
  args: string[];
}

/** Throws unless `key` is `feature.action` in lower kebab case. */
export function assertCustomIdKey(key: string): void {
  if (!KEY_PATTERN.test(key)) {
    throw new Error(`custom_id key "${key}" must look like "feature.action" (lower kebab case)`);
  }
}

/**
 * Builds a `custom_id`. Throws at encode time (never silently truncates) when an argument
 * contains the separator or the result exceeds Discord's 100 characters.
 */
export function encodeCustomId(key: string, ...args: (string | number | bigint)[]): string {
  assertCustomIdKey(key);
  const parts = args.map(String);
  for (const part of parts) {
    if (part.includes(':')) throw new Error(`custom_id argument "${part}" must not contain ":"`);
  }
  const id = [key, ...parts].join(':');
  if (id.length > CUSTOM_ID_MAX) {
    throw new Error(`custom_id "${id.slice(0, 40)}…" is ${id.length} characters; Discord allows ${CUSTOM_ID_MAX}`);
  }
  return id;
}

/** Decodes a `custom_id`, or returns `null` for one this codec did not write. */
export function decodeCustomId(id: string): DecodedCustomId | null {
  if (id.length === 0 || id.length > CUSTOM_ID_MAX) return null;
  const [key = '', ...args] = id.split(':');
  if (!KEY_PATTERN.test(key)) return null;
  return { key, args };
}
