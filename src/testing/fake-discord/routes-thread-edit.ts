/**
 * Modify a thread (`PATCH /channels/{channel_id}` on a thread): archive, lock, rename, as
 * Discord documents it: the body is checked against discord-api-spec's thread schema; the bot
 * needs MANAGE_THREADS to lock, or to change a thread it did not make; a locked, archived
 * thread stays closed to anyone without MANAGE_THREADS. Channels that are not threads answer
 * 50035 here (the fake does not model editing other channels).
 *
 * Portable: no Node APIs.
 */
import type { RESTPatchAPIChannelJSONBody } from 'discord-api-types/v10';
import { UpdateThreadRequestPartialSchema } from 'discord-api-spec/zod';
import { errors } from './errors.ts';
import { Permission } from './permissions.ts';
import { type AnyRoute, route } from './route-table.ts';
import { combine, requireChannel, requireChannelPermissions } from './routes-channels.ts';
import { specIssues, unknownKeys } from './validate.ts';

/** The thread-edit route. */
export const threadEditRoutes: AnyRoute[] = [
  route<RESTPatchAPIChannelJSONBody>()({
    method: 'PATCH',
    path: '/channels/{channel_id}',
    auth: 'bot',
    body: (body) => combine(specIssues(UpdateThreadRequestPartialSchema, body), unknownKeys(UpdateThreadRequestPartialSchema, body)),
    handler: ({ state, params, body }) => {
      const ch = requireChannel(state, params.channel_id);
      const thread = ch.thread;
      if (!thread) throw errors.invalidForm('channel_id', 'BASE_TYPE_INVALID', 'The fake only edits threads');
      const b = body as { archived?: boolean; locked?: boolean; name?: string };
      if (b.locked !== undefined || thread.ownerId !== state.botUserId || thread.locked) requireChannelPermissions(state, ch, Permission.ManageThreads);
      else requireChannelPermissions(state, ch, Permission.ViewChannel);
      if (b.archived !== undefined) thread.archived = b.archived;
      if (b.locked !== undefined) thread.locked = b.locked;
      if (b.name !== undefined) ch.name = b.name;
      return { status: 200, body: state.renderChannel(ch) };
    },
  }),
];
