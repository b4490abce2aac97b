// The fabric graph's view controls (host and plan pages): fit, zoom in and out, reset (the layout
// as opened), collapse and expand of switch boxes (buttons, or a double click on a box), and the
// overview (minimap): the whole drawing in small with the visible part framed; a click or drag
// there moves the view.

const STEP = 1.4;

/**
 * Wires the toolbar and the minimap. {@code relayout(fit)} re-runs the layout after the drawing
 * changed (collapse, expand) and {@code reset()} restores the opening state.
 */
export function setupView(cy, collapser, { relayout, reset }) {
  const zoomBy = (f) => {
    const z = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), cy.zoom() * f));
    cy.zoom({ level: z, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  };
  const on = (id, f) => document.getElementById(id).addEventListener('click', f);
  on('zoom-fit', () => cy.fit(undefined, 16));
  on('zoom-in', () => zoomBy(STEP));
  on('zoom-out', () => zoomBy(1 / STEP));
  on('zoom-reset', reset);
  on('collapse-all', () => { if (collapser.collapseAll()) relayout(true); });
  on('expand-all', () => { if (collapser.expandAll()) relayout(true); });
  cy.on('dbltap', 'node[type = "switch"], node[type = "platform"]', (evt) => toggle(evt.target));
  function toggle(sw) {
    const changed = collapser.isCollapsed(sw.id()) ? collapser.expand(sw) : collapser.collapse(sw);
    if (changed) relayout(false, sw.id());
  }
  return { toggle, zoomBy };
}

/** The overview in the corner: redrawn after each layout, its frame on every pan and zoom. */
export function setupMinimap(cy, canvas) {
  const ctx = canvas.getContext('2d');
  let scene = null; // the drawing's box and the scale into the canvas
  const draw = () => {
    const bb = cy.elements().boundingBox();
    if (!isFinite(bb.w) || bb.w <= 0) return;
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth;
    const h = canvas.clientHeight;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    const s = Math.min(w / bb.w, h / bb.h);
    scene = { bb, s, ox: (w - bb.w * s) / 2, oy: (h - bb.h * s) / 2 };
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const toX = (x) => scene.ox + (x - bb.x1) * s;
    const toY = (y) => scene.oy + (y - bb.y1) * s;
    cy.nodes().forEach((n) => {
      const b = n.boundingBox({ includeLabels: false, includeOverlays: false });
      ctx.fillStyle = n.isParent() ? 'rgba(154,165,177,0.15)' : n.style('background-color');
      ctx.strokeStyle = n.isParent() ? '#9aa5b1' : 'transparent';
      ctx.fillRect(toX(b.x1), toY(b.y1), Math.max(1, b.w * s), Math.max(1, b.h * s));
      if (n.isParent()) ctx.strokeRect(toX(b.x1), toY(b.y1), b.w * s, b.h * s);
    });
    ctx.strokeStyle = '#d6336c';
    ctx.lineWidth = 1.5;
    const ext = cy.extent();
    ctx.strokeRect(toX(ext.x1), toY(ext.y1), ext.w * s, ext.h * s);
  };
  let queued = false;
  const later = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; draw(); });
  };
  cy.on('viewport resize', later);
  const moveTo = (ev) => {
    if (!scene) return;
    const r = canvas.getBoundingClientRect();
    const x = scene.bb.x1 + (ev.clientX - r.left - scene.ox) / scene.s;
    const y = scene.bb.y1 + (ev.clientY - r.top - scene.oy) / scene.s;
    cy.pan({ x: cy.width() / 2 - x * cy.zoom(), y: cy.height() / 2 - y * cy.zoom() });
  };
  let dragging = false;
  canvas.addEventListener('pointerdown', (ev) => { dragging = true; canvas.setPointerCapture(ev.pointerId); moveTo(ev); });
  canvas.addEventListener('pointermove', (ev) => { if (dragging) moveTo(ev); });
  canvas.addEventListener('pointerup', () => { dragging = false; });
  return draw;
}
