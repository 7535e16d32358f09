import type {
  APIChannel,
  APIMessage,
  RESTGetAPIChannelMessagesQuery,
  RESTPatchAPIChannelMessageJSONBody,
  RESTPostAPIChannelMessageJSONBody,
} from 'discord-api-types/v10';
import type { RestClient, RestFile } from '../rest';

/** Whether Discord dedupes this message post (same nonce from the same author in the last minutes). */
export function hasEnforcedNonce(body: RESTPostAPIChannelMessageJSONBody): boolean {
  return body.enforce_nonce === true && body.nonce !== undefined && body.nonce !== null;
}

/** Channels and their messages. */
export function channels(rest: RestClient) {
  return {
    /** @see https://discord.com/developers/docs/resources/channel#get-channel */
    get: (channelId: string) => rest.get<APIChannel>(`/channels/${channelId}`),
    /**
     * A body with `nonce` + `enforce_nonce: true` (see `messageNonce`) is posted once however
     * often it is sent within Discord's few-minute window, so it is also retried after a
     * timeout or 5xx; without one a failed post is never repeated (it may have been applied).
     * @see https://discord.com/developers/docs/resources/message#create-message
     */
    createMessage: (channelId: string, body: RESTPostAPIChannelMessageJSONBody, files?: RestFile[]) =>
      rest.post<APIMessage>(`/channels/${channelId}/messages`, { body, idempotent: hasEnforcedNonce(body), ...(files ? { files } : {}) }),
    /** @see https://discord.com/developers/docs/resources/message#edit-message */
    editMessage: (channelId: string, messageId: string, body: RESTPatchAPIChannelMessageJSONBody) =>
      rest.patch<APIMessage>(`/channels/${channelId}/messages/${messageId}`, { body }),
    /** @see https://discord.com/developers/docs/resources/message#get-channel-message */
    getMessage: (channelId: string, messageId: string) => rest.get<APIMessage>(`/channels/${channelId}/messages/${messageId}`),
    /** @see https://discord.com/developers/docs/resources/message#get-channel-messages */
    listMessages: (channelId: string, query: RESTGetAPIChannelMessagesQuery = {}) =>
      rest.get<APIMessage[]>(`/channels/${channelId}/messages`, { query: { ...query } }),
    /** @see https://discord.com/developers/docs/resources/message#delete-message */
    deleteMessage: (channelId: string, messageId: string, reason?: string) =>
      rest.delete<void>(`/channels/${channelId}/messages/${messageId}`, reason ? { reason } : {}),
    /** @see https://discord.com/developers/docs/resources/message#bulk-delete-messages */
    bulkDelete: (channelId: string, messages: string[], reason?: string) =>
      rest.post<void>(`/channels/${channelId}/messages/bulk-delete`, { body: { messages }, ...(reason ? { reason } : {}) }),
  };
}
