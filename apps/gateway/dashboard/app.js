// The gateway dashboard: plain browser JavaScript, no build step (issue 15 §4). Data comes from the admin API and
// its server-sent events; the chart is uPlot's. Only reads: nothing here needs the admin token.

const $ = (id) => document.getElementById(id);
const sessions = new Map();
const frames = new Map();
let selected;
let framesThisSecond = 0;

function text(tag, value, className) {
  const el = document.createElement(tag);
  el.textContent = value;
  if (className) el.className = className;
  return el;
}

function counters(c) {
  return (
    Object.entries(c)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || '—'
  );
}

function renderConnections() {
  const body = $('connections').querySelector('tbody');
  body.replaceChildren();
  for (const s of [...sessions.values()].sort((a, b) => a.since.localeCompare(b.since))) {
    const row = document.createElement('tr');
    row.dataset.key = s.key;
    row.setAttribute('aria-selected', String(s.key === selected));
    const cell = document.createElement('td');
    const button = text('button', s.key, 'session');
    button.type = 'button';
    button.addEventListener('click', () => select(s.key));
    cell.append(button);
    row.append(
      cell,
      text('td', s.protocol),
      text('td', s.peer),
      text('td', s.state),
      text('td', new Date(s.since).toLocaleTimeString()),
      text('td', counters(s.counters)),
    );
    body.append(row);
  }
  $('count').textContent = String(sessions.size);
  $('empty').hidden = sessions.size > 0;
}

async function select(key) {
  selected = key;
  renderConnections();
  await refreshDetail();
}

async function refreshDetail() {
  if (selected === undefined) return;
  const res = await fetch(`/api/connections/${encodeURIComponent(selected)}`);
  $('detail-hint').hidden = true;
  $('detail').hidden = false;
  if (!res.ok) {
    $('detail-summary').textContent = `${selected}: closed`;
    return;
  }
  const d = await res.json();
  $('detail-summary').textContent =
    `${d.key} · ${d.protocol} · ${d.peer} · ${d.state} since ${new Date(d.stateSince).toLocaleTimeString()}`;
  const list = $('sequence');
  list.replaceChildren();
  for (const t of d.timeline) {
    const when = new Date(t.at).toLocaleTimeString();
    const detail = t.detail ? ` ${JSON.stringify(t.detail)}` : '';
    if (t.direction === 'in') list.append(text('li', `${when} ${t.event}${detail} ⟶`, 'from-client'));
    else if (t.direction === 'out') list.append(text('li', `⟵ ${t.event}${detail} ${when}`, 'from-server'));
    else list.append(text('li', `${when} · ${t.event}${detail}`, 'note'));
  }
  drawSequence(d);
}

// The handshake as a sequence diagram (issue 15 §4): the peer's lifeline on the left, the gateway's on the right, one
// arrow per message in the order the timeline has them, notes between the lifelines. The list above is its text form.
const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, content) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (content !== undefined) el.textContent = content;
  return el;
}

