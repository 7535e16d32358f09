import type {
  APIInteractionResponse,
  APIMessage,
  RESTPatchAPIInteractionOriginalResponseJSONBody,
  RESTPostAPIInteractionFollowupJSONBody,
} from 'discord-api-types/v10';
import type { RestClient, RestFile } from '../rest';

/** Interaction callbacks and the interaction webhook (follow-ups, `@original`). */
export function interactions(rest: RestClient, applicationId: string) {
  return {
    /** @see https://discord.com/developers/docs/interactions/receiving-and-responding#create-interaction-response */
    callback: (id: string, token: string, body: APIInteractionResponse) =>
      rest.post<void>(`/interactions/${id}/${token}/callback`, { body, auth: false }),
    /** @see https://discord.com/developers/docs/interactions/receiving-and-responding#edit-original-interaction-response */
    editOriginal: (token: string, body: RESTPatchAPIInteractionOriginalResponseJSONBody, files?: RestFile[]) =>
      rest.patch<APIMessage>(`/webhooks/${applicationId}/${token}/messages/@original`, { body, auth: false, ...(files?.length ? { files } : {}) }),
    /** @see https://discord.com/developers/docs/interactions/receiving-and-responding#delete-original-interaction-response */
    deleteOriginal: (token: string) => rest.delete<void>(`/webhooks/${applicationId}/${token}/messages/@original`, { auth: false }),
    /** @see https://discord.com/developers/docs/interactions/receiving-and-responding#create-followup-message */
    followUp: (token: string, body: RESTPostAPIInteractionFollowupJSONBody) =>
      rest.post<APIMessage>(`/webhooks/${applicationId}/${token}`, { body, query: { wait: true }, auth: false }),
    /** @see https://discord.com/developers/docs/interactions/receiving-and-responding#edit-followup-message */
    editFollowUp: (token: string, messageId: string, body: RESTPatchAPIInteractionOriginalResponseJSONBody) =>
      rest.patch<APIMessage>(`/webhooks/${applicationId}/${token}/messages/${messageId}`, { body, auth: false }),
  };
}
