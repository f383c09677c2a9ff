// gradlab ui: the run list and, for the ticked runs, their epochs as they arrive (server-sent events).
'use strict';
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const state = { list: [], selected: [], runs: {}, focus: null, charts: [] };

function esc(s) { return String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])); }
function num(v) { return typeof v === 'number' ? v : (v === 'NaN' || v == null ? null : Number(v)); }

const runsSource = new EventSource('/api/runs/events');
// a link may tick runs: /#runs=ID,ID
const preselect = new URLSearchParams(location.hash.slice(1)).get('runs');
let wanted = preselect ? preselect.split(',') : [];
runsSource.addEventListener('runs', e => {
  state.list = JSON.parse(e.data);
  wanted.filter(id => state.list.some(r => r.id === id)).forEach(id => toggle(id, true));
  wanted = wanted.filter(id => !state.list.some(r => r.id === id));
  renderList();
});

function renderList() {
  const ul = document.getElementById('runs');
  ul.innerHTML = state.list.map(r => `<li><label><input type="checkbox" data-id="${esc(r.id)}" ${state.selected.includes(r.id) ? 'checked' : ''}>
    ${esc(r.id)}<br><span class="status ${esc(r.status)}">${esc(r.status)} · epoch ${r.epochs}/${r.planned}</span></label></li>`).join('');
  ul.querySelectorAll('input').forEach(box => box.addEventListener('change', () => toggle(box.dataset.id, box.checked)));
}

function toggle(id, on) {
  if (on && !state.selected.includes(id)) {
    state.selected.push(id);
    const run = { id, epochs: [], spec: {}, summary: null, source: null };
    state.runs[id] = run;
    fetch('/api/run?id=' + encodeURIComponent(id)).then(r => r.json()).then(d => { run.spec = d.spec; run.summary = d.summary; schedule(); });
    run.source = new EventSource('/api/run/events?id=' + encodeURIComponent(id));
    run.source.addEventListener('epoch', e => { run.epochs.push(JSON.parse(e.data)); schedule(); });
    run.source.addEventListener('reset', () => { run.epochs = []; schedule(); });
    run.source.addEventListener('summary', e => { run.summary = JSON.parse(e.data); schedule(); });
    state.focus = id;
  } else if (!on) {
    state.selected = state.selected.filter(x => x !== id);
    if (state.runs[id]) { state.runs[id].source.close(); delete state.runs[id]; }
    if (state.focus === id) { state.focus = state.selected[state.selected.length - 1] || null; }
  }
  schedule();
}

let pending = false;
function schedule() { if (!pending) { pending = true; requestAnimationFrame(() => { pending = false; render(); }); } }

