// A DAG's page: the grid (runs × tasks, paged back through history, with date labels, a duration bar per run and
// task actions on a chosen cell) or the graph (SVG, layered, coloured by a chosen run).
import { api, seg } from '../api.js';
import { act, badge, esc, fmtDate, fmtDuration, fmtShort, legend } from '../ui.js';
import { bindTaskActions, taskActionButtons } from '../task-actions.js';
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

const GRID_PAGE = 25;

function gridView(view, dagId) {
  let offset = 0;
  let selected = null;   // { run, task } of the chosen cell
  const refresh = async () => {
    const grid = await api(`/dags/${seg(dagId)}/grid?limit=${GRID_PAGE}&offset=${offset}`);
    if (!grid.runs.length && offset === 0) { view.innerHTML = '<div class="empty panel">No runs yet. Trigger one.</div>'; return; }
    const runs = [...grid.runs].reverse();
    const longest = Math.max(1, ...runs.map((r) => duration(r)));
    const head = runs.map((r) => {
      const h = Math.max(4, Math.round(44 * duration(r) / longest));
      return `<td><div class="runbar"><a class="s-${esc(r.state)}" data-run-bar="${esc(r.run_id)}" data-duration="${duration(r).toFixed(3)}" style="height:${h}px" title="${esc(r.run_id)}\n${esc(r.state)} · ${fmtDuration(duration(r))}" href="#/dags/${seg(dagId)}/runs/${seg(r.run_id)}"></a></div></td>`;
    }).join('');
    // Date labels: every run's logical date when there are few, else every third.
    const every = runs.length > 12 ? 3 : 1;
    const dates = runs.map((r, i) => `<td>${i % every === 0 ? `<div class="date-label" data-date-label="${esc(r.run_id)}" title="${esc(fmtDate(r.logical_date))}">${esc(fmtShort(r.logical_date))}</div>` : ''}</td>`).join('');
    const rows = grid.task_ids.map((t) => `<tr><th class="task mono">${esc(t)}</th>${runs.map((r) => {
      const c = r.task_instances.find((x) => x.task_id === t);
      const state = c ? c.state : 'none';
      const chosen = selected && selected.run === r.run_id && selected.task === t ? ' selected' : '';
      return `<td class="cell"><a class="s-${esc(state)}${chosen}" data-state="${esc(state)}" data-task="${esc(t)}" data-run="${esc(r.run_id)}" title="${esc(t)} · ${esc(r.run_id)}\n${esc(state)}${c && c.try_number > 1 ? ` (try ${c.try_number})` : ''}" href="#/dags/${seg(dagId)}/runs/${seg(r.run_id)}/tasks/${seg(t)}"></a></td>`;
    }).join('')}</tr>`).join('');
    const first = grid.total_runs ? offset + 1 : 0, last = offset + grid.runs.length;
    view.innerHTML = `<div class="panel grid-wrap">
      <div class="toolbar"><button id="grid-older" ${last >= grid.total_runs ? 'disabled' : ''}>← Older</button>
        <button id="grid-newer" ${offset === 0 ? 'disabled' : ''}>Newer →</button>
        <span class="muted" id="grid-range">Runs ${first}–${last} of ${grid.total_runs} (newest = 1), oldest left. Bar height is run duration; click a cell for task actions.</span></div>
      <table class="grid" id="grid"><tr><th></th>${head}</tr>${rows}<tr class="dates"><th class="muted" style="text-align:right;font-weight:400">logical date</th>${dates}</tr></table>
      <div id="task-panel" class="task-panel"></div></div>`;
    document.getElementById('grid-older').onclick = () => { offset += GRID_PAGE; selected = null; refresh(); };
    document.getElementById('grid-newer').onclick = () => { offset = Math.max(0, offset - GRID_PAGE); selected = null; refresh(); };
    view.querySelectorAll('#grid td.cell a').forEach((a) => {
      a.onclick = (event) => {
        event.preventDefault();
        selected = { run: a.dataset.run, task: a.dataset.task };
        view.querySelectorAll('#grid td.cell a.selected').forEach((x) => x.classList.remove('selected'));
        a.classList.add('selected');
        showPanel(runs.find((r) => r.run_id === selected.run));
      };
    });
    if (selected) showPanel(runs.find((r) => r.run_id === selected.run));
  };
  const showPanel = (run) => {
    const panel = document.getElementById('task-panel');
    if (!run || !selected) { panel.innerHTML = ''; return; }
    const c = run.task_instances.find((x) => x.task_id === selected.task);
    const href = `#/dags/${seg(dagId)}/runs/${seg(run.run_id)}/tasks/${seg(selected.task)}`;
    panel.innerHTML = `<div class="toolbar"><b class="mono">${esc(selected.task)}</b> in <a class="mono" href="#/dags/${seg(dagId)}/runs/${seg(run.run_id)}">${esc(run.run_id)}</a>
      ${badge(c ? c.state : 'none')} <a href="${href}" id="open-task">open task and log →</a><span class="spacer"></span>${taskActionButtons(selected.task)}</div>`;
    bindTaskActions(panel, dagId, run.run_id, () => refresh());
  };
  return refresh;
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
