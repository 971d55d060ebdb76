// Every DAG's runs, newest first, with filters (state, run type, dates) and paging; rows can be selected for a
// bulk clear or mark (see ../bulk-actions.js). The selection survives the page's periodic refresh.
import { api, seg } from '../api.js';
import { badge, esc, fmtDate, fmtDuration } from '../ui.js';
import { bulkBar, runBulkAction } from '../bulk-actions.js';

const PAGE = 25;
const key = (r) => JSON.stringify([r.dag_id, r.run_id]);   // kept in a data attribute, read back by bulk-actions.js

export async function render(main, _params, query) {
  let offset = Number(query.get('offset')) || 0;
  const selected = new Set();
  let shown = [];   // the runs on the page now
  main.innerHTML = `<h1>Runs <small id="run-total"></small></h1>
    <form class="toolbar" id="run-filters">
      <select name="state"><option value="">any state</option>${['queued', 'running', 'success', 'failed'].map((s) => `<option>${s}</option>`).join('')}</select>
      <select name="run_type"><option value="">any type</option>${['scheduled', 'manual', 'backfill'].map((s) => `<option>${s}</option>`).join('')}</select>
      <label>from <input name="logical_date_gte" type="date"></label><label>to <input name="logical_date_lte" type="date"></label>
    </form>
    ${bulkBar()}
    <div id="run-table"></div>
    <div class="pager"><button id="prev">← Newer</button><span id="page" class="muted"></span><button id="next">Older →</button></div>`;
  const form = document.getElementById('run-filters');
  const showSelection = () => {
    document.getElementById('bulk-count').textContent = selected.size ? `${selected.size} run(s) selected` : 'Select runs for a bulk action';
    document.querySelectorAll('[data-bulk-action]').forEach((b) => { b.disabled = selected.size === 0; });
    const all = document.getElementById('select-all');
    if (all) all.checked = shown.length > 0 && shown.every((r) => selected.has(key(r)));
  };
  const refresh = async () => {
    const params = new URLSearchParams({ limit: PAGE, offset });
    for (const [k, v] of new FormData(form)) if (v) params.set(k, k === 'logical_date_lte' ? `${v}T23:59:59Z` : v);
    const page = await api(`/dags/~/runs?${params}`);
    document.getElementById('run-total').textContent = `${page.total_entries} runs`;
    document.getElementById('page').textContent = page.total_entries ? `${offset + 1}–${offset + page.runs.length} of ${page.total_entries}` : 'none';
    document.getElementById('prev').disabled = offset === 0;
    document.getElementById('next').disabled = offset + PAGE >= page.total_entries;
    shown = page.runs;
    document.getElementById('run-table').innerHTML = `<table class="list" id="runs"><thead><tr><th><input type="checkbox" id="select-all" title="Select every run on this page"></th><th>DAG</th><th>Run</th><th>State</th><th>Type</th><th>Logical date</th><th>Duration</th></tr></thead><tbody>
      ${page.runs.map((r) => `<tr data-run-row="${esc(r.run_id)}"><td><input type="checkbox" data-select-run="${esc(key(r))}" ${selected.has(key(r)) ? 'checked' : ''}></td><td><a href="#/dags/${seg(r.dag_id)}">${esc(r.dag_id)}</a></td><td><a class="mono" href="#/dags/${seg(r.dag_id)}/runs/${seg(r.run_id)}">${esc(r.run_id)}</a></td>
        <td>${badge(r.state)}</td><td>${esc(r.run_type)}</td><td>${fmtDate(r.logical_date)}</td><td>${fmtDuration(r.duration_seconds)}</td></tr>`).join('')}</tbody></table>`;
    document.querySelectorAll('[data-select-run]').forEach((box) => {
      box.onchange = () => {
        if (box.checked) selected.add(box.dataset.selectRun); else selected.delete(box.dataset.selectRun);
        showSelection();
      };
    });
    document.getElementById('select-all').onchange = (e) => {
      for (const r of page.runs) { if (e.target.checked) selected.add(key(r)); else selected.delete(key(r)); }
      document.querySelectorAll('[data-select-run]').forEach((box) => { box.checked = e.target.checked; });
      showSelection();
    };
    showSelection();
  };
  document.querySelectorAll('[data-bulk-action]').forEach((button) => {
    button.onclick = async () => {
      if (await runBulkAction(button.dataset.bulkAction, [...selected])) { selected.clear(); await refresh(); }
    };
  });
  form.onchange = () => { offset = 0; refresh(); };
  document.getElementById('prev').onclick = () => { offset = Math.max(0, offset - PAGE); refresh(); };
  document.getElementById('next').onclick = () => { offset += PAGE; refresh(); };
  await refresh();
  return { refresh };
}
