/**
 * The page table: every page of the dashboard, its route, the access it needs and where its
 * module is. A page module is loaded only when opened (the first page stays light). To add a
 * page: write `pages/<name>.js` exporting `default async function render(ctx)` and add one
 * entry here (with `nav` to list it in the guild's navigation, `access` for who may see it, `module` to
 * hide it while that module is off in the guild).
 *
 * @typedef {{
 *   path: string,
 *   title: string,
 *   nav?: string,
 *   access?: string,
 *   section?: string,
 *   module?: string,
 *   load: () => Promise<{ default: (ctx: any) => Promise<any> }>,
 * }} PageDef
 */

/** @type {PageDef[]} */
export const pages = [
  { path: '/', title: 'Your servers', load: () => import('./guilds.js') },
  { path: '/g/:guild/overview', title: 'Overview', nav: 'Overview', access: 'manager', load: () => import('./overview.js') },
  { path: '/g/:guild/applications', module: 'gate', title: 'Applications', nav: 'Applications', access: 'reviewer', load: () => import('./applications.js') },
  { path: '/g/:guild/applications/:id', module: 'gate', title: 'Application', section: 'Applications', access: 'reviewer', load: () => import('./application.js') },
  { path: '/g/:guild/cases', module: 'moderation', title: 'Moderation', nav: 'Moderation', access: 'moderator', load: () => import('./cases.js') },
  { path: '/g/:guild/members/:user', module: 'moderation', title: 'Member history', section: 'Moderation', access: 'moderator', load: () => import('./member.js') },
  { path: '/g/:guild/metrics', module: 'gate', title: 'Reviewer metrics', nav: 'Reviewer metrics', access: 'moderator', load: () => import('./metrics.js') },
  { path: '/g/:guild/engagement', module: 'economy', title: 'Engagement', nav: 'Engagement', access: 'moderator', load: () => import('./engagement.js') },
  { path: '/g/:guild/analytics', module: 'analytics', title: 'Analytics', nav: 'Analytics', access: 'moderator', load: () => import('./analytics.js') },
  { path: '/g/:guild/config', title: 'Configuration', nav: 'Configuration', access: 'manager', load: () => import('./config.js') },
  { path: '/g/:guild/audit', title: 'Audit log', nav: 'Audit log', access: 'manager', load: () => import('./audit.js') },
  { path: '/g/:guild/api-keys', title: 'API keys', nav: 'API keys', access: 'manager', load: () => import('./api-keys.js') },
  { path: '/g/:guild/webhooks', module: 'webhooks', title: 'Webhooks', nav: 'Webhooks', access: 'manager', load: () => import('./webhooks.js') },
];
