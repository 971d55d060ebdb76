// A DAG's page: the grid (latest runs × tasks) or the graph (SVG, layered, coloured by a chosen run).
import { api, seg } from '../api.js';
import { act, badge, esc, fmtDate, fmtDuration, legend } from '../ui.js';
import { openTrigger } from '../trigger.js';
import { drawGraph } from './graph.js';

export async function render(main, [dagId, tab = 'grid'], query) {
  const detail = await api(`/dags/${seg(dagId)}`);
  const base = `#/dags/${seg(dagId)}`;
  main.innerHTML = `
    <h1>${esc(dagId)} <small>${esc(detail.description)}</small></h1>
    <div class="cards">
      <div class="card"><div class="k">Schedule</div><div class="v mono">${esc(detail.schedule ?? 'manual only')} <small class="muted">${esc(detail.timezone)}</small></div></div>
      <div class="card"><div class="k">Next run</div><div class="v" id="next-run">${detail.is_paused ? 'paused' : fmtDate(detail.next_run_at)}</div></div>
      <div class="card"><div class="k">Tasks</div><div class="v">${detail.tasks.length}</div></div>
      <div class="card"><div class="k">Owner</div><div class="v">${esc(detail.owner)}</div></div>
    </div>
    <div class="toolbar">
      <button class="toggle ${detail.is_paused ? '' : 'on'}" id="pause" aria-label="pause toggle"></button>
      <span id="pause-label">${detail.is_paused ? 'Paused' : 'Active'}</span>
      <span class="spacer"></span>
      <button class="primary" id="trigger">▶ Trigger</button>
    </div>
    <div class="tabs"><a href="${base}/grid" class="${tab === 'grid' ? 'active' : ''}">Grid</a><a href="${base}/graph" class="${tab === 'graph' ? 'active' : ''}">Graph</a></div>
    <div id="view"></div>${legend()}`;
  let paused = detail.is_paused;
  document.getElementById('pause').onclick = async (e) => {
    const r = await act(paused ? 'Unpaused' : 'Paused', () => api(`/dags/${seg(dagId)}`, { method: 'PATCH', body: { is_paused: !paused } }));
    if (r) {
      paused = r.is_paused;
      e.target.classList.toggle('on', !paused);
      document.getElementById('pause-label').textContent = paused ? 'Paused' : 'Active';
    }
  };
  const view = document.getElementById('view');
  const refresh = tab === 'graph' ? graphView(view, dagId, detail, query) : gridView(view, dagId);
  document.getElementById('trigger').onclick = () => openTrigger(dagId, () => refresh());
  await refresh();
  return { refresh };
}

function gridView(view, dagId) {
  return async () => {
    const grid = await api(`/dags/${seg(dagId)}/grid?limit=25`);
    if (!grid.runs.length) { view.innerHTML = '<div class="empty panel">No runs yet. Trigger one.</div>'; return; }
    const runs = [...grid.runs].reverse();
    const longest = Math.max(1, ...runs.map((r) => duration(r)));
    const head = runs.map((r) => {
      const h = Math.max(4, Math.round(44 * duration(r) / longest));
      return `<td><div class="runbar"><a class="s-${esc(r.state)}" style="height:${h}px" title="${esc(r.run_id)}\n${esc(r.state)} · ${fmtDuration(duration(r))}" href="#/dags/${seg(dagId)}/runs/${seg(r.run_id)}"></a></div></td>`;
    }).join('');
    const rows = grid.task_ids.map((t) => `<tr><th class="task mono">${esc(t)}</th>${runs.map((r) => {
      const c = r.task_instances.find((x) => x.task_id === t);
      const state = c ? c.state : 'none';
      return `<td class="cell"><a class="s-${esc(state)}" data-state="${esc(state)}" data-task="${esc(t)}" data-run="${esc(r.run_id)}" title="${esc(t)} · ${esc(r.run_id)}\n${esc(state)}${c && c.try_number > 1 ? ` (try ${c.try_number})` : ''}" href="#/dags/${seg(dagId)}/runs/${seg(r.run_id)}/tasks/${seg(t)}"></a></td>`;
    }).join('')}</tr>`).join('');
    view.innerHTML = `<div class="panel grid-wrap"><p class="muted" style="margin-top:0">Latest ${runs.length} of ${grid.total_runs} runs, oldest left. Bar height is run duration.</p>
      <table class="grid" id="grid"><tr><th></th>${head}</tr>${rows}</table></div>`;
  };
}

function duration(r) {
  if (!r.start_date) return 0;
  return ((r.end_date ? new Date(r.end_date) : new Date()) - new Date(r.start_date)) / 1000;
}

function graphView(view, dagId, detail, query) {
  let chosen = query.get('run');
  const refresh = async () => {
    const grid = await api(`/dags/${seg(dagId)}/grid?limit=25`);
    if (!chosen && grid.runs.length) chosen = grid.runs[0].run_id;
    const run = grid.runs.find((r) => r.run_id === chosen);
    const states = Object.fromEntries((run?.task_instances ?? []).map((c) => [c.task_id, c.state]));
    const options = grid.runs.map((r) => `<option value="${esc(r.run_id)}" ${r.run_id === chosen ? 'selected' : ''}>${esc(r.run_id)} (${esc(r.state)})</option>`).join('');
    view.innerHTML = `<div class="toolbar">Colour by run <select id="graph-run">${options || '<option>no runs</option>'}</select>
      ${run ? badge(run.state) + ` <a href="#/dags/${seg(dagId)}/runs/${seg(run.run_id)}">open run</a>` : ''}</div>
      <div class="panel" id="graph" style="overflow:auto"></div>`;
    document.getElementById('graph-run').onchange = (e) => { chosen = e.target.value; refresh(); };
    drawGraph(document.getElementById('graph'), detail.tasks, states, (taskId) =>
      run ? `#/dags/${seg(dagId)}/runs/${seg(run.run_id)}/tasks/${seg(taskId)}` : null);
  };
  return refresh;
}
