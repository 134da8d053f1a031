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
    // The broker's own one-line error ("UNKNOWN_QUEUE: no queue named 'x'") says more than a status.
    const body = await response.json().catch(() => null);
    const error = new Error(body && body.error ? body.error : path + ': HTTP ' + response.status);
    error.status = response.status;
    error.body = body;
    throw error;
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
    const path = '/api/queues/' + encodeURIComponent(q.name);
    const button = document.createElement('button');
    button.textContent = q.paused ? 'Resume' : 'Pause';
    button.onclick = () => act(path + (q.paused ? '/resume' : '/pause'));
    action.appendChild(button);
    action.appendChild(queueButton('Peek', 'peek', () => showPeek(q.name)));
    action.appendChild(queueButton('Purge', 'purge', () => {
      if (confirm('Remove every ready and delayed item (and pending STOP) from ' + q.name + '? Running tasks finish.')) {
        act(path + '/purge', r => 'purged ' + q.name + ': ' + r.ready + ' ready, ' + r.delayed + ' delayed, ' + r.stops + ' STOPs');
      }
    }));
    if (!q.closed) {
      action.appendChild(queueButton('Close', 'close', () => {
        if (confirm('Close ' + q.name + '? It takes no new tasks; its workers get a STOP once its tasks are done.')) {
          act(path + '/close', r => 'closed ' + q.name + ': ' + r.unfinished + ' tasks unfinished, ' + r.workers + ' workers to stop');
        }
      }));
    }
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

function queueButton(label, cls, onclick) {
  const b = document.createElement('button');
  b.textContent = label;
  b.className = cls;
  b.onclick = onclick;
  return b;
}

let peeked = null;            // the queue whose next items are shown, or null

async function showPeek(queue) {
  peeked = queue;
  try {
    await renderPeek();
  } catch (e) {
    showError(e);
  }
}

function time(ms) {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

async function renderPeek() {
  const section = document.getElementById('peek-section');
  if (!peeked) { section.hidden = true; return; }
  let reply;
  try {
    reply = await api('/api/queues/' + encodeURIComponent(peeked) + '/peek?limit=20');
  } catch (e) {
    // The queue was deleted since: stop showing it rather than repeat the error every second.
    if (e.status === 404) { peeked = null; section.hidden = true; }
    throw e;
  }
  section.hidden = false;
  document.getElementById('peek-queue').textContent = reply.queue;
  document.getElementById('peek-summary').textContent = reply.ready + ' ready, ' + reply.delayed + ' delayed';
  const body = document.querySelector('#peek tbody');
  body.innerHTML = '';
  for (const item of reply.items) {
    const row = body.insertRow();
    row.dataset.id = item.id;
    cell(row, item.id); cell(row, item.kind); cell(row, item.handler); cell(row, item.priority, 'n');
    cell(row, item.state); cell(row, item.attempts, 'n'); cell(row, time(item.notBefore)); cell(row, item.bytes, 'n');
    cell(row, item.preview, 'payload').title = item.preview;
  }
  if (reply.items.length === 0) {
    cell(body.insertRow(), reply.queue + ' is empty', 'empty');
  }
}

// The task looked up by id, redrawn with the rest so its state follows (running, then done).
let shownTask = null;

const TASK_FIELDS = [['state', 'state'], ['queue', 'queue'], ['handler', 'handler'], ['priority', 'priority'],
  ['attempts', 'attempts'], ['maxAttempts', 'max attempts'], ['worker', 'worker'], ['since', 'since'],
  ['notBefore', 'ready at'], ['error', 'last error'], ['key', 'key']];

async function renderTask() {
  const table = document.getElementById('task');
  const cancel = document.getElementById('task-cancel');
  if (!shownTask) { table.hidden = true; cancel.hidden = true; return; }
  let task;
  try {
    task = await api('/api/tasks/' + encodeURIComponent(shownTask));
  } catch (e) {
    if (e.status !== 404 || !e.body) throw e;
    task = e.body;
  }
  const body = table.querySelector('tbody');
  body.innerHTML = '';
  const add = (label, value, cls) => {
    const row = body.insertRow();
    cell(row, label);
    const td = cell(row, value, cls);
    td.dataset.field = label;
    return td;
  };
  add('id', task.id);
  for (const [field, label] of TASK_FIELDS) {
    const value = field === 'since' || field === 'notBefore' ? time(task[field]) : task[field];
    if (value !== null && value !== undefined) add(label, value, field === 'error' ? 'error' : null);
  }
  if (task.result) add('result', JSON.stringify(task.result), 'payload').title = JSON.stringify(task.result);
  if (task.state === 'NOT_FOUND') add('', task.error, 'empty');
  table.hidden = false;
  cancel.hidden = ['DONE', 'DEAD', 'CANCELLED', 'NOT_FOUND'].includes(task.state);
}

document.getElementById('task-lookup').addEventListener('submit', async event => {
  event.preventDefault();
  const id = document.getElementById('task-id').value.trim();
  if (!id) return;
  shownTask = id;
  try {
    await renderTask();
  } catch (e) {
    showError(e);
  }
});
document.getElementById('task-cancel').onclick = () => {
  const id = shownTask;
  if (id && confirm('Cancel task ' + id + '? A running task is stopped on its worker.')) {
    act('/api/tasks/' + encodeURIComponent(id) + '/cancel', r => r.cancelled ? 'cancelled ' + r.id + ' (was ' + r.was + ')'
        : r.id + ' had already finished (' + r.was + ')');
  }
};
document.getElementById('peek-close').onclick = () => { peeked = null; renderPeek(); };

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

function renderCluster(c) {
  document.getElementById('cluster-section').hidden = !c;
  if (!c) return;
  document.getElementById('cluster-summary').textContent = 'node ' + c.node + ' is ' + c.role.toLowerCase()
      + ' of term ' + c.term + '; commit index ' + c.commitIndex + ', applied ' + c.appliedIndex;
  const body = document.querySelector('#cluster tbody');
  body.replaceChildren();
  for (const m of c.members) {
    const row = body.insertRow();
    cell(row, m.id);
    cell(row, m.address);
    cell(row, m.id === c.leader ? 'leader' : 'follower');
    cell(row, m.commitIndex < 0 ? '?' : String(m.commitIndex), 'n');
    cell(row, m.lag < 0 ? 'no answer' : String(m.lag), 'n');
  }
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

// What the last action did ("purged tasks: 3 ready, ..."), shown until the next one.
let notice = null;

async function act(path, describe) {
  try {
    const reply = await api(path, {method: 'POST', body: '{}'});
    actionError = null;
    notice = describe ? describe(reply) : null;
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
  status.textContent = e ? 'error: ' + e.message : (notice || '');
  status.className = e ? 'status error' : 'status';
}

async function refresh() {
  if (asking) return;
  try {
    const [queues, workers, cluster] = await Promise.all([api('/api/queues'), api('/api/workers'), api('/api/cluster')]);
    renderQueues(queues);
    renderWorkers(workers);
    renderCluster(cluster.cluster);
    await renderDead();
    await renderPeek();
    await renderTask();
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
