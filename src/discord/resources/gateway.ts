import type { RESTGetAPIGatewayBotResult } from 'discord-api-types/v10';
import type { RestClient } from '../rest';

/** Gateway discovery. */
export function gateway(rest: RestClient) {
  return {
    /** @see https://discord.com/developers/docs/events/gateway#get-gateway-bot */
    bot: () => rest.get<RESTGetAPIGatewayBotResult>('/gateway/bot'),
  };
}