function drawSequence(d) {
  const diagram = $('diagram');
  const width = Math.min(760, document.body.clientWidth - 40);
  const left = 70;
  const right = width - 70;
  const step = 26;
  const top = 40;
  const height = top + step * d.timeline.length + 20;
  diagram.setAttribute('width', width);
  diagram.setAttribute('height', height);
  diagram.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const defs = svg('defs', {});
  for (const [id, colour] of [
    ['arrow-in', '#2563eb'],
    ['arrow-out', '#16a34a'],
  ]) {
    const marker = svg('marker', {
      id,
      viewBox: '0 0 10 10',
      refX: 10,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: 'auto',
    });
    marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: colour }));
    defs.append(marker);
  }
  diagram.replaceChildren(
    defs,
    svg('text', { x: left, y: 16, 'text-anchor': 'middle', class: 'actor' }, d.protocol === 'pq' ? 'client' : 'peer'),
    svg('text', { x: right, y: 16, 'text-anchor': 'middle', class: 'actor' }, 'gateway'),
    svg('line', { x1: left, y1: 24, x2: left, y2: height - 6, class: 'lifeline' }),
    svg('line', { x1: right, y1: 24, x2: right, y2: height - 6, class: 'lifeline' }),
  );
  const mid = (left + right) / 2;
  d.timeline.forEach((t, i) => {
    const y = top + i * step + 10;
    const detail = t.detail ? ` ${JSON.stringify(t.detail)}` : '';
    const label = `${t.event}${detail}`.slice(0, 70);
    if (t.direction === 'in' || t.direction === 'out') {
      const [x1, x2] = t.direction === 'in' ? [left, right] : [right, left];
      diagram.append(
        svg('text', { x: mid, y: y - 4, 'text-anchor': 'middle' }, label),
        svg('line', {
          x1,
          y1: y,
          x2,
          y2: y,
          class: `message ${t.direction}`,
          'marker-end': `url(#arrow-${t.direction})`,
        }),
      );
    } else {
      diagram.append(svg('text', { x: mid, y, 'text-anchor': 'middle', class: 'note' }, `· ${label} ·`));
    }
  });
}

// Pages sent through the gateway (LRSN clients and POST /api/lrsn/pages) with their status sequence, newest first.
const pages = new Map();

function renderPages() {
  const body = $('pages').querySelector('tbody');
  body.replaceChildren();
  for (const p of [...pages.values()].sort((a, b) => b.requestedAt.localeCompare(a.requestedAt))) {
    const row = document.createElement('tr');
    row.dataset.key = p.key;
    const steps = p.statuses.map((s) => (s.ret === 0 ? s.status : `${s.status} (ret ${s.ret})`)).join(' → ');
    row.append(
      text('td', new Date(p.requestedAt).toLocaleTimeString()),
      text('td', p.source),
      text('td', p.pager),
      text('td', p.id ?? '—'),
      text('td', p.message ?? ''),
      text('td', `${p.state}${steps ? `: ${steps}` : ''}${p.reason ? ` — ${p.reason}` : ''}`, `page-${p.state}`),
    );
    body.append(row);
  }
  $('pages-count').textContent = String(pages.size);
  $('pages-empty').hidden = pages.size > 0;
}

async function loadPages() {
  const res = await fetch('/api/lrsn/pages');
  if (!res.ok) return;
  for (const p of await res.json()) pages.set(p.key, p);
  renderPages();
}

// A PTU file's micro-time histogram (the decay curve), drawn by uPlot with a logarithmic count axis.
let histogramPlot;

async function showHistogram(file) {
  const res = await fetch(`/api/pq/files/${encodeURIComponent(file)}/histogram`);
  const body = await res.json();
  if (!res.ok) {
    $('histogram-hint').textContent = `${file}: ${body.message}`;
    return;
  }
  const binNs = (body.resolutionS ?? 1e-12) * 1e9;
  const x = body.counts.map((_, i) => i * binNs);
  const y = body.counts.map((c) => (c > 0 ? c : null));
  $('histogram-hint').textContent =
    `${body.file}: ${body.photons} photons, ${body.counts.length} bins of ${binNs.toFixed(3)} ns`;
  histogramPlot?.destroy();
  $('histogram').replaceChildren();
  histogramPlot = new uPlot(
    {
      width: Math.min(900, document.body.clientWidth - 40),
      height: 240,
      series: [{ label: 'ns' }, { label: 'photons', stroke: '#9333ea', points: { show: false } }],
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: [{ label: 'micro-time (ns)' }, { size: 70, label: 'counts' }],
    },
    [x, y],
    $('histogram'),
  );
}

function addAlert(a) {
  const li = text('li', `${new Date(a.at).toLocaleTimeString()} ${a.protocol} ${a.code}: ${a.message}`);
  li.className = a.level === 'error' ? 'alert-error' : '';
  $('alerts').prepend(li);
}

