import { opt } from '../../../../core/define';
import { ANALYTICS_SETTINGS, analyticsSettings } from '../../config';
import { requireTimezone } from '../../timezone';
import { defineStat } from './stat';

/** `/stats timezone <zone>`: the timezone the heatmap is drawn in. */
export const timezoneStat = defineStat('timezone', {
  description: 'Set the server’s timezone for the heatmap',
  level: 'administrator',
  options: { zone: opt.string('IANA timezone, e.g. Europe/Paris or America/New_York', { required: true, maxLength: 64 }) },
  handler: async (ctx, { zone }) => {
    const timezone = requireTimezone(zone);
    await ctx.config.updateSettings(ctx.user.id, ANALYTICS_SETTINGS, analyticsSettings, (current) => ({ ...current, timezone }));
    return ctx.reply({ ephemeral: true, content: `The heatmap is now drawn in **${timezone}**.` });
  },
});
