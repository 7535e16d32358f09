/**
 * The API reference at /api/docs: renders /api/openapi.json (generated from the route
 * definitions) as a list of operations with their scope, parameters and schemas. Plain DOM
 * (`h()`), same-origin script only, so the API's CSP needs nothing extra.
 */
import { h, replace } from './dom.js';

const json = (value) => h('pre', { class: 'schema' }, h('code', null, JSON.stringify(value, null, 2)));

function operation(path, method, op) {
  const params = op.parameters ?? [];
  const body = op.requestBody?.content?.['application/json']?.schema;
  const ok = Object.entries(op.responses ?? {}).find(([code]) => code.startsWith('2'));
  const errors = Object.entries(op.responses ?? {}).filter(([code]) => !code.startsWith('2'));
  const id = `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, '-');
  return h(
    'details',
    { class: 'card op', id, 'data-path': path, 'data-method': method },
    h('summary', null, h('span', { class: ['badge', method === 'get' ? 'ok' : 'warn'] }, method.toUpperCase()), ' ', h('code', null, path), ' ', op.summary),
    op['x-key-scope'] ? h('p', null, 'API key scope: ', h('code', null, op['x-key-scope'])) : h('p', null, 'Dashboard session; access: ', h('code', null, op['x-access'])),
    op.description ? h('p', null, op.description) : null,
    params.length
      ? h('table', null, h('caption', null, 'Parameters'), h('tbody', null, params.map((p) => h('tr', null, h('td', null, h('code', null, p.name)), h('td', null, p.in), h('td', null, p.required ? 'required' : 'optional'), h('td', null, JSON.stringify(p.schema))))))
      : null,
    body ? [h('h3', null, 'Request body (application/json)'), json(body)] : null,
    ok ? [h('h3', null, `Response ${ok[0]}`), json(ok[1].content?.['application/json']?.schema ?? {})] : null,
    h('h3', null, 'Errors'),
    h('ul', null, errors.map(([code, r]) => h('li', null, h('code', null, code), ' ', r.description))),
  );
}

async function main() {
  const root = document.getElementById('main');
  const doc = await (await fetch('/api/openapi.json')).json();
  const entries = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
  const keyed = entries.filter((e) => e.path.startsWith('/v1/'));
  const dashboard = entries.filter((e) => !e.path.startsWith('/v1/'));
  const server = doc.servers?.[0]?.url ?? '/api';
  replace(
    root,
    h('h1', { id: 'page-title', tabindex: '-1' }, `${doc.info.title} ${doc.info.version}`),
    h('p', { class: 'lead' }, doc.info.description),
    h('p', null, 'Paths are relative to ', h('code', null, server), '. The machine-readable document: ', h('a', { href: '/api/openapi.json' }, '/api/openapi.json'), '.'),
    h('h2', { id: 'public' }, `Public API (API keys): ${keyed.length} operations`),
    keyed.map((e) => operation(e.path, e.method, e.op)),
    h('h2', { id: 'dashboard' }, `Dashboard API (session cookie): ${dashboard.length} operations`),
    dashboard.map((e) => operation(e.path, e.method, e.op)),
  );
  root.dataset.ready = 'true';
}

main().catch((error) => {
  replace(document.getElementById('main'), h('p', { class: 'form-error', role: 'alert' }, `Could not load the API document: ${error.message}`));
});
