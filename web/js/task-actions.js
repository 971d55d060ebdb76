// Task-level actions (clear one task, with or without its downstream; mark it success or failed), shared by the
// run page and the grid. Each asks for confirmation, needs the token, and reports through a toast.
import { api, seg } from './api.js';
import { act, esc } from './ui.js';

export const TASK_ACTIONS = [
  { id: 'clear', label: '↻ Clear', title: 'Clear this task so it runs again' },
  { id: 'clear-downstream', label: '↻ Clear + downstream', title: 'Clear this task and every task downstream of it' },
  { id: 'mark-success', label: '✓ Success', cls: 'ok', title: 'Mark this task success' },
  { id: 'mark-failed', label: '✗ Failed', cls: 'danger', title: 'Mark this task failed' },
];

/** The buttons for one task, as HTML; `data-task-action` names the action, `data-task` the task. */
export function taskActionButtons(taskId) {
  return `<div class="row-actions">${TASK_ACTIONS.map((a) =>
    `<button class="${a.cls ?? ''}" data-task-action="${a.id}" data-task="${esc(taskId)}" title="${esc(a.title)}">${esc(a.label)}</button>`).join('')}</div>`;
}

/** Runs one action on `taskId` of a run; resolves with the API's answer, or null (cancelled or refused). */
export async function runTaskAction(action, dagId, runId, taskId) {
  const base = `/dags/${seg(dagId)}/runs/${seg(runId)}`;
  switch (action) {
    case 'clear':
    case 'clear-downstream': {
      const downstream = action === 'clear-downstream';
      if (!confirm(`Clear ${taskId}${downstream ? ' and everything downstream of it' : ''} in run ${runId}? It runs again.`)) return null;
      return act(`Cleared ${taskId}${downstream ? ' and its downstream' : ''}`, () =>
        api(`${base}/clear`, { method: 'POST', body: { task_ids: [taskId], include_downstream: downstream } }));
    }
    case 'mark-success':
    case 'mark-failed': {
      const state = action === 'mark-success' ? 'success' : 'failed';
      if (!confirm(`Mark ${taskId} in run ${runId} as ${state}? The run is queued again so the scheduler settles its outcome.`)) return null;
      return act(`Marked ${taskId} ${state}`, () =>
        api(`${base}/tasks/${seg(taskId)}`, { method: 'PATCH', body: { state } }));
    }
    default:
      return null;
  }
}

/** Wires every `[data-task-action]` button inside `root`; `done` runs after a successful action. */
export function bindTaskActions(root, dagId, runId, done) {
  root.querySelectorAll('[data-task-action]').forEach((button) => {
    button.onclick = async (event) => {
      event.preventDefault();
      event.stopPropagation();
      if (await runTaskAction(button.dataset.taskAction, dagId, runId, button.dataset.task)) done?.();
    };
  });
}
