import type { APIChannel, APIMessage, APIUser, RESTPostAPIChannelMessageJSONBody } from 'discord-api-types/v10';
import type { RestClient, RestFile } from '../rest';
import { hasEnforcedNonce } from './channels';

/** Users and direct messages. */
export function users(rest: RestClient) {
  const self = {
    /** @see https://discord.com/developers/docs/resources/user#get-current-user */
    me: () => rest.get<APIUser>('/users/@me'),
    /** @see https://discord.com/developers/docs/resources/user#get-user */
    get: (userId: string) => rest.get<APIUser>(`/users/${userId}`),
    /** Returns the existing DM channel when there is one, so it is safe to repeat. @see https://discord.com/developers/docs/resources/user#create-dm */
    openDm: (userId: string) => rest.post<APIChannel>('/users/@me/channels', { body: { recipient_id: userId }, idempotent: true }),
    /**
     * Opens the DM channel and sends `body`. Rejects with `DiscordApiError` (50007) when the
     * user does not accept DMs; callers record that rather than fail. `files` are uploaded
     * with it (name them in `body.attachments`).
     */
    async sendDm(userId: string, body: RESTPostAPIChannelMessageJSONBody, files?: RestFile[]): Promise<APIMessage> {
      const dm = await self.openDm(userId);
      return rest.post<APIMessage>(`/channels/${dm.id}/messages`, { body, idempotent: hasEnforcedNonce(body), ...(files?.length ? { files } : {}) });
    },
  };
  return self;
}
