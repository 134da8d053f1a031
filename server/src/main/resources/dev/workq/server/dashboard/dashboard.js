// The workq dashboard: polls the broker's JSON API once a second and redraws. No build step.
'use strict';

const HISTORY = 120;          // samples kept per queue: two minutes at one a second
const history = new Map();    // queue -> {depth: [], rate: [], lastDelivered, lastTime}

// The HTTP port's token (read or admin; never the authkey): asked once in the page's form, kept
// for this tab only, sent as a header, never in a URL. Actions are JSON POSTs: a cross-site form
// cannot send one, so the broker refuses anything else.
const TOKEN_KEY = 'workq-token';
let asking = false;
let actionError = null;       // why the last action failed ("needs the admin token"), shown until one succeeds

function authHeaders() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? {'Authorization': 'Bearer ' + token} : {};
}

function askForToken(why) {
  asking = true;
  const form = document.getElementById('login');
  if (why) document.getElementById('login-why').textContent = why;
  form.hidden = false;
  document.getElementById('token').focus();
}

document.getElementById('login').addEventListener('submit', event => {
  event.preventDefault();
  const input = document.getElementById('token');
  const token = input.value.trim();
  input.value = '';
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  document.getElementById('login').hidden = true;
  asking = false;
  actionError = null;
  refresh();
});
document.getElementById('change-token').onclick = () => askForToken('Token for this tab (the admin token allows actions):');

async function api(path, options) {
  const headers = Object.assign({'Content-Type': 'application/json'}, authHeaders());
  const response = await fetch(path, Object.assign({}, options, {headers, credentials: 'omit'}));
  if (response.status === 401) {
    askForToken(sessionStorage.getItem(TOKEN_KEY) ? 'That token was refused; enter the read or admin token:' : null);
    throw new Error('needs a token');
  }
  if (response.status === 403) {
    throw new Error('needs the admin token');
  }
  if (!response.ok) {
    throw new Error(path + ': HTTP ' + response.status);
  }
  return response.json();
}

function cell(row, text, cls) {
  const td = row.insertCell();
  td.textContent = text === null || text === undefined ? '-' : String(text);
  if (cls) td.className = cls;
  return td;
}

function spark(values, color) {
  const canvas = document.createElement('canvas');
  canvas.width = 160; canvas.height = 28;
  const g = canvas.getContext('2d');
  const max = Math.max(1, ...values);
  g.strokeStyle = color; g.lineWidth = 1.5; g.beginPath();
  values.forEach((v, i) => {
    const x = (i / (HISTORY - 1)) * (canvas.width - 2) + 1;
    const y = canvas.height - 2 - (v / max) * (canvas.height - 4);
    if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
  });
  g.stroke();
  g.fillStyle = '#5a6272'; g.font = '9px sans-serif'; g.fillText(String(Math.round(max)), 2, 9);
  return canvas;
}

function remember(q, now) {
  let h = history.get(q.name);
  if (!h) {
    h = {depth: [], rate: [], lastDelivered: q.delivered, lastTime: now};
    history.set(q.name, h);
  }
  const seconds = Math.max(0.001, (now - h.lastTime) / 1000);
  const rate = h.depth.length === 0 ? 0 : (q.delivered - h.lastDelivered) / seconds;
  h.lastDelivered = q.delivered; h.lastTime = now;
  h.depth.push(q.ready); h.rate.push(rate);
  if (h.depth.length > HISTORY) { h.depth.shift(); h.rate.shift(); }
  return h;
}

