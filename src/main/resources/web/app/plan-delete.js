// Deleting a plan (plans list and plan page): DELETE /api/v1/plans/{id} with the operator token,
// after a confirmation beside the button (no modal dialog: keyboard and screen readers stay on it).
import { el, sendJson, problemText } from './dom.js';
import { storeToken } from './token.js';

/**
 * Wires a Delete button of plan {@code id}: a click asks beside it (Delete / Cancel); confirming
 * sends the DELETE with the token in {@code tokenField} and calls {@code deleted(alreadyGone)} on
 * 204 (or 404: someone deleted it first); any other answer is shown in {@code status}.
 */
export function setupPlanDelete(button, { id, name, tokenField, status, deleted }) {
  button.addEventListener('click', () => {
    const yes = el('button', { type: 'button', class: 'danger', 'data-confirm': 'delete' }, 'Delete');
    const no = el('button', { type: 'button', class: 'secondary', 'data-confirm': 'cancel' }, 'Cancel');
    const box = el('span', { class: 'confirm', role: 'group', 'aria-label': 'Confirm deleting ' + name },
      'Delete ' + name + ' and all its versions? ', yes, ' ', no);
    button.after(box);
    button.hidden = true;
    yes.focus();
    const close = () => {
      box.remove();
      button.hidden = false;
      button.focus();
    };
    no.addEventListener('click', close);
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      const token = tokenField.value.trim();
      storeToken(token);
      let res;
      try {
        res = await sendJson('DELETE', '/api/v1/plans/' + encodeURIComponent(id), undefined, token);
      } catch (err) {
        res = { status: 0, ok: false, body: { title: String(err.message || err) } };
      }
      if (res.status === 204 || res.status === 404) {
        deleted(res.status === 404);
        return;
      }
      close();
      status.className = 'error';
      status.textContent = 'Not deleted: ' + problemText(res)
        + (res.status === 401 || res.status === 403 ? ' Deleting needs an operator token.' : '');
      status.hidden = false;
      if (res.status === 401 || res.status === 403) tokenField.focus();
    });
  });
}
