// Draws a DAG as SVG: tasks in layers by longest path from a root, edges as curves, nodes coloured by state.
import { esc } from '../ui.js';

const NODE_W = 150, NODE_H = 32, GAP_X = 70, GAP_Y = 14;
const FILL = { success: '#008000', failed: '#e02020', running: '#01d001', queued: '#a0a0a0', scheduled: '#d2b48c',
  up_for_retry: '#ffd700', upstream_failed: '#ffa500', blocked_by_check: '#c2255c', skipped: '#ff69b4', removed: '#d3d3d3', none: '#ffffff' };
const DARK_TEXT = new Set(['none', 'running', 'up_for_retry', 'removed', 'scheduled']);

export function drawGraph(container, tasks, states, linkFor) {
  const layer = {};
  const byId = Object.fromEntries(tasks.map((t) => [t.task_id, t]));
  const depth = (id, seen = new Set()) => {
    if (layer[id] !== undefined) return layer[id];
    if (seen.has(id)) return 0;
    seen.add(id);
    const ups = byId[id]?.upstream ?? [];
    layer[id] = ups.length ? 1 + Math.max(...ups.map((u) => depth(u, seen))) : 0;
    return layer[id];
  };
  tasks.forEach((t) => depth(t.task_id));
  const layers = [];
  tasks.forEach((t) => (layers[layer[t.task_id]] ??= []).push(t.task_id));
  // Order each layer by the mean position of its upstream tasks, so edges cross less.
  const pos = {};
  layers.forEach((ids, li) => {
    if (li > 0) {
      const key = (id) => { const ups = byId[id].upstream; return ups.length ? ups.reduce((s, u) => s + pos[u], 0) / ups.length : 0; };
      ids.sort((a, b) => key(a) - key(b));
    }
    ids.forEach((id, i) => { pos[id] = i; });
  });
  const tallest = Math.max(...layers.map((l) => l.length));
  const height = tallest * (NODE_H + GAP_Y) + GAP_Y;
  const xy = {};
  layers.forEach((ids, li) => {
    const top = (height - ids.length * (NODE_H + GAP_Y) + GAP_Y) / 2;
    ids.forEach((id, i) => { xy[id] = { x: 10 + li * (NODE_W + GAP_X), y: top + i * (NODE_H + GAP_Y) }; });
  });
  const width = 20 + layers.length * (NODE_W + GAP_X) - GAP_X;
  const edges = tasks.flatMap((t) => t.upstream.map((u) => {
    const a = xy[u], b = xy[t.task_id];
    const x1 = a.x + NODE_W, y1 = a.y + NODE_H / 2, x2 = b.x, y2 = b.y + NODE_H / 2, mx = (x1 + x2) / 2;
    return `<path class="edge" marker-end="url(#arrow)" d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2 - 2},${y2}"/>`;
  })).join('');
  const nodes = tasks.map((t) => {
    const { x, y } = xy[t.task_id];
    const state = states[t.task_id] ?? 'none';
    const label = t.task_id.length > 20 ? t.task_id.slice(0, 19) + '…' : t.task_id;
    const href = linkFor(t.task_id);
    const body = `<rect x="${x}" y="${y}" width="${NODE_W}" height="${NODE_H}" fill="${FILL[state] ?? '#fff'}"/>
      <text x="${x + NODE_W / 2}" y="${y + NODE_H / 2 + 4}" text-anchor="middle" fill="${DARK_TEXT.has(state) ? '#1f2933' : '#fff'}" style="fill:${DARK_TEXT.has(state) ? '#1f2933' : '#fff'}">${esc(label)}</text>
      <title>${esc(t.task_id)} (${esc(t.kind)}): ${esc(state)}</title>`;
    return `<g class="node" data-task="${esc(t.task_id)}" data-state="${esc(state)}">${href ? `<a href="${href}">${body}</a>` : body}</g>`;
  }).join('');
  container.innerHTML = `<svg width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="task graph">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#9aa5b1"/></marker></defs>
    ${edges}${nodes}</svg>`;
}
