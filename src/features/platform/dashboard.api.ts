/**
 * The platform's own dashboard routes besides the guild summary: configuration (channels,
 * staff roles, modules), the audit log with revert, and the overview.
 */
import type { AnyApiRoute } from '../../core/api/define';
import { listAuditRoute, revertAuditRoute } from './audit.api';
import { getConfigRoute, setChannelRoute, setModuleRoute, setStaffRoleRoute } from './config.api';
import { overviewRoute } from './overview.api';

export const platformDashboardApi: AnyApiRoute[] = [getConfigRoute, setChannelRoute, setStaffRoleRoute, setModuleRoute, listAuditRoute, revertAuditRoute, overviewRoute];
