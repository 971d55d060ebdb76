// The dashboard shell: hash routing, sign-in, health badge, and polling every 3 s without page reloads.
import { api, token } from './api.js';
import { esc, localZoneName, zone } from './ui.js';
import * as dags from './pages/dags.js';
import * as dag from './pages/dag.js';
import * as run from './pages/run.js';
import * as task from './pages/task.js';
import * as runs from './pages/runs.js';
import * as alerts from './pages/alerts.js';
import * as audit from './pages/audit.js';
import * as insights from './pages/insights.js';
import * as assets from './pages/assets.js';
import * as asset from './pages/asset.js';

const POLL_MS = 3000;
const routes = [
  [/^\/$/, dags, 'dags'],
  [/^\/runs$/, runs, 'runs'],
  [/^\/alerts$/, alerts, 'alerts'],
  [/^\/audit$/, audit, 'audit'],
  [/^\/insights(?:\/([^/]+))?$/, insights, 'insights'],
  [/^\/assets$/, assets, 'assets'],
  [/^\/assets\/(\d+)$/, asset, 'assets'],
  [/^\/dags\/([^/]+)\/runs\/([^/]+)\/tasks\/([^/]+)$/, task, 'dags'],
  [/^\/dags\/([^/]+)\/runs\/([^/]+)$/, run, 'dags'],
  [/^\/dags\/([^/]+)(?:\/(grid|graph))?$/, dag, 'dags'],
];

let current = null;
let timer = null;

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = raw.split('?');
  return { path, query: new URLSearchParams(query) };
}

async function navigate() {
  clearInterval(timer);
  current?.stop?.();
  current = null;
  const { path, query } = parseHash();
  const main = document.getElementById('main');
  for (const [pattern, page, nav] of routes) {
    const m = path.match(pattern);
    if (!m) continue;
    document.querySelectorAll('[data-nav]').forEach((a) => a.classList.toggle('active', a.dataset.nav === nav));
    const params = m.slice(1).map((p) => (p === undefined ? p : decodeURIComponent(p)));
    try {
      const view = await page.render(main, params, query);
      current = view;
      if (view?.refresh) timer = setInterval(() => view.refresh().catch(showError), POLL_MS);
    } catch (e) { showError(e); }
    return;
  }
  main.innerHTML = `<div class="empty">No page at <span class="mono">${esc(path)}</span>. <a href="#/">Back to the DAGs</a></div>`;
}

function showError(e) {
  const main = document.getElementById('main');
  let banner = main.querySelector('.page-error');
  if (!banner) {
    banner = document.createElement('p');
    banner.className = 'page-error error';
    main.prepend(banner);
  }
  banner.textContent = e.message;
}

function renderSignIn() {
  const signedIn = !!token.get();
  document.getElementById('signin').hidden = signedIn;
  document.getElementById('signed-in').hidden = !signedIn;
}

/** /health answers 503 with the same body when something is wrong; read it either way. */
async function healthAnswer() {
  const response = await fetch('/api/v1/health', { headers: { Accept: 'application/json' } });
  const data = await response.json();
  if (!data.scheduler) throw new Error(data.message || `HTTP ${response.status}`);
  return data;
}

/** A banner above every page while ORCH_HOME's disk is full (changes are refused with 507 meanwhile). */
function storageBanner(storage) {
  let banner = document.getElementById('storage-banner');
  const full = storage && storage.status === 'full';
  if (!full) { if (banner) banner.remove(); return; }
  if (!banner) {
    banner = document.createElement('p');
    banner.id = 'storage-banner';
    banner.className = 'page-error error';
    document.body.prepend(banner);
  }
  banner.textContent = `Disk full: ${storage.message || 'ORCH_HOME has no space left'}. Changes are refused until space is freed.`;
}

/** A banner above every page while a DAG bundle, or a DAG of one, is not loaded (GET /importErrors); it goes away
 *  when the cause is fixed. The other DAGs keep running meanwhile. */