function renderQueues(queues) {
  const body = document.querySelector('#queues tbody');
  body.innerHTML = '';
  const now = Date.now();
  for (const q of queues) {
    const h = remember(q, now);
    const row = body.insertRow();
    row.dataset.queue = q.name;
    if (q.paused) row.className = 'paused';
    cell(row, q.name);
    cell(row, q.ready, 'n').dataset.field = 'ready';
    cell(row, q.inFlight, 'n');
    cell(row, q.doneDepth, 'n');
    cell(row, h.rate[h.rate.length - 1].toFixed(1), 'n');
    cell(row, q.failed, 'n');
    cell(row, q.delayed, 'n');
    cell(row, q.dead, 'n');
    cell(row, q.waitingForHandler, 'n');
    row.insertCell().appendChild(spark(h.depth, '#3367d6'));
    row.insertCell().appendChild(spark(h.rate, '#1e8e3e'));
    const action = row.insertCell();
    const button = document.createElement('button');
    button.textContent = q.paused ? 'Resume' : 'Pause';
    button.onclick = () => act('/api/queues/' + encodeURIComponent(q.name) + (q.paused ? '/resume' : '/pause'));
    action.appendChild(button);
  }
  if (queues.length === 0) {
    cell(body.insertRow(), 'no queues yet', 'empty');
  }
  const select = document.getElementById('dead-queue');
  const chosen = select.value;
  const names = queues.filter(q => !q.name.startsWith('_reply.')).map(q => q.name);
  if (select.options.length !== names.length || names.some((n, i) => select.options[i].value !== n)) {
    select.innerHTML = '';
    for (const n of names) select.add(new Option(n, n));
    const withDead = queues.find(q => q.dead > 0);
    select.value = names.includes(chosen) ? chosen : (withDead ? withDead.name : (names[0] || ''));
  }
}

function renderWorkers(workers) {
  const body = document.querySelector('#workers tbody');
  body.innerHTML = '';
  for (const w of workers) {
    const row = body.insertRow();
    cell(row, w.name); cell(row, w.host); cell(row, w.pid, 'n'); cell(row, w.inFlight, 'n');
    cell(row, w.handlers.join(', '));
  }
  if (workers.length === 0) {
    cell(body.insertRow(), 'no workers connected', 'empty');
  }
  document.getElementById('summary').textContent = workers.length + ' workers connected';
}

async function renderDead() {
  const queue = document.getElementById('dead-queue').value;
  const body = document.querySelector('#dead tbody');
  if (!queue) { body.innerHTML = ''; return; }
  const reply = await api('/api/dead-letters?queue=' + encodeURIComponent(queue) + '&limit=100');
  body.innerHTML = '';
  for (const d of reply.items) {
    const row = body.insertRow();
    row.dataset.id = d.id;
    cell(row, d.id); cell(row, d.handler); cell(row, d.attempts, 'n'); cell(row, d.crashes, 'n');
    const error = cell(row, d.errors.length ? d.errors[d.errors.length - 1] : '', 'error');
    error.title = d.errors.join('\n');
    cell(row, d.payload, 'payload').title = d.payload;
    const actions = row.insertCell();
    for (const [label, verb] of [['Requeue', 'requeue'], ['Purge', 'purge']]) {
      const b = document.createElement('button');
      b.textContent = label;
      b.className = verb;
      b.onclick = () => act('/api/dead-letters/' + verb + '?queue=' + encodeURIComponent(queue) + '&id=' + encodeURIComponent(d.id));
      actions.appendChild(b);
    }
  }
  if (reply.items.length === 0) {
    cell(body.insertRow(), 'no dead letters on ' + queue, 'empty');
  }
}

async function act(path) {
  try {
    await api(path, {method: 'POST', body: '{}'});
    actionError = null;
  } catch (e) {
    // Kept on screen through the redraws until an action succeeds or another token is given.
    actionError = e;
    showError(e);
    return;
  }
  refresh();
}

function showError(e) {
  const status = document.getElementById('status');
  status.textContent = e ? 'error: ' + e.message : '';
  status.className = e ? 'status error' : 'status';
}

async function refresh() {
  if (asking) return;
  try {
    const [queues, workers] = await Promise.all([api('/api/queues'), api('/api/workers')]);
    renderQueues(queues);
    renderWorkers(workers);
    await renderDead();
    showError(actionError);
  } catch (e) {
    showError(e);
  }
}

document.getElementById('dead-queue').onchange = renderDead;
document.getElementById('requeue-all').onclick = () => {
  const q = document.getElementById('dead-queue').value;
  if (q) act('/api/dead-letters/requeue?queue=' + encodeURIComponent(q));
};
document.getElementById('purge-all').onclick = () => {
  const q = document.getElementById('dead-queue').value;
  if (q && confirm('Purge every dead letter on ' + q + '?')) act('/api/dead-letters/purge?queue=' + encodeURIComponent(q));
};
refresh();
setInterval(refresh, 1000);
