/**
 * The one list of features. The registry builds every lookup and the command manifest
 * from it; adding a feature means adding it here.
 */
import type { Feature } from '../core/define';
import { gate } from './gate';
import { platform } from './platform';

export const features: Feature[] = [platform, gate];
