import type { RESTGetAPIOAuth2CurrentApplicationResult } from 'discord-api-types/v10';
import type { RestClient } from '../rest';

/** The bot's own application. */
export function applications(rest: RestClient) {
  return {
    /**
     * The bot's application, with its owner (or team).
     * @see https://discord.com/developers/docs/topics/oauth2#get-current-bot-application-information
     */
    current: () => rest.get<RESTGetAPIOAuth2CurrentApplicationResult>('/oauth2/applications/@me'),
  };
}
