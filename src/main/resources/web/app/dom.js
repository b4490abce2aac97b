// DOM and fetch helpers every page script shares (one copy each).

export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export async function getJson(url) {
  const r = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!r.ok) {
    let detail = '';
    try { detail = (await r.json()).detail || ''; } catch (e) { /* not JSON */ }
    throw new Error(url + ': HTTP ' + r.status + (detail ? ' — ' + detail : ''));
  }
  return r.json();
}

export function showError(err) {
  const p = document.getElementById('load-error');
  p.textContent = String(err.message || err);
  p.hidden = false;
}

/**
 * Sends a JSON body (or none) with the operator token when one is given; resolves to {status, ok,
 * body} where body is the parsed JSON or problem+json answer (null when there is none).
 */
export async function sendJson(method, url, body, token) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = 'Bearer ' + token;
  const r = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let parsed = null;
  try { parsed = await r.json(); } catch (e) { /* no body or not JSON */ }
  return { status: r.status, ok: r.ok, body: parsed };
}

/** The message of a failed {@link sendJson}: the problem's title and detail, or the status. */
export function problemText(res) {
  const b = res.body || {};
  return (b.title || 'HTTP ' + res.status) + (b.detail ? ': ' + b.detail : '') + ' (HTTP ' + res.status + ')';
}

/** Replaces a select's options ([value, label] pairs), keeping the chosen value when it is still there. */
export function fillSelect(select, options, placeholder) {
  const keep = select.value;
  const opts = placeholder ? [el('option', { value: '' }, placeholder)] : [];
  for (const [value, label] of options) opts.push(el('option', { value }, label));
  select.replaceChildren(...opts);
  if ([...select.options].some((o) => o.value === keep)) select.value = keep;
}