function importErrorsBanner(errors) {
  let banner = document.getElementById('import-errors-banner');
  if (!errors || errors.length === 0) { if (banner) banner.remove(); return; }
  if (!banner) {
    banner = document.createElement('div');
    banner.id = 'import-errors-banner';
    banner.className = 'page-error error';
    document.body.prepend(banner);
  }
  const items = errors.map((e) => `<li><b>${esc(e.kind)}</b> in ${esc(e.bundle)}${e.dag_id ? ` (DAG ${esc(e.dag_id)})` : ''}`
    + `<pre>${esc(e.message)}</pre></li>`).join('');
  const html = `<details><summary>${errors.length} import error${errors.length === 1 ? '' : 's'}: `
    + 'some DAGs are not loaded (the others run as usual)</summary><ul>' + items + '</ul></details>';
  // Replaced only when it changed, so an opened list stays open across polls.
  if (banner.dataset.html !== html) {
    const open = banner.querySelector('details')?.open;
    banner.innerHTML = html;
    banner.dataset.html = html;
    if (open) banner.querySelector('details').open = true;
  }
}

async function refreshImportErrors() {
  try {
    const answer = await api('/importErrors');
    importErrorsBanner(answer.import_errors);
  } catch (e) {
    // The health badge already says when the server is unreachable.
  }
}

async function refreshHealth() {
  const el = document.getElementById('health');
  try {
    const h = await healthAnswer();
    storageBanner(h.storage);
    const color = h.status === 'ok' ? '#4cd964' : '#ffb020';
    const age = h.scheduler.heartbeat_age_seconds;
    el.innerHTML = `<span class="dot" style="background:${color}"></span>scheduler ${esc(h.scheduler.status.replace('_', ' '))}`
      + (age != null ? ` · heartbeat ${age.toFixed(1)} s ago` : '') + ` · database ${esc(h.database.status)}`;
  } catch (e) {
    el.innerHTML = '<span class="dot" style="background:#e02020"></span>server unreachable';
  }
}

// Sign-in checks the token against POST /auth/check (which changes nothing): a wrong token is refused here,
// not at the first action.
async function checkToken(t) {
  const response = await fetch('/api/v1/auth/check', { method: 'POST', headers: { Authorization: `Bearer ${t}`, Accept: 'application/json' } });
  if (response.ok) return null;
  const data = await response.json().catch(() => ({}));
  return response.status === 401 ? 'Token refused: not the API token of this server.' : (data.message || `HTTP ${response.status}`);
}

document.getElementById('signin').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = document.getElementById('token');
  const error = document.getElementById('signin-error');
  const t = input.value.trim();
  if (!t) return;
  let problem;
  try { problem = await checkToken(t); } catch (e) { problem = `Cannot reach the server: ${e.message}`; }
  error.hidden = !problem;
  error.textContent = problem ?? '';
  if (problem) return;
  token.set(t);
  input.value = '';
  renderSignIn();
});
document.getElementById('signout').addEventListener('click', () => { token.clear(); renderSignIn(); });

function renderZone() {
  document.getElementById('zone-switch').textContent = zone.get() === 'utc' ? 'Times: UTC' : `Times: ${localZoneName()}`;
}
document.getElementById('zone-switch').addEventListener('click', () => {
  zone.set(zone.get() === 'utc' ? 'local' : 'utc');
  renderZone();
  navigate();
});
renderZone();
window.addEventListener('hashchange', navigate);
renderSignIn();
// A token kept from an earlier visit is checked again (the server may have a new one).
if (token.get()) {
  checkToken(token.get()).then((problem) => {
    if (!problem) return;
    token.clear();
    renderSignIn();
    const error = document.getElementById('signin-error');
    error.textContent = 'Signed out: the saved token is no longer accepted.';
    error.hidden = false;
  }).catch(() => {});
}
refreshHealth();
setInterval(refreshHealth, 5000);
refreshImportErrors();
setInterval(refreshImportErrors, 5000);
navigate();
