// The trigger dialog: a form generated from the DAG's params (a field per param, typed by its default), the run id
// and data interval the run will cover (asked of the server before anything is queued), and raw JSON conf as an
// advanced option. Everything is checked before the request is sent; only params changed from their defaults
// (and the raw JSON) go into the run's conf.
import { api, seg } from './api.js';
import { esc, fmtDate, toast } from './ui.js';

const typeOf = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function field(key, value, description) {
  const type = typeOf(value);
  const id = `param-${key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const label = `${esc(key)} <small>${esc(type)}, default ${esc(JSON.stringify(value))}</small>`
    + (description ? `<div class="param-doc muted" data-param-doc="${esc(key)}">${esc(description)}</div>` : '');
  if (type === 'boolean') {
    return `<label class="param-row"><input type="checkbox" id="${esc(id)}" data-param="${esc(key)}" data-type="boolean" ${value ? 'checked' : ''} style="display:inline;width:auto"> ${label}</label>`;
  }
  if (type === 'number') {
    return `<label class="param-row">${label}<input type="number" step="any" id="${esc(id)}" data-param="${esc(key)}" data-type="number" value="${esc(value)}"></label>`;
  }
  if (type === 'string') {
    return `<label class="param-row">${label}<input id="${esc(id)}" data-param="${esc(key)}" data-type="string" value="${esc(value)}"></label>`;
  }
  return `<label class="param-row">${label} <small>(JSON)</small><textarea rows="2" id="${esc(id)}" data-param="${esc(key)}" data-type="json" spellcheck="false">${esc(JSON.stringify(value))}</textarea></label>`;
}

/** The form's params as {key: value} for those changed from their defaults; throws with a message naming the field. */
function changedParams(root, defaults) {
  const conf = {};
  for (const input of root.querySelectorAll('[data-param]')) {
    const key = input.dataset.param;
    let value;
    switch (input.dataset.type) {
      case 'boolean': value = input.checked; break;
      case 'number':
        if (input.value.trim() === '' || !Number.isFinite(Number(input.value))) throw new Error(`${key} must be a number.`);
        value = Number(input.value);
        break;
      case 'string': value = input.value; break;
      default:
        try { value = JSON.parse(input.value); } catch (e) { throw new Error(`${key} must be valid JSON.`); }
    }
    if (JSON.stringify(value) !== JSON.stringify(defaults[key])) conf[key] = value;
  }
  return conf;
}

/** Opens the dialog for `dagId`; `onCreated(run)` runs after a run is queued. Errors loading the DAG show as a toast. */
export function openTrigger(dagId, onCreated) {
  open(dagId, onCreated).catch((e) => toast(e.message, true));
}

async function open(dagId, onCreated) {
  const dialog = document.getElementById('trigger-dialog');
  const form = document.getElementById('trigger-form');
  const error = document.getElementById('trigger-error');
  const dateInput = document.getElementById('trigger-date');
  const previewEl = document.getElementById('trigger-preview');
  const paramsEl = document.getElementById('trigger-params');
  document.getElementById('trigger-dag').textContent = dagId;
  error.hidden = true;
  const detail = await api(`/dags/${seg(dagId)}`);
  const defaults = detail.params ?? {};
  const keys = Object.keys(defaults).sort();
  paramsEl.innerHTML = keys.length ? `<fieldset id="trigger-param-fields"><legend>Params</legend>${keys.map((k) => field(k, defaults[k], detail.param_descriptions?.[k])).join('')}</fieldset>`
    : '<p class="muted" id="trigger-no-params">This DAG declares no params.</p>';
  let preview = null;
  let previewError = null;
  const showPreview = async () => {
    const date = dateInput.value.trim();
    try {
      preview = await api(`/dags/${seg(dagId)}/run-preview${date ? `?logical_date=${encodeURIComponent(date)}` : ''}`);
      previewError = null;
      previewEl.innerHTML = `Run <b class="mono" id="preview-run-id">${esc(preview.run_id)}</b> will cover the data interval
        <span id="preview-interval">${fmtDate(preview.data_interval_start)} → ${fmtDate(preview.data_interval_end)}</span>${date ? '' : ' <small class="muted">(now, when queued)</small>'}
        ${preview.manual_run_exists ? '<div class="error" id="preview-taken">A manual run for this logical date exists already: pick another date.</div>' : ''}`;
    } catch (e) {
      preview = null;
      previewError = e.message;
      previewEl.innerHTML = `<span class="error" id="preview-error">${esc(e.message)}</span>`;
    }
  };
  let typing;
  dateInput.oninput = () => { clearTimeout(typing); typing = setTimeout(showPreview, 250); };
  form.onsubmit = async (event) => {
    if (event.submitter && event.submitter.value === 'cancel') return;
    event.preventDefault();
    const fail = (message) => { error.textContent = message; error.hidden = false; };
    let conf;
    try {
      conf = changedParams(paramsEl, defaults);
    } catch (e) { fail(e.message); return; }
    let raw;
    try {
      raw = JSON.parse(document.getElementById('trigger-conf').value || '{}');
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('not an object');
    } catch (e) {
      fail('The raw configuration must be a JSON object, like {"key": "value"}.');
      return;
    }
    Object.assign(conf, raw);
    clearTimeout(typing);
    await showPreview();
    if (previewError) { fail(`Logical date: ${previewError}`); return; }
    if (preview?.manual_run_exists) { fail(`A manual run for ${preview.logical_date} exists already; pick another logical date.`); return; }
    const body = { conf };
    const date = dateInput.value.trim();
    if (date) body.logical_date = date;
    try {
      const run = await api(`/dags/${seg(dagId)}/runs`, { method: 'POST', body });
      dialog.close();
      toast(`Triggered ${run.run_id}`);
      onCreated?.(run);
    } catch (e) { fail(e.message); }
  };
  await showPreview();
  dialog.showModal();
}
