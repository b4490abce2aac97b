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

// XMLHttpRequest rather than fetch: only it reports upload progress in every browser, which a
// large sysfs archive needs. Resolves with the status and the answer's text; rejects on a network
// error.
function post(url, headers, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.addEventListener('progress', (e) => { if (e.lengthComputable) onProgress(e.loaded, e.total); });
    xhr.addEventListener('load', () => resolve({ status: xhr.status, text: xhr.responseText }));
    xhr.addEventListener('error', () => reject(new Error('the upload failed (network error)')));
    xhr.addEventListener('abort', () => reject(new Error('the upload was aborted')));
    xhr.send(file);
  });
}

// The import's diagnostics as an expandable list: what the importer could not read or assumed,
// each with the place it concerns (a sysfs path, or "upload" for the file as a whole).
function diagnosticList(items) {
  const details = el('details', { id: 'import-diagnostics-list' },
    el('summary', {}, items.length ? 'What the import could not read or had to assume (' + items.length + ')' : 'No diagnostics'));
  const ul = el('ul', { class: 'diagnostics' });
  for (const d of items) {
    ul.append(el('li', {}, el('span', { class: 'mono' }, d.path), ': ', d.reason));
  }
  details.append(ul);
  return details;
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
  const progress = document.getElementById('import-progress');
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
    status.textContent = 'Uploading ' + f.name + '…';
    progress.hidden = false;
    progress.removeAttribute('value');
    result.hidden = true;
    try {
      const r = await post(url, headers, f, (sent, total) => {
        progress.max = total;
        progress.value = sent;
        status.textContent = sent < total
          ? 'Uploading ' + f.name + ': ' + Math.floor((100 * sent) / total) + ' %'
          : 'Uploaded; the server is importing ' + f.name + '…';
      });
      let body = null;
      try { body = JSON.parse(r.text); } catch (err) { /* not JSON */ }
      if (r.status >= 200 && r.status < 300 && body) {
        status.textContent = '';
        show(true, [
          el('h2', {}, 'Imported ', el('a', { id: 'import-host-link', href: hostHref(body.host), class: 'mono' }, body.host)),
          el('dl', {},
            el('dt', {}, 'Source'), el('dd', { id: 'import-source' }, String(body.source || '')),
            el('dt', {}, 'PCI functions'), el('dd', { id: 'import-pci' }, String(body.pciFunctions)),
            el('dt', {}, 'Diagnostics'), el('dd', { id: 'import-diagnostics' }, String(body.diagnostics)),
            el('dt', {}, 'Outcome'), el('dd', { id: 'import-outcome' }, String(body.outcome || '')),
            el('dt', {}, 'Snapshot'), el('dd', { id: 'import-snapshot' }, String(body.snapshotId))),
          diagnosticList(body.diagnosticItems || []),
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
      progress.hidden = true;
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