function onSession(s) {
  const before = frames.get(s.key) ?? 0;
  const now = s.counters.frames ?? 0;
  if (now > before) framesThisSecond += now - before;
  frames.set(s.key, now);
  sessions.set(s.key, s);
  renderConnections();
  if (s.key === selected) void refreshDetail();
}

async function loadProtocols() {
  const list = await (await fetch('/api/protocols')).json();
  $('protocols').replaceChildren(
    ...list.map((p) => {
      const where = p.listening.map((l) => `${l.transport}://${l.host}:${l.port}`).join(', ');
      if (!p.enabled) return text('li', `${p.protocol}: disabled`, 'unavailable');
      if (!p.available)
        return text('li', `${p.protocol}: not available in this build (${p.rolePackage})`, 'unavailable');
      return text('li', `${p.protocol}: ${where}`);
    }),
  );
}

function startChart() {
  const width = Math.min(900, document.body.clientWidth - 40);
  const data = [[], [], []];
  const chart = new uPlot(
    {
      width,
      height: 220,
      series: [{}, { label: 'open sessions', stroke: '#2563eb' }, { label: 'PQ frames/s', stroke: '#16a34a' }],
      scales: { x: { time: true } },
    },
    data,
    $('chart'),
  );
  setInterval(() => {
    data[0].push(Date.now() / 1000);
    data[1].push(sessions.size);
    data[2].push(framesThisSecond);
    framesThisSecond = 0;
    if (data[0].length > 300) for (const series of data) series.shift();
    chart.setData(data);
  }, 1000);
}

// PQ feedback values (cps1, cps2, det1 …) of a measurement, one point per data frame; a new measurement starts a new
// chart, with one series per numeric value the server reports.
let feedback;

function onFeedback(f) {
  const names = Object.keys(f.values).filter((k) => typeof f.values[k] === 'number' && /^(cps|det)\d+$/.test(k));
  if (names.length === 0) return;
  if (feedback === undefined || feedback.id !== f.id) {
    const palette = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#65a30d', '#db2777'];
    $('feedback').replaceChildren();
    $('feedback-hint').textContent = `measurement ${f.id}`;
    const data = [[], ...names.map(() => [])];
    const plot = new uPlot(
      {
        width: Math.min(900, document.body.clientWidth - 40),
        height: 220,
        series: [{}, ...names.map((label, i) => ({ label, stroke: palette[i % palette.length] }))],
        scales: { x: { time: true } },
        axes: [{}, { size: 80, label: 'counts/s' }],
      },
      data,
      $('feedback'),
    );
    feedback = { id: f.id, names, data, plot };
  }
  feedback.data[0].push(f.at / 1000);
  for (const [i, n] of feedback.names.entries()) feedback.data[i + 1].push(f.values[n] ?? null);
  feedback.plot.setData(feedback.data);
}

function connect() {
  const events = new EventSource('/api/events');
  events.addEventListener('open', () => {
    $('status').textContent = 'live';
  });
  events.addEventListener('error', () => {
    $('status').textContent = 'reconnecting…';
  });
  events.addEventListener('snapshot', (e) => {
    const snap = JSON.parse(e.data);
    sessions.clear();
    for (const s of snap.sessions) sessions.set(s.key, s);
    $('alerts').replaceChildren();
    for (const a of snap.alerts) addAlert(a);
    renderConnections();
  });
  events.addEventListener('session', (e) => onSession(JSON.parse(e.data)));
  events.addEventListener('closed', (e) => {
    const s = JSON.parse(e.data);
    sessions.delete(s.key);
    frames.delete(s.key);
    renderConnections();
    if (s.key === selected) $('detail-summary').textContent = `${s.key}: closed`;
  });
  events.addEventListener('alert', (e) => addAlert(JSON.parse(e.data)));
  events.addEventListener('feedback', (e) => onFeedback(JSON.parse(e.data)));
  events.addEventListener('page', (e) => {
    const p = JSON.parse(e.data);
    pages.set(p.key, p);
    renderPages();
  });
}

$('histogram-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void showHistogram($('ptu-file').value.trim());
});

void loadProtocols();
void loadPages();
startChart();
connect();
