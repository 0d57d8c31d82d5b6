// The Tern console: plain DOM calls over the admin REST API. Every value from the server is put in the page
// with textContent, never as HTML; a message's HTML part is shown only in a sandboxed iframe.
'use strict';
let csrf = '';
let queueOffset = 0;
let mailFolder = 'INBOX';
let mailOffset = 0;
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
  for (const v of ['login', 'queue', 'mail', 'server', 'log']) $(v + '-view').hidden = v !== view;
  $('nav').hidden = view === 'login';
  $('status').textContent = '';
  if (view === 'queue') loadQueue();
  if (view === 'server') loadServer();
  if (view === 'log') loadLog();
}

function route() {
  if (!csrf) return;
  const views = { '#mail': 'mail', '#server': 'server', '#log': 'log' };
  show(views[location.hash] || 'queue');
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

function mailUser() {
  return encodeURIComponent($('mail-user').value.trim());
}

function mailboxBase() {
  return `/api/v1/mailboxes/${mailUser()}/${encodeURIComponent(mailFolder)}/messages`;
}

async function loadFolders() {
  try {
    const tree = await api('GET', `/api/v1/mailboxes/${mailUser()}`);
    const list = $('mail-folders');
    list.replaceChildren();
    for (const f of tree.folders) {
      const b = el('button', f.special_use ? `${f.name} (${f.special_use})` : f.name);
      b.type = 'button';
      b.dataset.folder = f.name;
      b.addEventListener('click', () => { mailFolder = f.name; mailOffset = 0; loadMailbox(); });
      const li = el('li');
      li.append(b);
      list.append(li);
    }
    mailFolder = 'INBOX';
    mailOffset = 0;
    await loadMailbox();
  } catch (e) { $('status').textContent = e.message; }
}

async function loadMailbox() {
  try {
    const page = await api('GET', `${mailboxBase()}?offset=${mailOffset}&limit=${PAGE}`);
    for (const b of $('mail-folders').querySelectorAll('button')) b.setAttribute('aria-current', String(b.dataset.folder === mailFolder));
    $('mail-folder').textContent = `${page.folder} (${page.total})`;
    const rows = $('mail-rows');
    rows.replaceChildren();
    $('mail-message').replaceChildren();
    for (const m of page.messages) {
      const tr = el('tr');
      tr.dataset.uid = m.uid;
      for (const v of [m.from, m.subject, m.date, m.size]) tr.append(el('td', v));
      if (!m.seen) tr.className = 'unseen';
      tr.addEventListener('click', () => openMessage(m.uid));
      rows.append(tr);
    }
    $('mail-prev').disabled = mailOffset === 0;
    $('mail-next').disabled = mailOffset + PAGE >= page.total;
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
      if (m.remote_images_blocked > 0) box.append(el('p', `${m.remote_images_blocked} remote image(s) blocked`));
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
    const remove = el('button', 'Delete');
    remove.type = 'button';
    remove.id = 'mail-delete';
    remove.addEventListener('click', async () => {
      if (remove.dataset.armed !== 'yes') { // a second click confirms: no modal dialog
        remove.dataset.armed = 'yes';
        remove.textContent = 'Delete for good';
        return;
      }
      try {
        await api('DELETE', base);
        $('status').textContent = `deleted message ${uid} from ${mailFolder}`;
        await loadMailbox();
      } catch (e) { $('status').textContent = e.message; }
    });
    box.append(el('p'), raw, ' ', remove);
  } catch (e) { $('status').textContent = e.message; }
}

async function loadLog() {
  try {
    const log = await api('GET', `/api/v1/log?level=${encodeURIComponent($('log-level').value)}&limit=500`);
    $('log-note').textContent = log.recording
      ? `the newest ${log.records.length} of the last ${log.capacity} records, newest first`
      : 'this server keeps no recent log (another SLF4J provider is in use)';
    const rows = $('log-rows');
    rows.replaceChildren();
    for (const r of log.records.slice().reverse()) {
      const tr = el('tr');
      tr.className = r.level;
      for (const v of [r.at, r.level, r.logger, r.thread, r.throwable ? `${r.message} (${r.throwable})` : r.message]) tr.append(el('td', v));
      rows.append(tr);
    }
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
  $('mail-open').addEventListener('submit', (event) => { event.preventDefault(); loadFolders(); });
  $('mail-prev').addEventListener('click', () => { mailOffset = Math.max(0, mailOffset - PAGE); loadMailbox(); });
  $('mail-next').addEventListener('click', () => { mailOffset += PAGE; loadMailbox(); });
  $('log-filter').addEventListener('submit', (event) => { event.preventDefault(); loadLog(); });
  window.addEventListener('hashchange', route);
  try {
    const me = await api('GET', '/api/v1/session');
    csrf = me.csrf || '';
    route();
  } catch (e) { show('login'); }
});
