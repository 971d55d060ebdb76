// The DAG list: search and filters (id, tag, owner, active/paused, last run state, failing first), schedule, next
// run, the latest runs as coloured marks, pause toggle, trigger. Filtering is done by the API (GET /dags).
import { api, seg } from '../api.js';
import { act, esc, fmtDate } from '../ui.js';
import { openTrigger } from '../trigger.js';

const LAST_STATES = ['success', 'failed', 'running', 'queued', 'none'];

export async function render(main) {
  main.innerHTML = `<h1>DAGs <small id="dag-count"></small></h1>
    <form class="toolbar filters" id="dag-filters" autocomplete="off">
      <input type="search" name="dag_id_pattern" id="dag-search" placeholder="Search DAG ids…" aria-label="search DAG ids">
      <select name="tag" id="dag-tag" aria-label="tag"><option value="">any tag</option></select>
      <select name="owner" id="dag-owner" aria-label="owner"><option value="">any owner</option></select>
      <select name="paused" id="dag-paused" aria-label="active or paused"><option value="">active and paused</option><option value="false">active</option><option value="true">paused</option></select>
      <select name="last_state" id="dag-last-state" aria-label="last run state"><option value="">any last run</option>${LAST_STATES.map((s) => `<option value="${s}">last run ${s === 'none' ? 'never' : s}</option>`).join('')}</select>
      <label><input type="checkbox" name="order_by" value="failing_first" id="dag-failing-first"> failing first</label>
    </form>
    <div id="dag-table"></div>`;
  const form = document.getElementById('dag-filters');
  let optionsFilled = false;
  const refresh = async () => {
    const params = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) params.set(k, v);
    const data = await api(`/dags${params.toString() ? `?${params}` : ''}`);
    if (!optionsFilled) {
      document.getElementById('dag-tag').insertAdjacentHTML('beforeend', data.all_tags.map((t) => `<option value="${esc(t)}">${esc(t)}</option>`).join(''));
      document.getElementById('dag-owner').insertAdjacentHTML('beforeend', data.all_owners.map((o) => `<option value="${esc(o)}">${esc(o)}</option>`).join(''));
      optionsFilled = true;
    }
    document.getElementById('dag-count').textContent = `${data.total_entries} DAGs${params.toString() ? ' match' : ''}`;
    document.getElementById('dag-table').innerHTML = data.dags.length ? `
      <table class="list" id="dags">
        <thead><tr><th style="width:60px">Active</th><th>DAG</th><th>Owner</th><th>Schedule</th><th>Next run</th><th>Recent runs</th><th></th></tr></thead>
        <tbody>${data.dags.map(row).join('')}</tbody>
      </table>` : '<div class="empty panel" id="dags-empty">No DAG matches these filters.</div>';
    bind(refresh);
  };
  let typing;
  form.oninput = () => { clearTimeout(typing); typing = setTimeout(() => refresh(), 200); };
  form.onsubmit = (e) => { e.preventDefault(); refresh(); };
  await refresh();
  return { refresh };
}

function row(d) {
  const marks = [...d.recent_runs].reverse().map((r) =>
    `<a class="mark s-${esc(r.state)}" title="${esc(r.run_id)}: ${esc(r.state)}" href="#/dags/${seg(d.dag_id)}/runs/${seg(r.run_id)}"></a>`).join('');
  return `<tr data-dag="${esc(d.dag_id)}">
    <td><button class="toggle ${d.is_paused ? '' : 'on'}" data-action="pause" title="${d.is_paused ? 'paused: click to unpause' : 'active: click to pause'}" aria-label="pause toggle"></button></td>
    <td><a class="dag-link" href="#/dags/${seg(d.dag_id)}"><b>${esc(d.dag_id)}</b></a>
      <div class="muted">${esc(d.description)}</div>
      <div>${d.tags.map((t) => `<span class="tag">${esc(t)}</span>`).join('')}</div></td>
    <td>${esc(d.owner)}</td>
    <td class="mono">${esc(d.schedule ?? 'manual only')}</td>
    <td>${d.is_paused ? '<span class="muted">paused</span>' : fmtDate(d.next_run_at)}</td>
    <td><div class="marks">${marks || '<span class="muted">no runs yet</span>'}</div></td>
    <td style="text-align:right"><button class="primary" data-action="trigger">▶ Trigger</button></td>
  </tr>`;
}

function bind(refresh) {
  document.querySelectorAll('#dags tr[data-dag]').forEach((tr) => {
    const dagId = tr.dataset.dag;
    tr.querySelector('[data-action="pause"]').onclick = async (e) => {
      const paused = !e.currentTarget.classList.contains('on');
      await act(`${dagId} ${paused ? 'unpaused' : 'paused'}`, () =>
        api(`/dags/${seg(dagId)}`, { method: 'PATCH', body: { is_paused: !paused } }));
      refresh();
    };
    tr.querySelector('[data-action="trigger"]').onclick = () => openTrigger(dagId, () => refresh());
  });
}
