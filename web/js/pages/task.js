// A task instance: clear / mark actions, every try, its XComs, and the chosen try's log, tailed live (by byte
// offset) while it runs.
import { api, seg } from '../api.js';
import { badge, errorText, esc, fmtDate, fmtDuration, why } from '../ui.js';
import { bindTaskActions, taskActionButtons } from '../task-actions.js';

export async function render(main, [dagId, runId, taskId], query) {
  const base = `/dags/${seg(dagId)}/runs/${seg(runId)}/tasks/${seg(taskId)}`;
  let chosen = Number(query.get('try')) || null;
  let shown = null, offset = 0, finished = false;
  main.innerHTML = `
    <p><a href="#/dags/${seg(dagId)}">${esc(dagId)}</a> / <a href="#/dags/${seg(dagId)}/runs/${seg(runId)}" class="mono">${esc(runId)}</a></p>
    <h1><span class="mono">${esc(taskId)}</span> <span id="ti-state"></span></h1>
    <div class="cards" id="ti-cards"></div>
    <div id="ti-error"></div>
    <div class="toolbar" id="ti-actions">${taskActionButtons(taskId)}</div>
    <h2>Tries</h2><div class="tries" id="tries"></div>
    <h2>XComs <small>values pushed by this task, pretty-printed</small></h2><div id="xcoms"></div>
    <h2>Log <small id="log-status"></small></h2><pre class="log" id="log"></pre>`;
  const log = document.getElementById('log');

  const tail = async () => {
    if (!shown || finished) return;
    for (let i = 0; i < 50; i++) {
      const chunk = await api(`${base}/tries/${shown}/log?offset=${offset}`);
      const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
      if (chunk.content) log.append(chunk.content);
      if (atBottom) log.scrollTop = log.scrollHeight;
      offset = chunk.next_offset;
      finished = chunk.finished && chunk.next_offset >= chunk.size;
      if (!chunk.content || chunk.next_offset >= chunk.size) break;
    }
    document.getElementById('log-status').textContent = finished ? `try ${shown} · ${offset} bytes` : `try ${shown} · live, following…`;
    if (!log.textContent && finished) log.textContent = '(empty log)';
  };

  const refresh = async () => {
    const detail = await api(base);
    const ti = detail.task_instance;
    document.getElementById('ti-state').innerHTML = badge(ti.state) + why(ti.waiting_reason);
    document.getElementById('ti-cards').innerHTML = [
      ['Try', `${ti.try_number} / ${ti.max_tries}`], ['Started', fmtDate(ti.start_date)], ['Ended', fmtDate(ti.end_date)],
      ['Duration', fmtDuration(ti.duration_seconds)],
      ...(ti.waiting_reason ? [['Waiting', `<span id="ti-why" class="waiting-text">${esc(ti.waiting_reason)}</span>`]] : []),
    ].map(([k, v]) => `<div class="card"><div class="k">${k}</div><div class="v">${v}</div></div>`).join('');
    const errorBox = document.getElementById('ti-error');
    const wasOpen = !!errorBox.querySelector('details[open]');
    errorBox.innerHTML = ti.error ? `<div class="panel"><div class="muted">Error</div><div class="error-cell">${errorText(ti.error, 160)}</div></div>` : '';
    if (wasOpen) errorBox.querySelector('details')?.setAttribute('open', '');
    const xcoms = await api(`${base}/xcoms`);
    document.getElementById('xcoms').innerHTML = xcoms.xcoms.length ? `<table class="list" id="xcom-table"><thead><tr><th>Key</th><th>Size</th><th>Value</th></tr></thead><tbody>
      ${xcoms.xcoms.map((x) => `<tr data-key="${esc(x.key)}"><td class="mono">${esc(x.key)}</td><td>${fmtBytes(x.size_bytes)}</td>
        <td><pre class="log xcom-value">${esc(x.value)}</pre>${x.truncated ? `<div class="muted xcom-cut">first 4,000 characters of ${fmtBytes(x.size_bytes)}</div>` : ''}</td></tr>`).join('')}</tbody></table>`
      : '<div class="empty panel">No XComs: this task pushed no values (ctx.push) in this run.</div>';
    const tries = detail.tries;
    if (!chosen && tries.length) chosen = tries[tries.length - 1].try_number;
    document.getElementById('tries').innerHTML = tries.length ? tries.map((t) =>
      `<a href="#/dags/${seg(dagId)}/runs/${seg(runId)}/tasks/${seg(taskId)}?try=${t.try_number}" class="${t.try_number === chosen ? 'active' : ''}" data-try="${t.try_number}">
        Try ${t.try_number} ${badge(t.state)} <span class="muted">${fmtDuration(t.duration_seconds)}${t.exit_code != null ? ` · exit ${t.exit_code}` : ''}${t.signal != null ? ` · signal ${t.signal}` : ''}</span></a>`).join('')
      : '<span class="muted">Not started yet.</span>';
    if (chosen && chosen !== shown) { shown = chosen; offset = 0; finished = false; log.textContent = ''; }
    await tail();
  };
  bindTaskActions(document.getElementById('ti-actions'), dagId, runId, () => refresh());
  await refresh();
  return { refresh };
}

function fmtBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
