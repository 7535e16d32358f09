/** Every `/stats` entry, in the order Discord lists them. Add a view: a file beside this one and a line here. */
import { activityStat } from './activity.stat';
import { channelsStat } from './channels.stat';
import { heatmapStat } from './heatmap.stat';
import { lurkersStat } from './lurkers.stat';
import { membersStat } from './members.stat';
import type { Stat } from './stat';
import { timezoneStat } from './timezone.stat';
import { rolesStat } from './roles.stat';
import { funnelStat } from './funnel.stat';

export const STATS: Stat[] = [activityStat, heatmapStat, channelsStat, membersStat, lurkersStat, timezoneStat, rolesStat, funnelStat];
