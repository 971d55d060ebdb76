// The alert outbox: every alert with its delivery state; a row opens its delivery attempts.
import { api } from '../api.js';
import { esc, fmtDate } from '../ui.js';

const COLOR = { delivered: 'success', failed: 'failed', pending: 'queued' };

export async function render(main) {
  main.innerHTML = `<h1>Alerts <small id="alert-total"></small></h1>
    <div class="toolbar"><select id="alert-state"><option value="">any state</option><option>pending</option><option>delivered</option><option>failed</option></select></div>
    <div id="alert-table"></div><div id="alert-detail"></div>`;
  let open = null;
  const refresh = async () => {
    const state = document.getElementById('alert-state').value;
    const page = await api(`/alerts?limit=100${state ? `&state=${state}` : ''}`);
    document.getElementById('alert-total').textContent = `${page.total_entries} alerts`;
    document.getElementById('alert-table').innerHTML = page.alerts.length ? `<table class="list" id="alerts"><thead><tr><th>#</th><th>Event</th><th>DAG / run / task</th><th>Target</th><th>State</th><th>Attempts</th><th>Created</th><th>Last error</th></tr></thead><tbody>
      ${page.alerts.map((a) => `<tr data-id="${a.id}" style="cursor:pointer"><td>${a.id}</td><td>${esc(a.event)}</td>
        <td>${esc(a.dag_id)}${a.run_id ? ` / <span class="mono">${esc(a.run_id)}</span>` : ''}${a.task_id ? ` / ${esc(a.task_id)}` : ''}${a.try_number ? ` (try ${a.try_number})` : ''}</td>
        <td class="mono">${esc(a.target)}</td><td><span class="state s-${COLOR[a.state] ?? 'none'}">${esc(a.state)}</span></td><td>${a.attempts}</td>
        <td>${fmtDate(a.created_at)}</td><td class="muted">${esc(a.last_error ?? '')}</td></tr>`).join('')}</tbody></table>`
      : '<div class="empty panel">No alerts. Alerts appear here when a DAG\'s alert rules fire (task failed, retry, run failed, deadline missed).</div>';
    document.querySelectorAll('#alerts tr[data-id]').forEach((tr) => { tr.onclick = () => { open = tr.dataset.id; showDetail(open); }; });
    if (open) await showDetail(open);
  };
  document.getElementById('alert-state').onchange = refresh;
  await refresh();
  return { refresh };
}

async function showDetail(id) {
  const d = await api(`/alerts/${id}`);
  document.getElementById('alert-detail').innerHTML = `<h2>Alert ${d.alert.id} <small>${esc(d.alert.delivery_id)}</small></h2>
    <table class="list"><thead><tr><th>Attempted</th><th>URL</th><th>Status</th><th>Duration</th><th>Error</th></tr></thead><tbody>
    ${d.deliveries.map((x) => `<tr><td>${fmtDate(x.attempted_at)}</td><td class="mono">${esc(x.url)}</td><td>${x.status_code ?? '–'}</td><td>${x.duration_ms.toFixed(0)} ms</td><td class="muted">${esc(x.error ?? '')}</td></tr>`).join('') || '<tr><td colspan="5" class="muted">No delivery attempts yet.</td></tr>'}
    </tbody></table><h2>Payload</h2><pre class="log">${esc(JSON.stringify(d.payload, null, 2))}</pre>`;
}
