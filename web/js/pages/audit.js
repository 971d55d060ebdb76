// The audit log: every state change made through the API or the CLI, newest first. Needs an operator or admin
// token (sign in at the top right); a viewer's token or none gets the server's explanation instead.
import { api } from '../api.js';
import { esc, fmtDate } from '../ui.js';

const PAGE = 100;

export async function render(main) {
  main.innerHTML = `<h1>Audit log <small id="audit-total"></small></h1>
    <div class="toolbar"><input id="audit-action" placeholder="action, e.g. run.trigger" size="24"></div>
    <div id="audit-table"></div>`;
  const refresh = async () => {
    const action = document.getElementById('audit-action').value.trim();
    const table = document.getElementById('audit-table');
    let page;
    try {
      page = await api(`/audit?limit=${PAGE}${action ? `&action=${encodeURIComponent(action)}` : ''}`);
    } catch (e) {
      if (e.status !== 401 && e.status !== 403) throw e;
      document.getElementById('audit-total').textContent = '';
      table.innerHTML = `<div class="empty panel" id="audit-denied">${esc(e.message)}</div>`;
      return;
    }
    document.getElementById('audit-total').textContent = `${page.total_entries} entries`;
    table.innerHTML = page.entries.length ? `<table class="list" id="audit"><thead><tr><th>When</th><th>Who</th><th>Role</th><th>Action</th><th>Target</th><th>From</th><th>Status</th></tr></thead><tbody>
      ${page.entries.map((x) => `<tr><td>${fmtDate(x.at)}</td><td class="mono">${esc(x.actor)}</td><td>${esc(x.role ?? '–')}</td>
        <td class="mono">${esc(x.action)}</td>
        <td class="mono">${Object.entries(x.target).sort().map(([k, v]) => `${esc(k)}=${esc(v)}`).join(' ')}</td>
        <td class="mono">${esc(x.source)}</td><td>${x.status ?? '–'}</td></tr>`).join('')}</tbody></table>`
      : '<div class="empty panel">No entries. Triggering, clearing, marking or pausing through the API or the CLI writes one.</div>';
  };
  document.getElementById('audit-action').onchange = refresh;
  await refresh();
  return { refresh };
}
