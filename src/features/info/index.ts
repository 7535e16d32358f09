import { defineFeature } from '../../core/define';
import { avatarCommand, roleinfoCommand, serverinfoCommand, userInfoUserCommand, userinfoCommand } from './commands/info.command';

/** Quick information about members, roles and the server. */
export const info = defineFeature({
  name: 'info',
  description: 'Info: /userinfo, /serverinfo, /roleinfo, /avatar and "User info"',
  commands: [userinfoCommand, userInfoUserCommand, serverinfoCommand, roleinfoCommand, avatarCommand],
});
