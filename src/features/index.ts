/**
 * The one list of features. The registry builds every lookup and the command manifest
 * from it; adding a feature means adding it here.
 */
import type { Feature } from '../core/define';
import { analytics } from './analytics';
import { avatarScan } from './avatar-scan';
import { economy } from './economy';
import { gate } from './gate';
import { info } from './info';
import { levels } from './levels';
import { moderation } from './moderation';
import { modmail } from './modmail';
import { platform } from './platform';
import { reminders } from './reminders';
import { roleMenus } from './role-menus';
import { rules } from './rules';
import { runs } from './runs';
import { tags } from './tags';
import { welcome } from './welcome';

export const features: Feature[] = [platform, gate, welcome, avatarScan, moderation, roleMenus, reminders, tags, info, economy, levels, rules, runs, modmail, analytics];
