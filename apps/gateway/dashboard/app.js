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
}

void loadProtocols();
startChart();
connect();
