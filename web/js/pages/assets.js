// The Assets page: the lineage graph across DAGs coloured by health, a health summary, and every asset in a table.
import { api } from '../api.js';
import { esc, fmtDate } from '../ui.js';
import { drawLineage, filterLineage, HEALTH_FILL } from './lineage.js';

export async function render(main) {
  main.innerHTML = `<h1>Assets <small>tables and topics the DAGs read and write</small></h1>
    <div class="toolbar"><input id="asset-filter" placeholder="filter by URI (e.g. gold.)" aria-label="filter assets">
      <span id="asset-summary" class="muted"></span></div>
    <div class="legend">${Object.entries(HEALTH_FILL).map(([s, c]) => `<span><i style="background:${c}"></i>${s}</span>`).join('')}</div>
    <div id="lineage" class="panel graph-wrap lineage-wrap"></div>
    <h2>All assets</h2><div id="asset-table"></div>`;
  const filter = document.getElementById('asset-filter');
  let signature = '';
  const refresh = async () => {
    const { assets } = await api('/assets');
    const counts = {};
    assets.forEach((a) => { counts[a.health.status] = (counts[a.health.status] ?? 0) + 1; });
    document.getElementById('asset-summary').textContent = `${assets.length} assets · ` +
      Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(' · ');
    // Redraw only when something shown changed: a poll with the same answer leaves the graph (and scroll) alone.
    const next = JSON.stringify(assets.map((a) => [a.id, a.health.status, a.latest_materialization?.id]));
    if (next !== signature) {
      signature = next;
      const el = document.getElementById('lineage');
      if (assets.length) drawLineage(el, assets);
      else el.innerHTML = '<div class="empty" id="assets-empty">No assets yet. A task declares what it reads and writes with inlets: and outlets: (see docs/assets.md); they appear here when the DAGs load.</div>';
      filterLineage(el, filter.value);
      document.getElementById('asset-table').innerHTML = `<table class="list" id="assets"><thead><tr><th>Asset</th><th>Health</th><th>Producers</th><th>Last materialized</th><th>Rows</th></tr></thead><tbody>
        ${assets.map((a) => `<tr data-asset="${a.id}"><td><a class="mono" href="#/assets/${a.id}">${esc(a.uri)}</a></td>
          <td><span class="health-badge h-${esc(a.health.status)}">${esc(a.health.status)}</span></td>
          <td>${a.producers.map((p) => `${esc(p.dag_id)}.${esc(p.task_id)}`).join(', ') || '<span class="muted">none</span>'}</td>
          <td>${fmtDate(a.latest_materialization?.created_at)}</td><td>${a.latest_materialization?.rows?.toLocaleString('en-US') ?? '–'}</td></tr>`).join('')}</tbody></table>`;
    }
  };
  filter.oninput = () => filterLineage(document.getElementById('lineage'), filter.value);
  await refresh();
  return { refresh };
}
