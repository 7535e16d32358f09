/**
 * Who sees which page. The API decides every request itself; this only keeps the navigation
 * honest (a reviewer is not shown links that would answer 403). Levels mirror
 * `src/core/staff.ts` (a node test checks they agree).
 */

/** Staff levels, lowest first (as `STAFF_LEVELS` in src/core/staff.ts). */
export const STAFF_LEVELS = ['everyone', 'verified', 'helper', 'reviewer', 'moderator', 'senior_moderator', 'administrator'];

/**
 * True when a caller holding `grant` ({ manager, level }) may open a page needing `required`
 * (`'manager'` or a staff level; managers pass every level).
 * @param {{ manager?: boolean, level?: string } | null | undefined} grant
 * @param {string} required
 */
export function allows(grant, required) {
  if (!grant) return false;
  if (grant.manager) return true;
  if (required === 'manager') return false;
  const have = STAFF_LEVELS.indexOf(grant.level ?? 'everyone');
  const need = STAFF_LEVELS.indexOf(required);
  return need >= 0 && have >= need;
}
