// Insights: the dashboards the DAG bundle declares (GET /api/v1/insights…), each panel fetched on its own so a
// slow or broken one never holds up the rest. The range lives in the hash (#/insights/<id>?range=30d or
// ?start=YYYY-MM-DD&end=YYYY-MM-DD), so a view can be bookmarked and shared.
import { api, seg, token } from '../api.js';
import { esc, fmtDate } from '../ui.js';
import { barChart, fmtValue, funnelChart, pivot, timeChart } from '../charts.js';

export async function render(main, [id], query) {
  if (!id) return renderList(main);
  const d = await api(`/insights/${seg(id)}`);
  const custom = query.get('start') && query.get('end');
  const range = custom ? null : (query.get('range') || d.default_range);
  const rangeQuery = custom ? `start=${encodeURIComponent(query.get('start'))}&end=${encodeURIComponent(query.get('end'))}` : `range=${encodeURIComponent(range)}`;
  main.innerHTML = `
    <h1>${esc(d.title)} <small>${esc(d.description)}</small></h1>
    <div class="insights-bar panel">
      <div class="range-buttons" role="group" aria-label="Date range">
        ${d.ranges.map((r) => `<button class="range${r === range ? ' active' : ''}" data-range="${esc(r)}">Last ${esc(r.replace('d', ' days'))}</button>`).join('')}
      </div>
      <form id="custom-range" class="custom-range">
        <label>From <input type="date" id="range-start" value="${esc(query.get('start') || '')}" required></label>
        <label>to <input type="date" id="range-end" value="${esc(query.get('end') || '')}" required></label>
        <button type="submit" class="${custom ? 'active' : ''}">Apply</button>
      </form>
      <span id="range-shown" class="muted"></span>
      <span class="muted small">Each query: read-only, ${esc(d.statement_timeout_ms)} ms timeout, ${esc(d.row_limit)} rows at most.</span>
    </div>
    ${d.import_errors.length ? `<div class="panel import-errors"><strong>Import errors</strong><ul>${d.import_errors.map((e) => `<li>${esc(e.panel ? `${e.panel}: ` : '')}${esc(e.message)}</li>`).join('')}</ul></div>` : ''}
    <div class="insights-grid" data-query="${esc(rangeQuery)}">
      ${d.panels.map((p) => `<section class="panel insight kind-${esc(p.kind)}" id="panel-${esc(p.id)}" data-panel="${esc(p.id)}">
        <header><h3>${esc(p.title)}</h3>
          <button class="link csv" data-panel="${esc(p.id)}" title="Download this panel's rows for the range as CSV">CSV</button></header>
        ${p.note ? `<p class="muted small">${esc(p.note)}</p>` : ''}
        <div class="body"><p class="muted">Loading…</p></div>
        <footer class="freshness muted small">${freshness(p.freshness)}</footer>
      </section>`).join('')}
    </div>`;
  main.querySelectorAll('button.range').forEach((b) => b.addEventListener('click', () => {
    location.hash = `#/insights/${seg(id)}?range=${encodeURIComponent(b.dataset.range)}`;
  }));
  main.querySelector('#custom-range').addEventListener('submit', (event) => {
    event.preventDefault();
    const start = main.querySelector('#range-start').value, end = main.querySelector('#range-end').value;
    location.hash = `#/insights/${seg(id)}?start=${encodeURIComponent(start)}&end=${encodeURIComponent(end)}`;
  });
  main.querySelectorAll('button.csv').forEach((b) => b.addEventListener('click', () => downloadCSV(id, b.dataset.panel, rangeQuery)));
  for (const p of d.panels) {
    const section = main.querySelector(`#panel-${CSS.escape(p.id)}`);
    if (p.problem) { showError(section, 'declaration', p.problem); continue; }
    loadPanel(id, p, rangeQuery, section, main);
  }
  return {};
}

async function renderList(main) {
  const list = await api('/insights');
  main.innerHTML = `<h1>Insights <small>dashboards declared by the DAG bundle</small></h1>
    ${list.dashboards.length ? `<table class="list" id="dashboards"><thead><tr><th>Dashboard</th><th>Panels</th><th>About</th></tr></thead><tbody>
      ${list.dashboards.map((d) => `<tr data-dashboard="${esc(d.id)}"><td><a href="#/insights/${seg(d.id)}">${esc(d.title)}</a></td><td>${esc(d.panels)}</td><td class="muted">${esc(d.description)}</td></tr>`).join('')}
    </tbody></table>` : '<div class="empty">The DAG bundle declares no dashboards.</div>'}
    ${list.import_errors.length ? `<h2>Import errors</h2><ul class="import-errors">${list.import_errors.map((e) => `<li><span class="mono">${esc(e.dashboard)}${e.panel ? `/${esc(e.panel)}` : ''}</span>: ${esc(e.message)}</li>`).join('')}</ul>` : ''}`;
  return {};
}

/** "gold.x materialized 3 h ago (by shopstream_daily.gold)" per asset; the producing task's last success only
 *  when the asset has no materialization recorded. */
