import type {
  APIChannel,
  APIMessage,
  APIThreadChannel,
  RESTPostAPIChannelThreadsJSONBody,
  RESTPostAPIGuildForumThreadsJSONBody,
  RESTGetAPIChannelMessagesQuery,
  RESTPatchAPIChannelJSONBody,
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
    /** Archive, lock or rename a thread (or edit a channel). @see https://discord.com/developers/docs/resources/channel#modify-channel */
    edit: (channelId: string, body: RESTPatchAPIChannelJSONBody, reason?: string) =>
      rest.patch<APIChannel>(`/channels/${channelId}`, { body, ...(reason ? { reason } : {}) }),
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
    /**
     * A thread without a starter message (a private thread in a text channel), or a forum
     * post (with `message`, its first message). Not idempotent: a retried call may make two.
     * @see https://discord.com/developers/docs/resources/channel#start-thread-without-message
     * @see https://discord.com/developers/docs/resources/channel#start-thread-in-forum-or-media-channel
     */
    startThread: (channelId: string, body: RESTPostAPIChannelThreadsJSONBody | RESTPostAPIGuildForumThreadsJSONBody, reason?: string) =>
      rest.post<APIThreadChannel>(`/channels/${channelId}/threads`, { body, ...(reason ? { reason } : {}) }),
    /** @see https://discord.com/developers/docs/resources/channel#add-thread-member */
    addThreadMember: (threadId: string, userId: string) => rest.put<void>(`/channels/${threadId}/thread-members/${userId}`),
    /** @see https://discord.com/developers/docs/resources/message#bulk-delete-messages */
    bulkDelete: (channelId: string, messages: string[], reason?: string) =>
      rest.post<void>(`/channels/${channelId}/messages/bulk-delete`, { body: { messages }, ...(reason ? { reason } : {}) }),
  };
}
