// Starts Timonel: loads the wasm-bindgen glue and the wasm module that Trunk built, named in
// this script's data attributes, and shows a visible message if anything fails before (or
// after) the Rust code can report it itself. Plain JavaScript on purpose: it must work when the
// wasm module cannot.
const boot = document.querySelector('script[data-wasm]');

const MESSAGES = {
  en: {
    title: 'Timonel could not start',
    body: 'Your browser could not load Timonel. Reload to try again; Timonel needs a current browser with WebAssembly.',
    reload: 'Reload Timonel',
    details: 'Technical details',
  },
  es: {
    title: 'Timonel no pudo arrancar',
    body: 'Tu navegador no pudo cargar Timonel. Recarga para intentarlo de nuevo; Timonel necesita un navegador actual con WebAssembly.',
    reload: 'Recargar Timonel',
    details: 'Detalles técnicos',
  },
};

function language() {
  try {
    const saved = JSON.parse(localStorage.getItem('timonel.lang'));
    if (saved in MESSAGES) return saved;
  } catch (_) { /* no storage: use the browser's language */ }
  const tags = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en'];
  for (const tag of tags) {
    const primary = String(tag).split(/[-_]/)[0].toLowerCase();
    if (primary in MESSAGES) return primary;
  }
  return 'en';
}

// Shows the failure unless the Rust side already did (its report is more precise).
function showFailure(error) {
  const panel = document.getElementById('crash');
  if (!panel || !panel.hidden) return;
  const m = MESSAGES[language()];
  panel.replaceChildren();
  const add = (parent, tag, text) => {
    const el = document.createElement(tag);
    el.textContent = text;
    parent.append(el);
    return el;
  };
  add(panel, 'h2', m.title);
  add(panel, 'p', m.body);
  const button = add(panel, 'button', m.reload);
  button.type = 'button';
  button.dataset.action = 'reload';
  const more = add(panel, 'details', '');
  add(more, 'summary', m.details);
  add(more, 'pre', String(error && (error.stack || error.message) || error));
  panel.hidden = false;
}

// The Reload button of either report. Handled here, in JavaScript, because after a Rust panic
// the wasm instance can no longer run code.
document.addEventListener('click', (event) => {
  if (event.target instanceof Element && event.target.closest('[data-action="reload"]')) {
    location.reload();
  }
});

// A trap in the wasm module (a Rust panic ends in one) surfaces as an uncaught error.
window.addEventListener('error', (event) => showFailure(event.error || event.message));
window.addEventListener('unhandledrejection', (event) => showFailure(event.reason));

try {
  const glue = await import(new URL(boot.dataset.js, document.baseURI));
  await glue.default({ module_or_path: new URL(boot.dataset.wasm, document.baseURI) });
} catch (error) {
  showFailure(error);
}
