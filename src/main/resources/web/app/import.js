// The import page: a file from the picker or dropped on the drop zone, posted as raw bytes to
// POST /api/v1/imports with the operator token (kept in sessionStorage only).

import { readToken, storeToken } from './token.js';

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function hostHref(name) {
  return '/hosts/' + encodeURIComponent(name);
}

function setupImport() {
  const form = document.getElementById('import-form');
  const input = document.getElementById('import-file');
  const zone = document.getElementById('dropzone');
  const chosen = document.getElementById('import-chosen');
  const hostField = document.getElementById('import-host');
  const tokenField = document.getElementById('import-token');
  const status = document.getElementById('import-status');
  const result = document.getElementById('import-result');
  const submit = document.getElementById('import-submit');
  let dropped = null;

  tokenField.value = readToken();

  const file = () => dropped || (input.files && input.files[0]) || null;
  const showChosen = () => {
    const f = file();
    chosen.textContent = f ? f.name + ' (' + f.size.toLocaleString('en') + ' bytes)' : '';
  };
  input.addEventListener('change', () => { dropped = null; showChosen(); });
  for (const ev of ['dragenter', 'dragover']) {
    zone.addEventListener(ev, (e) => { e.preventDefault(); zone.classList.add('over'); });
  }
  for (const ev of ['dragleave', 'dragend']) {
    zone.addEventListener(ev, () => zone.classList.remove('over'));
  }
  // A click anywhere on the drop zone opens the picker (the input itself stays keyboard operable).
  zone.addEventListener('click', (e) => {
    if (e.target === zone || e.target.classList.contains('hint') || e.target.classList.contains('chosen')) input.click();
  });
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
    if (f) { dropped = f; showChosen(); }
  });

  const show = (ok, children) => {
    result.className = 'card ' + (ok ? 'ok' : 'failed');
    result.dataset.state = ok ? 'ok' : 'failed';
    result.replaceChildren(...children);
    result.hidden = false;
    result.focus();
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = file();
    if (!f) {
      show(false, [el('h2', {}, 'Nothing to import'), el('p', { id: 'import-detail', class: 'error' }, 'Choose a file or drop one on the drop zone.')]);
      return;
    }
    const token = tokenField.value.trim();
    storeToken(token);
    const host = hostField.value.trim();
    const url = '/api/v1/imports' + (host ? '?host=' + encodeURIComponent(host) : '');
    const headers = { 'Content-Type': 'application/octet-stream', Accept: 'application/json, application/problem+json' };
    if (token) headers.Authorization = 'Bearer ' + token;
    submit.disabled = true;
    status.textContent = 'Importing ' + f.name + '…';
    result.hidden = true;
    try {
      const r = await fetch(url, { method: 'POST', headers, body: await f.arrayBuffer() });
      let body = null;
      try { body = await r.json(); } catch (err) { /* not JSON */ }
      if (r.ok && body) {
        status.textContent = '';
        show(true, [
          el('h2', {}, 'Imported ', el('a', { id: 'import-host-link', href: hostHref(body.host), class: 'mono' }, body.host)),
          el('dl', {},
            el('dt', {}, 'Source'), el('dd', { id: 'import-source' }, String(body.source || '')),
            el('dt', {}, 'PCI functions'), el('dd', { id: 'import-pci' }, String(body.pciFunctions)),
            el('dt', {}, 'Diagnostics'), el('dd', { id: 'import-diagnostics' }, String(body.diagnostics)),
            el('dt', {}, 'Outcome'), el('dd', { id: 'import-outcome' }, String(body.outcome || '')),
            el('dt', {}, 'Snapshot'), el('dd', { id: 'import-snapshot' }, String(body.snapshotId))),
        ]);
      } else {
        status.textContent = '';
        const title = (body && body.title) || 'Import failed';
        const detail = (body && body.detail) || 'HTTP ' + r.status;
        const hint = r.status === 401 || r.status === 403 ? ' Enter an operator token above.' : '';
        show(false, [el('h2', {}, title + ' (HTTP ' + r.status + ')'), el('p', { id: 'import-detail', class: 'error' }, detail + hint)]);
      }
    } catch (err) {
      status.textContent = '';
      show(false, [el('h2', {}, 'Import failed'), el('p', { id: 'import-detail', class: 'error' }, String(err.message || err))]);
    } finally {
      submit.disabled = false;
    }
  });
  form.dataset.ready = 'true';
}

function startImport() {
  if (document.getElementById('import-page')) setupImport();
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', startImport);
} else {
  startImport();
}