function chart(target, title, xs, series, log) {
  const el = document.getElementById(target);
  el.innerHTML = '';
  if (xs.length === 0) { el.textContent = 'no epochs yet'; return; }
  const opts = {
    width: Math.max(420, Math.floor((document.querySelector('main').clientWidth - 60) / 2)), height: 260,
    scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
    series: [{ label: 'epoch' }].concat(series.map((s, i) => ({ label: s.label, stroke: s.color || COLORS[i % COLORS.length], dash: s.dash, width: 1.5, spanGaps: true }))),
    axes: [{ label: 'epoch', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
      log ? { size: 70, values: (u, vals) => vals.map(v => (v == null ? '' : Number(v).toExponential(0))) } : { size: 70 }],
  };
  state.charts.push(new uPlot(opts, [xs].concat(series.map(s => s.values)), el));
}

function epochsOf(ids) {
  let max = 0;
  ids.forEach(id => state.runs[id].epochs.forEach(e => { max = Math.max(max, e.epoch); }));
  return Array.from({ length: max }, (_, i) => i + 1);
}

function byEpoch(run, xs, f) {
  const at = {}; run.epochs.forEach(e => { at[e.epoch] = e; });
  return xs.map(x => { const e = at[x]; if (!e) return null; const v = num(f(e)); return v == null || !isFinite(v) ? null : v; });
}

function positive(values) { return values.map(v => (v != null && v > 0 ? v : null)); }

function render() {
  state.charts.forEach(c => c.destroy()); state.charts = [];
  const ids = state.selected.filter(id => state.runs[id]);
  document.getElementById('empty').hidden = ids.length > 0;
  document.getElementById('view').hidden = ids.length === 0;
  if (ids.length === 0) return;
  const xs = epochsOf(ids);
  const loss = [], acc = [];
  ids.forEach((id, i) => {
    const run = state.runs[id], color = COLORS[i % COLORS.length];
    loss.push({ label: id + ' train', color, values: byEpoch(run, xs, e => e.train_loss) });
    loss.push({ label: id + ' test', color, dash: [6, 4], values: byEpoch(run, xs, e => e.test_loss) });
    acc.push({ label: id + ' train', color, values: byEpoch(run, xs, e => e.train_accuracy) });
    acc.push({ label: id + ' test', color, dash: [6, 4], values: byEpoch(run, xs, e => e.test_accuracy) });
  });
  chart('loss', 'loss', xs, loss, false);
  chart('accuracy', 'accuracy', xs, acc, false);
  renderSettings(ids);

  const select = document.getElementById('focus');
  select.innerHTML = ids.map(id => `<option ${id === state.focus ? 'selected' : ''}>${esc(id)}</option>`).join('');
  select.onchange = () => { state.focus = select.value; schedule(); };
  const run = state.runs[state.focus] || state.runs[ids[0]];
  const fx = epochsOf([run.id]);
  const layers = run.epochs.length ? run.epochs[run.epochs.length - 1].layers.map(l => l.name) : [];
  const perLayer = (key, log) => layers.map((name, i) => {
    const values = byEpoch(run, fx, e => { const l = e.layers.find(l => l.name === name); return l ? l[key] : null; });
    return { label: name, color: COLORS[i % COLORS.length], values: log ? positive(values) : values };
  });
  chart('gradnorm', 'grad_norm', fx, perLayer('grad_norm', true), true);
  chart('updateratio', 'update_ratio', fx, perLayer('update_ratio', true), true);
  chart('dead', 'dead_fraction', fx, perLayer('dead_fraction', false).filter(s => s.values.some(v => v != null)), false);
  chart('saturated', 'saturated_fraction', fx, perLayer('saturated_fraction', false).filter(s => s.values.some(v => v != null)), false);
  renderHeatmap(run, fx, layers);
  renderFindings(run);
}

function renderSettings(ids) {
  const table = document.getElementById('settings');
  const keys = new Set(); ids.forEach(id => Object.keys(state.runs[id].spec || {}).forEach(k => keys.add(k)));
  const rows = [...keys].filter(k => k !== 'name' && k !== 'description' && new Set(ids.map(id => JSON.stringify(state.runs[id].spec[k]))).size > 1);
  if (ids.length < 2) { table.innerHTML = '<tr><td>select two or more runs to compare their settings</td></tr>'; return; }
  if (rows.length === 0) { table.innerHTML = '<tr><td>the selected runs have the same settings</td></tr>'; return; }
  table.innerHTML = '<tr><th>setting</th>' + ids.map(id => `<th>${esc(id)}</th>`).join('') + '</tr>'
    + rows.map(k => `<tr><td>${esc(k)}</td>` + ids.map(id => `<td>${esc(state.runs[id].spec[k] === undefined ? '—' : JSON.stringify(state.runs[id].spec[k]))}</td>`).join('') + '</tr>').join('');
}

function renderHeatmap(run, xs, layers) {
  const el = document.getElementById('heatmap');
  const logs = []; run.epochs.forEach(e => e.layers.forEach(l => { const v = num(l.grad_norm); if (v > 0) logs.push(Math.log10(v)); }));
  if (logs.length === 0) { el.textContent = 'no epochs yet'; return; }
  const lo = Math.min(...logs), hi = Math.max(...logs);
  const color = v => { const t = hi > lo ? (v - lo) / (hi - lo) : 1; return `hsl(${Math.round(240 - 240 * t)}, 80%, ${Math.round(30 + 30 * t)}%)`; };
  let html = '<table><tr><th>layer \\ epoch</th>' + xs.map(x => `<th>${x}</th>`).join('') + '</tr>';
  layers.forEach(name => {
    html += `<tr><td>${esc(name)}</td>` + byEpoch(run, xs, e => { const l = e.layers.find(l => l.name === name); return l ? l.grad_norm : null; })
      .map(v => (v > 0 ? `<td class="cell" title="${v.toExponential(2)}" style="background:${color(Math.log10(v))}"></td>` : '<td class="cell"></td>')).join('') + '</tr>';
  });
  el.innerHTML = html + `</table><p class="hint">blue 1e${lo.toFixed(1)} … red 1e${hi.toFixed(1)}</p>`;
}

function renderFindings(run) {
  const el = document.getElementById('findings');
  const last = run.epochs[run.epochs.length - 1];
  const findings = last && last.findings ? last.findings : [];
  el.innerHTML = findings.length === 0 ? 'none' : findings.map(f => `<div class="finding"><span class="sev ${esc(f.severity)}">${esc(f.severity)}</span>
    ${esc(f.message)}${f.remedies && f.remedies.length ? '<ul>' + f.remedies.map(r => `<li>${esc(r)}</li>`).join('') + '</ul>' : ''}</div>`).join('');
}

window.addEventListener('resize', schedule);
