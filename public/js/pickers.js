/**
 * The server's roles and channels for select boxes (`GET /api/guilds/:id/pickers`), read once
 * per page render; ids stay the values. When the route fails (an old API, Discord down) the
 * options are empty and `idPicker()` falls back to an id field.
 */
import { get, guildPath } from './api.js';

/** `{ roles: [[id, name]...], channels: [[id, '#name']...] }`, each led by a "(none)" entry. */
export async function pickerOptions(guildId, { textOnly = true } = {}) {
  const roles = [['', '(none)']];
  const channels = [['', '(none)']];
  try {
    const data = await get(guildPath(guildId, 'pickers'));
    for (const r of data.roles) if (!r.everyone && !r.managed) roles.push([r.id, r.name]);
    const categories = new Map(data.channels.filter((c) => c.kind === 'category').map((c) => [c.id, c.name]));
    for (const c of data.channels) {
      if (c.kind === 'category' || (textOnly && c.kind !== 'text' && c.kind !== 'announcement')) continue;
      const under = c.parentId ? categories.get(c.parentId) : null;
      channels.push([c.id, `#${c.name}${under ? ` (${under})` : ''}`]);
    }
  } catch (e) {
    if (e?.status === 401) throw e;
  }
  return { roles, channels };
}
