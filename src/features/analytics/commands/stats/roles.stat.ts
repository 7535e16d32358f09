import { statsRolesGroup } from '../../drift/stats-roles.subcommand';
import { defineStatGroup } from './stat';

/** `/stats roles show|accept`: role drift since the baseline (`../../drift/`). */
export const rolesStat = defineStatGroup('roles', statsRolesGroup);
