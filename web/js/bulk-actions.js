// Bulk actions on selected runs (clear, mark success, mark failed). The runs page lists several DAGs, and the API
// acts on one DAG at a time, so the selection is sent as one request per DAG: a dry run first, whose counts and
// skipped runs the confirmation names; then, when confirmed, the same request for real. Needs the token.
import { api, seg } from './api.js';
import { esc, toast } from './ui.js';

export const BULK_ACTIONS = [
  { id: 'clear', label: '↻ Clear', verb: 'Clear', path: 'bulk-clear', body: {} },
  { id: 'mark-success', label: '✓ Mark success', cls: 'ok', verb: 'Mark success', path: 'bulk-mark', body: { state: 'success' } },
  { id: 'mark-failed', label: '✗ Mark failed', cls: 'danger', verb: 'Mark failed', path: 'bulk-mark', body: { state: 'failed' } },
];

/** The bulk bar's buttons, as HTML; disabled until a row is selected. */
export function bulkBar() {
  return `<div class="toolbar bulk-bar" id="bulk-bar"><span id="bulk-count" class="muted">Select runs for a bulk action</span>
    ${BULK_ACTIONS.map((a) => `<button class="${a.cls ?? ''}" data-bulk-action="${a.id}" disabled>${esc(a.label)}</button>`).join('')}</div>`;
}

/** Groups `keys` (JSON `[dag, run]`) by DAG: { dag: [run, …] }. */
function byDag(keys) {
  const groups = {};
  for (const key of keys) {
    const [dag, run] = JSON.parse(key);
    (groups[dag] ??= []).push(run);
  }
  return groups;
}

/** What the confirmation says: the counts of the dry runs and every skipped run with its reason. */
export function describe(action, plans) {
  const runs = plans.reduce((n, p) => n + p.total_runs, 0);
  const tasks = plans.reduce((n, p) => n + p.total_task_instances, 0);
  const skipped = plans.flatMap((p) => p.skipped.map((s) => `${p.dag_id} ${s.run_id}${s.task_id ? ` ${s.task_id}` : ''}: ${s.reason}`));
  const what = action.id === 'clear' ? `${tasks} task instance(s) in ${runs} run(s) run again` : `${runs} run(s) become ${action.body.state} (${tasks} unfinished task instance(s) take the state)`;
  return { runs, tasks, text: `${action.verb}: ${what}.${skipped.length ? `\nLeft alone:\n${skipped.join('\n')}` : ''}` };
}

/** Runs `actionId` on the selected runs: dry run, confirm, act. Resolves true when something changed. */
export async function runBulkAction(actionId, selected) {
  const action = BULK_ACTIONS.find((a) => a.id === actionId);
  const groups = byDag(selected);
  const send = (dryRun) => Promise.all(Object.entries(groups).map(([dag, runs]) =>
    api(`/dags/${seg(dag)}/runs/${action.path}`, { method: 'POST', body: { ...action.body, run_ids: runs, dry_run: dryRun } })));
  try {
    const preview = describe(action, await send(true));
    if (!preview.runs) { toast(`Nothing to change. ${preview.text}`, true); return false; }
    if (!confirm(`${preview.text}\n\nGo ahead?`)) return false;
    const done = describe(action, await send(false));
    toast(`${action.verb}: ${done.runs} run(s), ${done.tasks} task instance(s)`);
    return true;
  } catch (e) {
    toast(e.message, true);
    return false;
  }
}
