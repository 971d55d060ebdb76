// Inline SVG charts for the Insights dashboards, drawn here: no library, no CDN, no build step.
// Colours: the Okabe–Ito palette, distinguishable with the common colour-vision deficiencies; lines also differ
// by dash pattern, so no series is told apart by colour alone. Every chart has axis labels, a legend when it has
// more than one series, and a tooltip on hover (and a <title> per mark for screen readers).
import { esc } from './ui.js';

export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3', '1 2', '10 4'];
const NS = 'http://www.w3.org/2000/svg';

/** A number as the panel's format writes it. */
export function fmtValue(v, format) {
  if (v === null || v === undefined || v === '') return '–';
  const n = Number(v);
  if (!Number.isFinite(n)) return String(v);
  switch (format) {
    case 'currency': return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    case 'integer': return Math.round(n).toLocaleString('en-US');
    case 'percent': return `${(n * 100).toLocaleString('en-US', { maximumFractionDigits: 2 })} %`;
    default: return n.toLocaleString('en-US', { maximumFractionDigits: 2 });
  }
}

/** A short axis tick: 1.2k, 3.4M. */
function fmtTick(n, format) {
  if (format === 'percent') return `${Math.round(n * 1000) / 10} %`;
  const a = Math.abs(n);
  if (a >= 1e9) return `${+(n / 1e9).toFixed(1)}B`;
  if (a >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (a >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return `${+n.toFixed(2)}`;
}

/** About `count` round ticks from 0 (or the minimum, when negative) to the maximum. */
function ticks(min, max, count = 5) {
  const lo = Math.min(0, min), hi = max > lo ? max : lo + 1;
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const out = [];
  for (let t = Math.floor(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(+t.toPrecision(12));
  if (out[out.length - 1] < hi) out.push(out[out.length - 1] + step);
  return out;
}

function el(name, attrs = {}, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Columns and rows into {x: labels, series: [{name, values}]} per the panel's encoding. */
export function pivot(columns, rows, encoding) {
  const xCol = encoding.x || columns[0];
  const xi = columns.indexOf(xCol);
  if (encoding.series) {
    const si = columns.indexOf(encoding.series);
    const yi = columns.indexOf(encoding.y[0] || columns.find((c) => c !== xCol && c !== encoding.series));
    const xs = [...new Set(rows.map((r) => r[xi]))];
    const names = [...new Set(rows.map((r) => r[si]))];
    const series = names.map((name) => {
      const values = xs.map(() => null);
      for (const r of rows) if (r[si] === name) values[xs.indexOf(r[xi])] = r[yi] === null ? null : Number(r[yi]);
      return { name: String(name), values };
    });
    return { x: xs, series, xLabel: xCol, yLabel: columns[yi] };
  }
  const ys = encoding.y.length ? encoding.y : columns.filter((c) => c !== xCol);
  return {
    x: rows.map((r) => r[xi]),
    series: ys.map((name) => ({ name, values: rows.map((r) => (r[columns.indexOf(name)] === null ? null : Number(r[columns.indexOf(name)]))) })),
    xLabel: xCol,
    yLabel: ys.length === 1 ? ys[0] : 'value',
  };
}

function legendHTML(series) {
  if (series.length < 2) return '';
  return `<div class="chart-legend">${series.map((s, i) => `<span class="legend-item"><svg width="22" height="10" aria-hidden="true"><line x1="0" y1="5" x2="22" y2="5" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="3" stroke-dasharray="${DASHES[i % DASHES.length]}"/></svg>${esc(s.name)}</span>`).join('')}</div>`;
}

function tooltip(host) {
  let tip = host.querySelector('.chart-tip');
  if (!tip) { tip = document.createElement('div'); tip.className = 'chart-tip'; tip.hidden = true; host.append(tip); }
  return tip;
}

function showTip(host, tip, html, event) {
  const box = host.getBoundingClientRect();
  tip.innerHTML = html;
  tip.hidden = false;
  const x = event.clientX - box.left + 12, y = event.clientY - box.top + 12;
  tip.style.left = `${Math.min(x, box.width - tip.offsetWidth - 4)}px`;
  tip.style.top = `${y}px`;
}

/** Lines (or stacked areas) over time. */
export function timeChart(host, data, { format, area = false, width = 640, height = 260 } = {}) {
  const m = { l: 64, r: 16, t: 12, b: 44 };
  const stacked = area && data.series.length > 1;
  const totals = data.x.map((_, i) => data.series.reduce((s, ser) => s + (ser.values[i] ?? 0), 0));
  const all = stacked ? totals : data.series.flatMap((s) => s.values.filter((v) => v !== null));
  const yt = ticks(Math.min(0, ...all), Math.max(0, ...all));
  const [y0, y1] = [yt[0], yt[yt.length - 1]];
  const W = width - m.l - m.r, H = height - m.t - m.b;
  const px = (i) => m.l + (data.x.length < 2 ? W / 2 : (i * W) / (data.x.length - 1));
  const py = (v) => m.t + H - ((v - y0) / (y1 - y0 || 1)) * H;
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': `${data.yLabel} by ${data.xLabel}` });
  for (const t of yt) {
    svg.append(el('line', { x1: m.l, x2: width - m.r, y1: py(t), y2: py(t), class: 'grid' }));
    svg.append(el('text', { x: m.l - 6, y: py(t) + 4, 'text-anchor': 'end', class: 'tick' }, fmtTick(t, format)));
  }
  const every = Math.max(1, Math.ceil(data.x.length / 8));
  data.x.forEach((x, i) => {
    if (i % every !== 0 && i !== data.x.length - 1) return;
    svg.append(el('text', { x: px(i), y: height - m.b + 16, 'text-anchor': 'middle', class: 'tick' }, String(x).slice(5)));
  });
  svg.append(el('text', { x: m.l + W / 2, y: height - 6, 'text-anchor': 'middle', class: 'axis-label' }, data.xLabel));
  svg.append(el('text', { x: 12, y: m.t + H / 2, 'text-anchor': 'middle', class: 'axis-label', transform: `rotate(-90 12 ${m.t + H / 2})` }, data.yLabel));
  const base = data.x.map(() => 0);
  data.series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const top = s.values.map((v, i) => (stacked ? base[i] + (v ?? 0) : v));
    const pts = top.map((v, i) => (v === null ? null : [px(i), py(v)])).filter(Boolean);
    if (area) {
      const lower = stacked ? base.map((b, i) => [px(i), py(b)]).reverse() : [[px(data.x.length - 1), py(Math.max(0, y0))], [px(0), py(Math.max(0, y0))]];
      svg.append(el('path', { d: `M${pts.map((p) => p.join(',')).join('L')}L${lower.map((p) => p.join(',')).join('L')}Z`, fill: color, 'fill-opacity': 0.35, stroke: 'none' }));
    }
    svg.append(el('path', { d: `M${pts.map((p) => p.join(',')).join('L')}`, fill: 'none', stroke: color, 'stroke-width': 2, 'stroke-dasharray': DASHES[k % DASHES.length], class: 'series', 'data-series': s.name }));
    top.forEach((v, i) => {
      if (v === null) return;
      const dot = el('circle', { cx: px(i), cy: py(v), r: data.x.length > 60 ? 1.5 : 3, fill: color, class: 'point', 'data-x': data.x[i], 'data-series': s.name, 'data-value': s.values[i] });
      dot.append(el('title', {}, `${s.name} ${data.x[i]}: ${fmtValue(s.values[i], format)}`));
      svg.append(dot);
    });
    if (stacked) s.values.forEach((v, i) => { base[i] += v ?? 0; });
  });
  const guide = el('line', { y1: m.t, y2: m.t + H, class: 'guide', visibility: 'hidden' });
  svg.append(guide);
  host.innerHTML = legendHTML(data.series);
  host.append(svg);
  const tip = tooltip(host);
  svg.addEventListener('mousemove', (event) => {
    const r = svg.getBoundingClientRect();
    const sx = ((event.clientX - r.left) / r.width) * width;
    const i = Math.max(0, Math.min(data.x.length - 1, Math.round(((sx - m.l) / (W || 1)) * (data.x.length - 1))));
    guide.setAttribute('x1', px(i)); guide.setAttribute('x2', px(i)); guide.setAttribute('visibility', 'visible');
    showTip(host, tip, `<strong>${esc(data.x[i])}</strong>${data.series.map((s, k) => `<div><span class="swatch" style="background:${PALETTE[k % PALETTE.length]}"></span>${esc(s.name)}: ${esc(fmtValue(s.values[i], format))}</div>`).join('')}`, event);
  });
  svg.addEventListener('mouseleave', () => { tip.hidden = true; guide.setAttribute('visibility', 'hidden'); });
}

/** Horizontal bars, one per row (labels can be long product names). */
export function barChart(host, data, { format, width = 640 } = {}) {
  const s = data.series[0];
  const rowH = 24, m = { l: 170, r: 80, t: 8, b: 36 };
  const height = m.t + m.b + rowH * data.x.length;
  const values = s.values.map((v) => v ?? 0);
  const xt = ticks(Math.min(0, ...values), Math.max(0, ...values), 4);
  const [x0, x1] = [xt[0], xt[xt.length - 1]];
  const W = width - m.l - m.r;
  const px = (v) => m.l + ((v - x0) / (x1 - x0 || 1)) * W;
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': `${s.name} by ${data.xLabel}` });
  for (const t of xt) {
    svg.append(el('line', { x1: px(t), x2: px(t), y1: m.t, y2: height - m.b, class: 'grid' }));
    svg.append(el('text', { x: px(t), y: height - m.b + 14, 'text-anchor': 'middle', class: 'tick' }, fmtTick(t, format)));
  }
  svg.append(el('text', { x: m.l + W / 2, y: height - 4, 'text-anchor': 'middle', class: 'axis-label' }, s.name));
  const tip = tooltip(host);
  data.x.forEach((label, i) => {
    const y = m.t + i * rowH;
    const text = String(label ?? '–');
    svg.append(el('text', { x: m.l - 6, y: y + rowH / 2 + 4, 'text-anchor': 'end', class: 'tick bar-label' }, text.length > 24 ? `${text.slice(0, 23)}…` : text));
    const bar = el('rect', { x: Math.min(px(0), px(values[i])), y: y + 3, width: Math.abs(px(values[i]) - px(0)), height: rowH - 6, fill: PALETTE[0], class: 'bar', 'data-x': text, 'data-value': s.values[i] ?? '' });
    bar.append(el('title', {}, `${text}: ${fmtValue(s.values[i], format)}`));
    bar.addEventListener('mousemove', (event) => showTip(host, tip, `<strong>${esc(text)}</strong><div>${esc(s.name)}: ${esc(fmtValue(s.values[i], format))}</div>`, event));
    bar.addEventListener('mouseleave', () => { tip.hidden = true; });
    svg.append(bar);
    svg.append(el('text', { x: px(values[i]) + 4, y: y + rowH / 2 + 4, class: 'tick value-label' }, fmtValue(s.values[i], format)));
  });
  host.innerHTML = '';
  host.append(svg, tip);
}

/** Funnel steps: bar widths by count, conversion from the previous step and from the first. */
export function funnelChart(host, data, { format, width = 640 } = {}) {
  const s = data.series[0];
  const first = s.values[0] || 0;
  const rowH = 40, m = { l: 110, r: 190, t: 8, b: 8 };
  const height = m.t + m.b + rowH * data.x.length;
  const W = width - m.l - m.r;
  const max = Math.max(1, ...s.values.map((v) => v ?? 0));
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': `funnel of ${s.name}` });
  const tip = tooltip(host);
  data.x.forEach((label, i) => {
    const v = s.values[i] ?? 0;
    const w = (v / max) * W;
    const y = m.t + i * rowH;
    const prev = i === 0 ? null : s.values[i - 1];
    const step = prev ? v / prev : null;
    const overall = first ? v / first : null;
    svg.append(el('text', { x: m.l - 8, y: y + rowH / 2 + 4, 'text-anchor': 'end', class: 'tick bar-label' }, String(label)));
    const bar = el('rect', { x: m.l + (W - w) / 2, y: y + 4, width: Math.max(w, 1), height: rowH - 8, fill: PALETTE[i % PALETTE.length], class: 'bar funnel-step', 'data-x': label, 'data-value': v });
    const detail = `${fmtValue(v, format)} ${s.name}` + (step !== null ? ` · ${fmtValue(step, 'percent')} of ${data.x[i - 1]}` : '') + (i > 0 && overall !== null ? ` · ${fmtValue(overall, 'percent')} of ${data.x[0]}` : '');
    bar.append(el('title', {}, `${label}: ${detail}`));
    bar.addEventListener('mousemove', (event) => showTip(host, tip, `<strong>${esc(label)}</strong><div>${esc(detail)}</div>`, event));
    bar.addEventListener('mouseleave', () => { tip.hidden = true; });
    svg.append(bar);
    svg.append(el('text', { x: width - m.r + 8, y: y + rowH / 2 - 2, class: 'tick value-label' }, fmtValue(v, format)));
    if (step !== null) svg.append(el('text', { x: width - m.r + 8, y: y + rowH / 2 + 12, class: 'tick conversion' }, `${fmtValue(step, 'percent')} from ${data.x[i - 1]}`));
  });
  host.innerHTML = '';
  host.append(svg, tip);
}
