// Recent failures (failed runs and failed tries, whether or not webhooks are configured), then the alert outbox:
// every alert with its delivery state; a row opens its delivery attempts.
import { api, seg } from '../api.js';
import { badge, errorText, esc, fmtDate } from '../ui.js';

const COLOR = { delivered: 'success', failed: 'failed', pending: 'queued' };

export async function render(main) {
  main.innerHTML = `<h1>Alerts <small>recent failures and webhook deliveries</small></h1>
    <h2>Recent failures <small>failed runs and task tries, newest first</small></h2><div id="failures"></div>
    <h2>Webhook outbox <small id="alert-total"></small></h2>
    <div class="toolbar"><select id="alert-state"><option value="">any state</option><option>pending</option><option>delivered</option><option>failed</option></select></div>
    <div id="alert-table"></div><div id="alert-detail"></div>`;
  let open = null;
  const refresh = async () => {
    await renderFailures();
    const state = document.getElementById('alert-state').value;
    const page = await api(`/alerts?limit=100${state ? `&state=${state}` : ''}`);
    document.getElementById('alert-total').textContent = `${page.total_entries} alerts`;
    document.getElementById('alert-table').innerHTML = page.alerts.length ? `<table class="list" id="alerts"><thead><tr><th>#</th><th>Event</th><th>DAG / run / task</th><th>Target</th><th>State</th><th>Attempts</th><th>Created</th><th>Last error</th></tr></thead><tbody>
      ${page.alerts.map((a) => `<tr data-id="${a.id}" style="cursor:pointer"><td>${a.id}</td><td>${esc(a.event)}</td>
        <td>${esc(a.dag_id)}${a.run_id ? ` / <span class="mono">${esc(a.run_id)}</span>` : ''}${a.task_id ? ` / ${esc(a.task_id)}` : ''}${a.try_number ? ` (try ${a.try_number})` : ''}</td>
        <td class="mono">${esc(a.target)}</td><td><span class="state s-${COLOR[a.state] ?? 'none'}">${esc(a.state)}</span></td><td>${a.attempts}</td>
        <td>${fmtDate(a.created_at)}</td><td class="muted">${esc(a.last_error ?? '')}</td></tr>`).join('')}</tbody></table>`
      : '<div class="empty panel" id="alerts-empty">No webhook alerts. When webhooks are configured (ORCH_ALERT_WEBHOOKS or "alerts" in orch.json), each alert a DAG\'s rules raise (task failed, retry, run failed, deadline missed) is listed here with its deliveries. Failures are listed above either way.</div>';
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

async function renderFailures() {
  const f = await api('/failures?limit=25');
  const el = document.getElementById('failures');
  if (!f.runs.length && !f.tries.length) {
    el.innerHTML = '<div class="empty panel" id="failures-empty">No failures. Failed runs and failed task tries appear here as soon as they happen, with their errors, whether or not alert webhooks are configured.</div>';
    return;
  }
  const opened = new Set([...el.querySelectorAll('tr[data-key] details[open]')].map((d) => d.closest('tr').dataset.key));
  const runLink = (dag, run) => `<a class="mono" href="#/dags/${seg(dag)}/runs/${seg(run)}">${esc(run)}</a>`;
  el.innerHTML = `<table class="list" id="failed-runs"><thead><tr><th>Failed run</th><th>DAG</th><th>Type</th><th>Logical date</th><th>Ended</th></tr></thead><tbody>
    ${f.runs.map((r) => `<tr data-run="${esc(r.run_id)}"><td>${runLink(r.dag_id, r.run_id)} ${badge(r.state)}</td><td><a href="#/dags/${seg(r.dag_id)}">${esc(r.dag_id)}</a></td>
      <td>${esc(r.run_type)}</td><td>${fmtDate(r.logical_date)}</td><td>${fmtDate(r.end_date)}</td></tr>`).join('') || '<tr><td colspan="5" class="muted">No failed runs.</td></tr>'}</tbody></table>
    <table class="list" id="failed-tries" style="margin-top:10px"><thead><tr><th>Failed task try</th><th>Run</th><th>Ended</th><th>Error</th></tr></thead><tbody>
    ${f.tries.map((t) => {
      const key = `${t.dag_id}/${t.run_id}/${t.task_id}/${t.try_number}`;
      return `<tr data-key="${esc(key)}"><td><a class="mono" href="#/dags/${seg(t.dag_id)}/runs/${seg(t.run_id)}/tasks/${seg(t.task_id)}?try=${t.try_number}">${esc(t.dag_id)}.${esc(t.task_id)}</a> <span class="muted">try ${t.try_number}</span></td>
        <td>${runLink(t.dag_id, t.run_id)}</td><td>${fmtDate(t.end_date)}</td><td class="error-cell">${errorText(t.error)}</td></tr>`;
    }).join('') || '<tr><td colspan="4" class="muted">No failed tries.</td></tr>'}</tbody></table>`;
  el.querySelectorAll('tr[data-key]').forEach((tr) => { if (opened.has(tr.dataset.key)) tr.querySelector('details')?.setAttribute('open', ''); });
}
