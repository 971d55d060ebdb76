// The cross-DAG lineage of assets as SVG: assets in columns by longest path from a source (topics → bronze →
// silver → gold → report), an edge from every asset a task reads to every asset it writes, each node coloured by
// its health and labelled with its last materialization and rows. Built as one string in O(assets + edges), so
// 500 assets draw in one pass; a filter dims what does not match instead of redrawing.
import { esc, fmtShort } from '../ui.js';

const NODE_W = 210, NODE_H = 38, GAP_X = 60, GAP_Y = 10;
export const HEALTH_FILL = { ok: '#2f9e44', warning: '#f2c94c', stale: '#f08c00', failing: '#e03131', never_materialized: '#ced4da' };
const DARK_TEXT = new Set(['warning', 'never_materialized']);

/** Asset → asset edges through the tasks that read one and write the other. */
export function assetEdges(assets) {
  const inletsOf = {};
  for (const a of assets) for (const c of a.consumers) (inletsOf[`${c.dag_id}/${c.task_id}`] ??= []).push(a.id);
  const edges = new Set();
  for (const a of assets) {
    for (const p of a.producers) for (const from of inletsOf[`${p.dag_id}/${p.task_id}`] ?? []) if (from !== a.id) edges.add(`${from}>${a.id}`);
  }
  return [...edges].map((e) => e.split('>').map(Number));
}

/** Short label: the part after the last '/' (a table, a topic). */
export const shortName = (uri) => uri.slice(uri.lastIndexOf('/') + 1) || uri;

export function drawLineage(container, assets) {
  const edges = assetEdges(assets);
  const ups = {};
  edges.forEach(([a, b]) => (ups[b] ??= []).push(a));
  const layer = {};
  // Longest path from a source, iteratively (no recursion depth limit at 500 assets); a cycle stops at its start.
  const depth = (id) => {
    if (layer[id] !== undefined) return layer[id];
    const stack = [[id, 0]], onStack = new Set([id]);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const list = ups[top[0]] ?? [];
      if (top[1] < list.length) {
        const u = list[top[1]++];
        if (layer[u] === undefined && !onStack.has(u)) { onStack.add(u); stack.push([u, 0]); }
      } else {
        layer[top[0]] = list.length ? 1 + Math.max(...list.map((u) => layer[u] ?? 0)) : 0;
        onStack.delete(top[0]);
        stack.pop();
      }
    }
    return layer[id];
  };
  assets.forEach((a) => depth(a.id));
  const layers = [];
  assets.forEach((a) => (layers[layer[a.id]] ??= []).push(a));
  const pos = {};
  layers.forEach((list, li) => {
    if (li > 0) {
      const key = (a) => { const u = ups[a.id] ?? []; return u.length ? u.reduce((s, x) => s + (pos[x] ?? 0), 0) / u.length : 0; };
      const keys = new Map(list.map((a) => [a.id, key(a)]));
      list.sort((a, b) => keys.get(a.id) - keys.get(b.id) || a.uri.localeCompare(b.uri));
    }
    list.forEach((a, i) => { pos[a.id] = i; });
  });
  const tallest = Math.max(1, ...layers.map((l) => l.length));
  const height = tallest * (NODE_H + GAP_Y) + GAP_Y;
  const xy = {};
  layers.forEach((list, li) => list.forEach((a, i) => { xy[a.id] = { x: 10 + li * (NODE_W + GAP_X), y: GAP_Y + i * (NODE_H + GAP_Y) }; }));
  const width = 20 + Math.max(1, layers.length) * (NODE_W + GAP_X) - GAP_X;
  const paths = edges.map(([from, to]) => {
    const a = xy[from], b = xy[to];
    const x1 = a.x + NODE_W, y1 = a.y + NODE_H / 2, x2 = b.x, y2 = b.y + NODE_H / 2, mx = (x1 + x2) / 2;
    return `<path class="edge" data-from="${from}" data-to="${to}" d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2 - 2},${y2}"/>`;
  }).join('');
  const nodes = assets.map((a) => {
    const { x, y } = xy[a.id];
    const status = a.health.status;
    const m = a.latest_materialization;
    const name = shortName(a.uri);
    const label = name.length > 28 ? `${name.slice(0, 27)}…` : name;
    const sub = m ? `${fmtShort(m.created_at)}${m.rows != null ? ` · ${m.rows.toLocaleString('en-US')} rows` : ''}` : 'never materialized';
    const color = DARK_TEXT.has(status) ? '#1f2933' : '#fff';
    return `<g class="node asset-node" data-asset="${a.id}" data-health="${esc(status)}" data-uri="${esc(a.uri)}"><a href="#/assets/${a.id}">
      <rect x="${x}" y="${y}" width="${NODE_W}" height="${NODE_H}" fill="${HEALTH_FILL[status] ?? '#fff'}"/>
      <text x="${x + 8}" y="${y + 15}" style="fill:${color};font-weight:600">${esc(label)}</text>
      <text x="${x + 8}" y="${y + 30}" style="fill:${color};font-size:11px">${esc(sub)}</text>
      <title>${esc(a.uri)}: ${esc(status)}${a.health.reasons.length ? ` (${esc(a.health.reasons.join('; '))})` : ''}</title></a></g>`;
  }).join('');
  container.innerHTML = `<svg id="lineage-svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="asset lineage">
    ${paths}${nodes}</svg>`;
}

/** Dims the nodes whose URI does not contain `text` (and their edges); empty text shows all. */
export function filterLineage(container, text) {
  const t = text.trim().toLowerCase();
  const keep = new Set();
  container.querySelectorAll('.asset-node').forEach((g) => {
    const match = !t || g.dataset.uri.toLowerCase().includes(t);
    g.classList.toggle('dim', !match);
    if (match) keep.add(g.dataset.asset);
  });
  container.querySelectorAll('.edge').forEach((p) => p.classList.toggle('dim', !!t && !(keep.has(p.dataset.from) && keep.has(p.dataset.to))));
}
