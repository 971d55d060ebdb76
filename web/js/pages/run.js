// A run: its task instances (each with clear / mark actions), a Gantt chart of every try, quality checks, and the
// whole-run clear / mark actions.
import { api, seg } from '../api.js';
import { act, badge, errorText, esc, fmtDate, fmtDuration, legend, why } from '../ui.js';
import { bindTaskActions, taskActionButtons } from '../task-actions.js';

export async function render(main, [dagId, runId]) {
  const base = `/dags/${seg(dagId)}/runs/${seg(runId)}`;
  main.innerHTML = `
    <p><a href="#/dags/${seg(dagId)}">← ${esc(dagId)}</a></p>
    <h1><span class="mono">${esc(runId)}</span> <span id="run-state"></span></h1>
    <div class="cards" id="run-cards"></div>
    <div class="toolbar">
      <button id="clear" title="Clear failed, upstream_failed and blocked_by_check tasks so they run again">↻ Clear failed tasks</button>
      <button id="mark-success" class="ok">✓ Mark success</button>
      <button id="mark-failed" class="danger">✗ Mark failed</button>
    </div>
    <h2>Gantt <small>every try, by start time</small></h2><div class="panel gantt" id="gantt"></div>
    <h2>Task instances</h2><div id="tasks"></div>
    <div id="quality"></div>${legend()}`;
  const refresh = async () => {
    const [detail, tries, quality] = await Promise.all([api(base), api(`${base}/tries`), api(`${base}/quality-checks`)]);
    const r = detail.run;
    document.getElementById('run-state').innerHTML = badge(r.state) + why(r.waiting_reason);
    document.getElementById('run-cards').innerHTML = [
      ['Type', esc(r.run_type)], ['Logical date', fmtDate(r.logical_date)], ['Started', fmtDate(r.start_date)],
      ['Ended', fmtDate(r.end_date)], ['Duration', fmtDuration(r.duration_seconds)],
      ['Conf', `<span class="mono">${esc(JSON.stringify(r.conf))}</span>`],
      ['DAG version', r.dag_version ? `<span class="mono" title="${esc(r.dag_version)}">${esc(r.dag_version.slice(0, 12))}</span>` : '-'],
    ].map(([k, v]) => `<div class="card"><div class="k">${k}</div><div class="v">${v}</div></div>`).join('');
    // Errors opened with "show more" stay open across the 3-second refresh.
    const opened = new Set([...document.querySelectorAll('#tasks tr[data-task-row] details[open]')].map((d) => d.closest('tr').dataset.taskRow));
    document.getElementById('tasks').innerHTML = `<table class="list" id="task-table"><thead><tr><th>Task</th><th>State</th><th>Try</th><th>Started</th><th>Duration</th><th>Error</th><th>Actions</th></tr></thead><tbody>
      ${detail.task_instances.map((t) => `<tr data-task-row="${esc(t.task_id)}"><td><a class="mono" href="#/dags/${seg(dagId)}/runs/${seg(runId)}/tasks/${seg(t.task_id)}">${esc(t.task_id)}</a></td>
        <td>${badge(t.state)}${why(t.waiting_reason)}</td><td>${t.try_number} / ${t.max_tries}</td><td>${fmtDate(t.start_date)}</td><td>${fmtDuration(t.duration_seconds)}</td>
        <td class="muted error-cell">${errorText(t.error)}</td><td>${taskActionButtons(t.task_id)}</td></tr>`).join('')}</tbody></table>`;
    document.querySelectorAll('#tasks tr[data-task-row]').forEach((tr) => {
      if (opened.has(tr.dataset.taskRow)) tr.querySelector('details')?.setAttribute('open', '');
    });
    bindTaskActions(document.getElementById('tasks'), dagId, runId, refresh);
    drawGantt(document.getElementById('gantt'), tries.tries, dagId, runId);
    document.getElementById('quality').innerHTML = quality.checks.length ? `<h2>Quality checks <small>${quality.passed} passed, ${quality.failed} failed</small></h2>
      <table class="list"><thead><tr><th>Check</th><th>Status</th><th>Observed</th><th>Details</th></tr></thead><tbody>
      ${quality.checks.map((c) => `<tr><td class="mono">${esc(c.name)}</td><td>${badge(['passed', 'pass', 'ok', 'success'].includes(c.status) ? 'success' : 'failed').replace(/>[a-z_]+</, `>${esc(c.status)}<`)}</td>
        <td class="mono">${esc(JSON.stringify(c.observed))}</td><td class="muted">${esc(typeof c.details === 'string' ? c.details : JSON.stringify(c.details))}</td></tr>`).join('')}</tbody></table>` : '';
  };
  document.getElementById('clear').onclick = async () => {
    if (await act('Cleared failed tasks', () => api(`${base}/clear`, { method: 'POST', body: {} }))) refresh();
  };
  for (const state of ['success', 'failed']) {
    document.getElementById(`mark-${state}`).onclick = async () => {
      if (!confirm(`Mark run ${runId} as ${state}? Unfinished tasks become ${state}.`)) return;
      if (await act(`Marked ${state}`, () => api(base, { method: 'PATCH', body: { state } }))) refresh();
    };
  }
  await refresh();
  return { refresh };
}

function drawGantt(el, tries, dagId, runId) {
  if (!tries.length) { el.innerHTML = '<div class="empty">No tries yet.</div>'; return; }
  const start = Math.min(...tries.map((t) => Date.parse(t.start_date)));
  const end = Math.max(...tries.map((t) => (t.end_date ? Date.parse(t.end_date) : Date.now())));
  const span = Math.max(1, end - start);
  el.innerHTML = tries.map((t) => {
    const s = Date.parse(t.start_date), e = t.end_date ? Date.parse(t.end_date) : Date.now();
    const left = (100 * (s - start) / span).toFixed(2), width = Math.max(0.3, 100 * (e - s) / span).toFixed(2);
    const label = t.try_number > 1 ? `${t.task_id} (try ${t.try_number})` : t.task_id;
    return `<div class="row"><div class="label mono" title="${esc(label)}">${esc(label)}</div><div class="track">
      <a class="bar s-${esc(t.state)}" style="left:${left}%;width:${width}%" title="${esc(label)}: ${esc(t.state)} · ${fmtDuration(t.duration_seconds)}"
        href="#/dags/${seg(dagId)}/runs/${seg(runId)}/tasks/${seg(t.task_id)}?try=${t.try_number}"></a></div></div>`;
  }).join('') + `<div class="axis"><span>${fmtDate(new Date(start).toISOString())}</span><span>${fmtDuration(span / 1000)}</span></div>`;
}
