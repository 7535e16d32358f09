import { defineFeature } from '../../core/define';
import { scanCommand } from './commands/scan.command';
import { scanOnAvatarChangeHook } from './events/scan-on-avatar-change.hook';
import { scanOnJoinEvent } from './events/scan-on-join.event';
import { AVATAR_SCAN_MODULE } from './module';

/**
 * Avatar scanning: an ONNX image-safety model in its own queue-consumer Worker
 * (`workers/scanner/`). The bot side only queues scans: on join, on an avatar change, and on `/scan user`.
 */
export const avatarScan = defineFeature({
  name: AVATAR_SCAN_MODULE,
  description: 'Avatar safety scans for gated servers',
  commands: [scanCommand],
  events: [scanOnJoinEvent],
  lakeHooks: [scanOnAvatarChangeHook],
});
