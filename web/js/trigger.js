// The trigger dialog: conf JSON and an optional logical date; resolves with the new run or null.
import { api, seg } from './api.js';
import { toast } from './ui.js';

export function openTrigger(dagId, onCreated) {
  const dialog = document.getElementById('trigger-dialog');
  const form = document.getElementById('trigger-form');
  const error = document.getElementById('trigger-error');
  document.getElementById('trigger-dag').textContent = dagId;
  error.hidden = true;
  form.onsubmit = async (event) => {
    if (event.submitter && event.submitter.value === 'cancel') return;
    event.preventDefault();
    let conf;
    try {
      conf = JSON.parse(document.getElementById('trigger-conf').value || '{}');
      if (conf === null || typeof conf !== 'object' || Array.isArray(conf)) throw new Error('not an object');
    } catch (e) {
      error.textContent = 'The configuration must be a JSON object, like {"key": "value"}.';
      error.hidden = false;
      return;
    }
    const body = { conf };
    const date = document.getElementById('trigger-date').value.trim();
    if (date) body.logical_date = date;
    try {
      const run = await api(`/dags/${seg(dagId)}/runs`, { method: 'POST', body });
      dialog.close();
      toast(`Triggered ${run.run_id}`);
      onCreated?.(run);
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
    }
  };
  dialog.showModal();
}
