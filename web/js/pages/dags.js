// The DAG list: schedule, next run, the latest runs as coloured marks, pause toggle, trigger.
import { api, seg } from '../api.js';
import { act, esc, fmtDate } from '../ui.js';
import { openTrigger } from '../trigger.js';

export async function render(main) {
  main.innerHTML = `<h1>DAGs <small id="dag-count"></small></h1><div id="dag-table"></div>`;
  const refresh = async () => {
    const data = await api('/dags');
    document.getElementById('dag-count').textContent = `${data.total_entries} DAGs`;
    document.getElementById('dag-table').innerHTML = `
      <table class="list" id="dags">
        <thead><tr><th style="width:60px">Active</th><th>DAG</th><th>Schedule</th><th>Next run</th><th>Recent runs</th><th></th></tr></thead>
        <tbody>${data.dags.map(row).join('')}</tbody>
      </table>`;
    bind(refresh);
  };
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
