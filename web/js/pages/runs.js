// Every DAG's runs, newest first, with filters (state, run type, dates) and paging.
import { api, seg } from '../api.js';
import { badge, esc, fmtDate, fmtDuration } from '../ui.js';

const PAGE = 25;

export async function render(main, _params, query) {
  let offset = Number(query.get('offset')) || 0;
  main.innerHTML = `<h1>Runs <small id="run-total"></small></h1>
    <form class="toolbar" id="run-filters">
      <select name="state"><option value="">any state</option>${['queued', 'running', 'success', 'failed'].map((s) => `<option>${s}</option>`).join('')}</select>
      <select name="run_type"><option value="">any type</option>${['scheduled', 'manual', 'backfill'].map((s) => `<option>${s}</option>`).join('')}</select>
      <label>from <input name="logical_date_gte" type="date"></label><label>to <input name="logical_date_lte" type="date"></label>
    </form>
    <div id="run-table"></div>
    <div class="pager"><button id="prev">← Newer</button><span id="page" class="muted"></span><button id="next">Older →</button></div>`;
  const form = document.getElementById('run-filters');
  const refresh = async () => {
    const params = new URLSearchParams({ limit: PAGE, offset });
    for (const [k, v] of new FormData(form)) if (v) params.set(k, k === 'logical_date_lte' ? `${v}T23:59:59Z` : v);
    const page = await api(`/dags/~/runs?${params}`);
    document.getElementById('run-total').textContent = `${page.total_entries} runs`;
    document.getElementById('page').textContent = page.total_entries ? `${offset + 1}–${offset + page.runs.length} of ${page.total_entries}` : 'none';
    document.getElementById('prev').disabled = offset === 0;
    document.getElementById('next').disabled = offset + PAGE >= page.total_entries;
    document.getElementById('run-table').innerHTML = `<table class="list" id="runs"><thead><tr><th>DAG</th><th>Run</th><th>State</th><th>Type</th><th>Logical date</th><th>Duration</th></tr></thead><tbody>
      ${page.runs.map((r) => `<tr><td><a href="#/dags/${seg(r.dag_id)}">${esc(r.dag_id)}</a></td><td><a class="mono" href="#/dags/${seg(r.dag_id)}/runs/${seg(r.run_id)}">${esc(r.run_id)}</a></td>
        <td>${badge(r.state)}</td><td>${esc(r.run_type)}</td><td>${fmtDate(r.logical_date)}</td><td>${fmtDuration(r.duration_seconds)}</td></tr>`).join('')}</tbody></table>`;
  };
  form.onchange = () => { offset = 0; refresh(); };
  document.getElementById('prev').onclick = () => { offset = Math.max(0, offset - PAGE); refresh(); };
  document.getElementById('next').onclick = () => { offset += PAGE; refresh(); };
  await refresh();
  return { refresh };
}
