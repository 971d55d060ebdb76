// Small DOM and formatting helpers shared by the pages.
export const STATES = ['success', 'failed', 'running', 'queued', 'scheduled', 'up_for_retry', 'upstream_failed', 'skipped', 'removed', 'none'];

export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

export const badge = (state) => `<span class="state ${esc(state)} s-${esc(state)}">${esc(state)}</span>`;

export function fmtDate(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function fmtDuration(seconds) {
  if (seconds == null) return '–';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const m = Math.floor(seconds / 60), s = Math.round(seconds % 60);
  if (m < 60) return `${m}m ${s}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function legend() {
  return `<div class="legend">${STATES.map((s) => `<span><i class="s-${s}"></i>${s}</span>`).join('')}</div>`;
}

let toastTimer;
export function toast(message, bad = false) {
  const el = document.getElementById('toast');
  el.textContent = message;
  el.className = bad ? 'toast bad' : 'toast';
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, 4000);
}

/** Runs an action, showing its outcome (or error) as a toast. */
export async function act(label, fn) {
  try {
    const result = await fn();
    toast(label);
    return result;
  } catch (e) {
    toast(e.message, true);
    return null;
  }
}
