// One asset: health with its reasons, producers and consumers, materialization history (rows over time as a
// small chart, then the list) and check history.
import { api, seg } from '../api.js';
import { esc, fmtDate, fmtShort } from '../ui.js';

export async function render(main, [id]) {
  let shown = '';
  const refresh = async () => {
    const [a, page, checks] = await Promise.all([api(`/assets/${seg(id)}`), api(`/assets/${seg(id)}/materializations?limit=100`),
      api(`/assets/${seg(id)}/checks?limit=100`)]);
    const task = (t) => `<a href="#/dags/${seg(t.dag_id)}">${esc(t.dag_id)}</a>.${esc(t.task_id)}`;
    const html = `<h1><span class="mono">${esc(a.uri)}</span> <span class="health-badge h-${esc(a.health.status)}" id="asset-health">${esc(a.health.status)}</span></h1>
      ${a.health.reasons.length ? `<ul class="reasons" id="health-reasons">${a.health.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : ''}
      <p class="muted">${a.freshness_max_age_seconds ? `Freshness policy: at most ${Math.round(a.freshness_max_age_seconds / 3600)} h old.` : 'No freshness policy.'}
        <a href="#/assets">All assets</a></p>
      <div class="cols"><div><h2>Producers</h2><ul id="producers">${a.producers.map((p) => `<li>${task(p)}</li>`).join('') || '<li class="muted">none</li>'}</ul></div>
      <div><h2>Consumers</h2><ul id="consumers">${a.consumers.map((c) => `<li>${task(c)}</li>`).join('') || '<li class="muted">none</li>'}</ul></div></div>
      <h2>Materializations <small>${page.total_entries}</small></h2><div id="rows-chart" class="panel">${chart(page.materializations)}</div>
      <table class="list" id="materializations"><thead><tr><th>When</th><th>Run</th><th>Task</th><th>Interval</th><th>Rows</th><th>Metadata</th></tr></thead><tbody>
      ${page.materializations.map((m) => `<tr><td>${fmtDate(m.created_at)}</td><td><a class="mono" href="#/dags/${seg(m.dag_id)}/runs/${seg(m.run_id)}">${esc(m.run_id)}</a></td>
        <td>${esc(m.task_id)} <span class="muted">try ${m.try_number}</span></td><td>${fmtShort(m.data_interval_start)} → ${fmtShort(m.data_interval_end)}</td>
        <td>${m.rows?.toLocaleString('en-US') ?? '–'}</td><td class="mono small">${esc(JSON.stringify(m.metadata))}</td></tr>`).join('') || '<tr><td colspan="6" class="muted">Never materialized.</td></tr>'}</tbody></table>
      <h2>Checks <small>${checks.total_entries}</small></h2>
      <table class="list" id="checks"><thead><tr><th>When</th><th>Check</th><th>Severity</th><th>Result</th><th>Observed</th><th>Details</th><th>Run</th></tr></thead><tbody>
      ${checks.checks.map((c) => `<tr data-passed="${c.passed}"><td>${fmtDate(c.created_at)}</td><td>${esc(c.name)}</td><td>${esc(c.severity)}</td>
        <td><span class="health-badge ${c.passed ? 'h-ok' : c.severity === 'error' ? 'h-failing' : 'h-warning'}">${c.passed ? 'passed' : 'failed'}</span></td>
        <td class="mono">${esc(JSON.stringify(c.observed))}</td><td>${esc(c.details)}</td>
        <td><a class="mono" href="#/dags/${seg(c.dag_id)}/runs/${seg(c.run_id)}">${esc(c.run_id)}</a></td></tr>`).join('') || '<tr><td colspan="7" class="muted">No check results.</td></tr>'}</tbody></table>`;
    // Redraw only when something shown changed: a poll with the same answer keeps the reader's selection and
    // scroll, and the elements they (or a test) hold.
    if (html !== shown) { main.innerHTML = html; shown = html; }
  };
  await refresh();
  return { refresh };
}

/** Rows written per materialization, oldest left, as a small SVG line with dots. */
function chart(materializations) {
  const points = materializations.filter((m) => m.rows != null).reverse();
  if (!points.length) return '<span class="muted" id="rows-chart-empty">No row counts reported yet.</span>';
  const W = 560, H = 120, P = 28;
  const max = Math.max(1, ...points.map((m) => m.rows));
  const x = (i) => P + (points.length === 1 ? (W - 2 * P) / 2 : (i * (W - 2 * P)) / (points.length - 1));
  const y = (v) => H - P + 8 - (v / max) * (H - P - 8);
  const line = points.map((m, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(m.rows).toFixed(1)}`).join(' ');
  return `<svg id="rows-svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="rows over time">
    <line x1="${P}" y1="${H - P + 8}" x2="${W - P}" y2="${H - P + 8}" stroke="#ccd"/>
    <text x="2" y="14" font-size="11">${max.toLocaleString('en-US')}</text><text x="2" y="${H - P + 8}" font-size="11">0</text>
    <path d="${line}" fill="none" stroke="#1c7ed6" stroke-width="2"/>
    ${points.map((m, i) => `<circle class="pt" cx="${x(i).toFixed(1)}" cy="${y(m.rows).toFixed(1)}" r="3" fill="#1c7ed6"><title>${esc(fmtShort(m.created_at))}: ${m.rows} rows</title></circle>`).join('')}
    <text x="${P}" y="${H - 4}" font-size="11">${esc(fmtShort(points[0].created_at))}</text>
    <text x="${W - P}" y="${H - 4}" font-size="11" text-anchor="end">${esc(fmtShort(points[points.length - 1].created_at))}</text></svg>`;
}
