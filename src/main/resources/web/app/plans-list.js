// The plans list (/plans): a Delete button per plan (operator; DELETE /api/v1/plans/{id} after a
// confirmation beside it, plan-delete.js); a deleted plan's row leaves the table.
// Runs only on pages that have #plans-page.
import { readToken } from './token.js';
import { setupPlanDelete } from './plan-delete.js';

function main() {
  const page = document.getElementById('plans-page');
  if (!page) return;
  const tokenField = document.getElementById('plans-token');
  const status = document.getElementById('plans-status');
  if (!tokenField) return; // no plans: nothing to delete
  tokenField.value = readToken();
  for (const button of document.querySelectorAll('#plans button.plan-delete')) {
    const name = button.dataset.name;
    setupPlanDelete(button, { id: button.dataset.plan, name, tokenField, status,
      deleted: (alreadyGone) => {
        button.closest('tr').remove();
        status.className = 'ok';
        status.textContent = alreadyGone ? 'Plan ' + name + ' was already deleted.' : 'Deleted plan ' + name + '.';
        status.hidden = false;
        if (!document.querySelector('#plans tbody tr')) {
          document.getElementById('plans').closest('.table-scroll').hidden = true;
          document.getElementById('plans-empty').hidden = false;
        }
      } });
  }
  page.dataset.ready = 'true';
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', main);
} else {
  main();
}
