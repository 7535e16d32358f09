import { statsFunnelSubcommand } from '../../funnel/stats-funnel.subcommand';
import { defineStat } from './stat';

/** `/stats funnel [weeks] [level]`: the join funnel per weekly cohort (`../../funnel/`). */
export const funnelStat = defineStat('funnel', statsFunnelSubcommand);
