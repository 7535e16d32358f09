import { defineFeature } from '../../core/define';
import { apiKeysCommand } from './commands/api-keys.command';

/** API keys for the public API (`/api/v1`): managed on the dashboard and with `/api-keys`. */
export const apiKeys = defineFeature({
  name: 'api-keys',
  description: 'API keys for the public API',
  toggleable: false,
  commands: [apiKeysCommand],
});
