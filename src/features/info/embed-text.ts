/**
 * Text that must fit Discord's embed limits whatever the guild looks like: lists cut with
 * "and N more", timestamps, and permission names in words.
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { EMBED_LIMITS, embedSize } from '../../discord/embeds';

/** Discord's embed limits. */
export { EMBED_LIMITS };

/**
 * `items` joined by `separator`, cut to at most `max` characters: what does not fit is
 * replaced by "and N more". `empty` when there are no items.
 */
export function fitList(items: readonly string[], max: number = EMBED_LIMITS.fieldValue, separator = ' ', empty = 'None'): string {
  if (items.length === 0) return empty;
  let out = '';
  for (let i = 0; i < items.length; i++) {
    const next = out ? `${out}${separator}${items[i]}` : items[i]!;
    const rest = items.length - i - 1;
    const tail = rest > 0 ? `${separator}and ${rest} more` : '';
    if (next.length + tail.length > max) {
      const more = `and ${items.length - i} more`;
      return out ? `${out}${separator}${more}` : more;
    }
    out = next;
  }
  return out;
}

/** `<t:…:F> (<t:…:R>)` for a time in ms. */
export function when(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `<t:${s}:F> (<t:${s}:R>)`;
}

/** `ManageRoles` → `Manage Roles`. */
function words(flag: string): string {
  return flag.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/([A-Z])([A-Z][a-z])/g, '$1 $2').replace('Tts', 'TTS').replace('VAD', 'VAD');
}

/** The names of the permissions in `bits`, in words (Administrator alone when held). */
export function permissionWords(bits: string | bigint): string[] {
  const value = BigInt(bits);
  if ((value & PermissionFlagsBits.Administrator) !== 0n) return ['Administrator (every permission)'];
  return Object.entries(PermissionFlagsBits)
    .filter(([, flag]) => (value & flag) !== 0n)
    .map(([name]) => words(name));
}

/** Total characters of an embed as Discord counts them toward its 6,000 limit. */
export const embedLength = embedSize;
