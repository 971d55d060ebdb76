// Small DOM and formatting helpers shared by the pages.
export const STATES = ['success', 'failed', 'running', 'queued', 'scheduled', 'up_for_retry', 'upstream_failed', 'blocked_by_check', 'skipped', 'removed', 'none'];

export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

export const badge = (state) => `<span class="state ${esc(state)} s-${esc(state)}">${esc(state)}</span>`;
// "Why is it waiting": a mark beside a waiting task or run; its tooltip (hover or keyboard focus) says why.
export const why = (reason) => (reason
  ? ` <span class="why" tabindex="0" aria-label="why is it waiting">?<span class="tip" role="tooltip">${esc(reason)}</span></span>`
  : '');

// Times show in UTC by default (as run ids do: manual__2026-11-20T06:00:00Z) or in the browser's zone; the
// choice is kept in localStorage and every time carries its zone.
const ZONE_KEY = 'orch-zone';
export const zone = {
  get: () => (localStorage.getItem(ZONE_KEY) === 'local' ? 'local' : 'utc'),
  set: (z) => localStorage.setItem(ZONE_KEY, z === 'local' ? 'local' : 'utc'),
};

/** The browser zone's short name at `d` (e.g. CET, GMT+1). */
export function localZoneName(d = new Date()) {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName');
  return part ? part.value : 'local';
}

export function fmtDate(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  if (zone.get() === 'utc') {
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
  }
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${esc(localZoneName(d))}`;
}

/** A short date for axis labels (MM-DD HH:MM) in the chosen zone. */
export function fmtShort(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  const utc = zone.get() === 'utc';
  const [mo, da, h, mi] = utc ? [d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()]
    : [d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes()];
  return `${pad(mo)}-${pad(da)} ${pad(h)}:${pad(mi)}`;
}

/** An error message kept to one short line; the whole text (root causes sit at the end) behind "show more". */
export function errorText(text, max = 120) {
  const t = String(text ?? '');
  if (!t) return '';
  if (t.length <= max && !t.includes('\n')) return `<span class="err-text">${esc(t)}</span>`;
  return `<details class="err-more"><summary><span class="err-text">${esc(t.slice(0, max).split('\n')[0])}…</span> <span class="show-more">show more</span></summary><pre class="err-full">${esc(t)}</pre></details>`;
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
