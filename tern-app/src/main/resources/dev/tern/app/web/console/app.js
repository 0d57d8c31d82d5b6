// The Tern console: plain DOM calls over the admin REST API. Every value from the server is put in the page
// with textContent, never as HTML; a message's HTML part is shown only in a sandboxed iframe.
'use strict';
let csrf = '';
let queueOffset = 0;
const PAGE = 50;
const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-Tern-CSRF'] = csrf;
  const response = await fetch(path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 204) return null;
  const data = await response.json();
  if (!response.ok) {
    if (response.status === 401 && path !== '/api/v1/session') show('login');
    throw new Error(data.error ? data.error.message : 'HTTP ' + response.status);
  }
  return data;
}

function el(tag, text) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = String(text);
  return e;
}

function show(view) {
  for (const v of ['login', 'queue', 'mail', 'server']) $(v + '-view').hidden = v !== view;
  $('nav').hidden = view === 'login';
  $('status').textContent = '';
  if (view === 'queue') loadQueue();
  if (view === 'server') loadServer();
}

function route() {
  if (!csrf) return;
  show(location.hash === '#mail' ? 'mail' : location.hash === '#server' ? 'server' : 'queue');
}

async function loadQueue() {
  const q = encodeURIComponent($('queue-q').value);
  const state = encodeURIComponent($('queue-state').value);
  try {
    const page = await api('GET', `/api/v1/queue?q=${q}&state=${state}&offset=${queueOffset}&limit=${PAGE}`);
    $('queue-total').textContent = `(${page.total})`;
    const rows = $('queue-rows');
    rows.replaceChildren();
    for (const m of page.messages) {
      const tr = el('tr');
      tr.dataset.id = m.id;
      for (const v of [m.id, m.sender, m.recipients.join(', '), m.accepted, m.attempts, m.held ? 'held' : '']) tr.append(el('td', v));
      tr.addEventListener('click', () => queueDetail(m.id));
      rows.append(tr);
    }
    $('queue-prev').disabled = queueOffset === 0;
    $('queue-next').disabled = queueOffset + PAGE >= page.total;
  } catch (e) { $('status').textContent = e.message; }
}

async function queueDetail(id) {
  const box = $('queue-detail');
  try {
    const m = await api('GET', '/api/v1/queue/' + encodeURIComponent(id));
    box.replaceChildren(el('h3', 'Message ' + m.id));
    for (const r of m.recipients) {
      box.append(el('p', `${r.address}: ${r.status} ${r.diagnostic}`));
      for (const h of r.history) box.append(el('p', `  ${h.at} ${h.host} ${h.diagnostic}`));
    }
    for (const action of ['hold', 'release', 'flush', 'bounce', 'delete']) {
      const b = el('button', action);
      b.type = 'button';
      b.addEventListener('click', async () => {
        try {
          if (action === 'delete') await api('DELETE', '/api/v1/queue/' + encodeURIComponent(id));
          else await api('POST', `/api/v1/queue/${encodeURIComponent(id)}/${action}`);
          $('status').textContent = `${action}: done`;
          loadQueue();
        } catch (e) { $('status').textContent = e.message; }
      });
      box.append(b, ' ');
    }
  } catch (e) { $('status').textContent = e.message; }
}

function fill(tbody, rows) {
  tbody.replaceChildren();
  for (const row of rows) {
    const tr = el('tr');
    for (const v of row) tr.append(el('td', v));
    tbody.append(tr);
  }
}

async function loadServer() {
  try {
    const health = await api('GET', '/api/v1/health');
    $('health').textContent = `Up ${health.uptime_seconds} s; queue: ${health.queue.total} messages ` +
      `(${health.queue.deferred} deferred, ${health.queue.held} held)`;
    const accounts = await api('GET', '/api/v1/accounts');
    fill($('account-rows'), accounts.accounts.map((a) => [a.username, a.admin ? 'admin' : '']));
    const dkim = await api('GET', '/api/v1/dkim');
    fill($('dkim-rows'), dkim.keys.map((k) => [k.domain, k.selector, k.algorithm, k.active ? 'active' : '', k.dns_record]));
  } catch (e) { $('status').textContent = e.message; }
}

function mailboxBase() {
  return `/api/v1/mailboxes/${encodeURIComponent($('mail-user').value.trim())}/INBOX/messages`;
}

async function loadMailbox() {
  try {
    const page = await api('GET', mailboxBase() + '?limit=100');
    const rows = $('mail-rows');
    rows.replaceChildren();
    $('mail-message').replaceChildren();
    for (const m of page.messages) {
      const tr = el('tr');
      for (const v of [m.from, m.subject, m.date, m.size]) tr.append(el('td', v));
      tr.addEventListener('click', () => openMessage(m.uid));
      rows.append(tr);
    }
  } catch (e) { $('status').textContent = e.message; }
}

async function openMessage(uid) {
  const box = $('mail-message');
  const base = mailboxBase() + '/' + encodeURIComponent(uid);
  try {
    const m = await api('GET', base);
    box.replaceChildren(el('h3', m.subject || '(no subject)'), el('p', 'From: ' + m.from), el('p', 'To: ' + m.to),
      el('p', 'Date: ' + m.date));
    if (m.text) box.append(el('pre', m.text));
    if (m.has_html) {
      const frame = el('iframe');
      frame.setAttribute('sandbox', '');
      frame.title = 'HTML part';
      frame.src = base + '/html';
      box.append(frame);
    }
    for (const a of m.attachments) {
      const link = el('a', `${a.filename} (${a.content_type}, ${a.size} bytes)`);
      link.href = `${base}/attachments/${a.index}`;
      link.className = 'attachment';
      box.append(el('p'), link);
    }
    const raw = el('a', 'Download the raw message');
    raw.href = base + '/raw';
    box.append(raw);
  } catch (e) { $('status').textContent = e.message; }
}

document.addEventListener('DOMContentLoaded', async () => {
  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      const login = await api('POST', '/api/v1/session', { username: $('username').value, password: $('password').value });
      csrf = login.csrf;
      $('password').value = '';
      $('login-error').textContent = '';
      route();
    } catch (e) { $('login-error').textContent = e.message; }
  });
  $('logout').addEventListener('click', async () => {
    try { await api('DELETE', '/api/v1/session'); } catch (e) { /* the session is gone either way */ }
    csrf = '';
    show('login');
  });
  $('queue-search').addEventListener('submit', (event) => { event.preventDefault(); queueOffset = 0; loadQueue(); });
  $('queue-prev').addEventListener('click', () => { queueOffset = Math.max(0, queueOffset - PAGE); loadQueue(); });
  $('queue-next').addEventListener('click', () => { queueOffset += PAGE; loadQueue(); });
  $('mail-open').addEventListener('submit', (event) => { event.preventDefault(); loadMailbox(); });
  window.addEventListener('hashchange', route);
  try {
    const me = await api('GET', '/api/v1/session');
    csrf = me.csrf || '';
    route();
  } catch (e) { show('login'); }
});
