// "Plan from this host" (host page): copies the host into a new what-if plan (POST /api/v1/plans,
// operator) and opens the plan page. Without a token in this tab's session storage it first asks
// for one, as the import page does.
import { sendJson, problemText } from './dom.js';
import { readToken, storeToken } from './token.js';

export function setupPlanFromHost(host) {
  const button = document.getElementById('plan-from-host');
  if (!button) return;
  const form = document.getElementById('plan-create');
  const tokenField = document.getElementById('plan-token');
  const status = document.getElementById('plan-create-status');

  async function create(token) {
    button.disabled = true;
    status.className = 'muted';
    status.textContent = 'Copying ' + host + ' into a plan…';
    try {
      const res = await sendJson('POST', '/api/v1/plans', { host }, token);
      if (res.ok && res.body && res.body.id != null) {
        window.location.assign('/plans/' + encodeURIComponent(res.body.id));
        return;
      }
      status.className = 'error';
      status.textContent = problemText(res) + (res.status === 401 || res.status === 403 ? ' Enter an operator token.' : '');
      if (res.status === 401 || res.status === 403) {
        storeToken('');
        form.hidden = false;
        tokenField.focus();
      }
    } catch (err) {
      status.className = 'error';
      status.textContent = String(err.message || err);
    } finally {
      button.disabled = false;
    }
  }

  button.addEventListener('click', () => {
    const token = readToken();
    if (token) {
      create(token);
    } else {
      form.hidden = false;
      tokenField.focus();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const token = tokenField.value.trim();
    storeToken(token);
    form.hidden = true;
    create(token);
  });
  document.getElementById('plan-create-cancel').addEventListener('click', () => { form.hidden = true; });
  button.dataset.ready = 'true';
}
