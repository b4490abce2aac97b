// Forms whose fields the page's own scripts read (filters, pickers): Enter must not send them,
// which inline onsubmit handlers had prevented; the Content-Security-Policy runs no inline script
// (fourteenth security review), so the pages' bundle does it for every such form.
for (const form of document.querySelectorAll('form[data-page-only]')) {
  form.addEventListener('submit', (e) => e.preventDefault());
}
