import type {
  RESTPutAPIApplicationCommandsJSONBody,
  RESTPutAPIApplicationCommandsResult,
} from 'discord-api-types/v10';
import type { RestClient } from '../rest';

/** Application command registration. */
export function commands(rest: RestClient, applicationId: string) {
  return {
    /**
     * Replaces every global command, or every command of one guild.
     * @see https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-global-application-commands
     */
    bulkOverwrite: (body: RESTPutAPIApplicationCommandsJSONBody, guildId?: string) =>
      rest.put<RESTPutAPIApplicationCommandsResult>(
        guildId ? `/applications/${applicationId}/guilds/${guildId}/commands` : `/applications/${applicationId}/commands`,
        { body },
      ),
  };
}