function freshness(f) {
  const age = (s) => (s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : s < 172800 ? `${Math.round(s / 3600)} h` : `${Math.round(s / 86400)} days`);
  return f.assets.map((a) => {
    if (a.basis === 'unknown') return `<span class="fresh unknown" title="never materialized, and no successful run of ${esc(a.producer)} yet">${esc(a.asset)}: never updated</span>`;
    const verb = a.basis === 'materialization' ? 'materialized' : 'updated';
    const how = a.basis === 'materialization' ? `last materialization, by ${esc(a.producer)}` : `last successful ${esc(a.producer)}; no asset materialization recorded`;
    return `<span class="fresh" title="${esc(fmtDate(a.updated_at))}">${esc(a.asset)} ${verb} ${esc(age(a.age_seconds))} ago <span class="how">(${how})</span></span>`;
  }).join(' · ');
}

async function panelFetch(path) {
  const headers = { Accept: 'application/json' };
  if (token.get()) headers.Authorization = `Bearer ${token.get()}`;
  const response = await fetch(`/api/v1${path}`, { headers });
  return { status: response.status, response };
}

async function loadPanel(id, p, rangeQuery, section, main) {
  const body = section.querySelector('.body');
  try {
    const { status, response } = await panelFetch(`/insights/${seg(id)}/panels/${seg(p.id)}?${rangeQuery}`);
    const data = await response.json().catch(() => ({}));
    if (status !== 200) { showError(section, data.kind || 'error', data.message || `HTTP ${status}`); return; }
    const shown = main.querySelector('#range-shown');
    if (shown) shown.textContent = `${data.range.start} to ${data.range.last} (${data.range.days} ${data.range.days === 1 ? 'day' : 'days'}, UTC)`;
    section.dataset.loaded = 'true';
    drawPanel(body, p, data);
    if (data.truncated) body.insertAdjacentHTML('beforeend', `<p class="muted small truncated">Showing the first ${esc(data.row_limit)} rows; the query returned more.</p>`);
  } catch (e) {
    showError(section, 'error', e.message);
  }
}

function showError(section, kind, message) {
  section.dataset.loaded = 'error';
  section.dataset.error = kind;
  const title = kind === 'timeout' ? 'Timed out' : kind === 'declaration' ? 'Declaration error' : kind === 'connection' ? 'Cannot reach the warehouse' : 'Query failed';
  section.querySelector('.body').innerHTML = `<div class="panel-error"><strong>${esc(title)}</strong><p>${esc(message)}</p></div>`;
}

function drawPanel(body, p, data) {
  if (p.kind === 'kpi') {
    const k = data.kpi;
    const change = k.change === null || k.change === undefined ? '' : `<span class="change ${k.change >= 0 ? 'up' : 'down'}">${k.change >= 0 ? '▲' : '▼'} ${esc(fmtValue(Math.abs(k.change), 'percent'))}</span>`;
    body.innerHTML = `<div class="kpi-value" data-value="${esc(k.value ?? '')}">${esc(fmtValue(k.value, p.format))}</div>
      <div class="kpi-change">${change} <span class="muted">${k.previous === null || k.previous === undefined ? 'no figure' : `vs ${esc(fmtValue(k.previous, p.format))}`} in ${esc(data.previous_range.start)} to ${esc(data.previous_range.last)}</span></div>`;
    return;
  }
  if (!data.rows.length) { body.innerHTML = '<p class="muted empty-panel">No rows for this range.</p>'; return; }
  if (p.kind === 'table') { body.innerHTML = table(data, p.format); return; }
  const shaped = pivot(data.columns, data.rows, p.encoding);
  body.innerHTML = '<div class="chart-host"></div>';
  const host = body.querySelector('.chart-host');
  if (p.kind === 'line' || p.kind === 'area') timeChart(host, shaped, { format: p.format, area: p.kind === 'area' });
  else if (p.kind === 'bar') barChart(host, shaped, { format: p.format });
  else if (p.kind === 'funnel') funnelChart(host, shaped, { format: p.format });
}

function table(data, format) {
  const numeric = data.columns.map((_, i) => data.rows.every((r) => r[i] === null || /^-?\d+(\.\d+)?$/.test(r[i])));
  const cell = (v, i) => (numeric[i] ? `<td class="num">${esc(fmtValue(v, /\./.test(v ?? '') ? (format === 'integer' ? 'number' : 'currency') : 'integer'))}</td>` : `<td>${esc(v ?? '–')}</td>`);
  return `<div class="table-scroll"><table class="list compact"><thead><tr>${data.columns.map((c, i) => `<th class="${numeric[i] ? 'num' : ''}">${esc(c)}</th>`).join('')}</tr></thead>
    <tbody>${data.rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table></div>`;
}

/** Fetches the CSV with the token (when signed in) and saves it under the server's file name. */
async function downloadCSV(id, panel, rangeQuery) {
  const { status, response } = await panelFetch(`/insights/${seg(id)}/panels/${seg(panel)}?${rangeQuery}&format=csv`);
  if (status !== 200) {
    const data = await response.json().catch(() => ({}));
    alert(`CSV not available: ${data.message || `HTTP ${status}`}`);
    return;
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') || '')?.[1] || `${id}-${panel}.csv`;
  const url = URL.createObjectURL(await response.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
