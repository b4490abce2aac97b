// The fabric graph (host and plan pages) as a file: an SVG written from the laid-out drawing
// (boxes, devices, links and every label in full, whatever the zoom), and a PNG rendered from that
// SVG through a canvas.

// Characters XML 1.0 does not allow (C0 controls but tab, line feed and carriage return; U+FFFE,
// U+FFFF; lone surrogates) become U+FFFD, as the server's XmlWriter.escape does for its exports:
// a name an agent sent cannot make the SVG a file no reader opens (eleventh security review).
const NOT_XML = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const esc = (s) => String(s).replace(NOT_XML, '\uFFFD')
  .replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
const DASH = { dashed: '6 4', dotted: '2 3', solid: '' };
const PAD = 20;

function depth(n) {
  let d = 0;
  for (let p = n.parent(); p.nonempty(); p = p.parent()) d++;
  return d;
}

function text(x, y, lines, size, color, anchorTop) {
  const lh = size * 1.2;
  const y0 = anchorTop ? y + size : y - ((lines.length - 1) * lh) / 2 + size * 0.35;
  return '<text x="' + x.toFixed(1) + '" y="' + y0.toFixed(1) + '" font-size="' + size + '" fill="' + color
    + '" text-anchor="middle" font-family="sans-serif">'
    + lines.map((l, i) => '<tspan x="' + x.toFixed(1) + '" dy="' + (i ? lh.toFixed(1) : 0) + '">' + esc(l) + '</tspan>').join('')
    + '</text>';
}

/** The drawing as an SVG document (a string), in graph units, labels in full. */
export function toSvg(cy, title) {
  const bb = cy.elements().boundingBox();
  const out = ['<?xml version="1.0" encoding="UTF-8"?>',
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="' + [bb.x1 - PAD, bb.y1 - PAD, bb.w + 2 * PAD, bb.h + 2 * PAD].map((v) => v.toFixed(1)).join(' ')
      + '" width="' + Math.ceil(bb.w + 2 * PAD) + '" height="' + Math.ceil(bb.h + 2 * PAD) + '">',
    '<title>' + esc(title) + '</title>',
    '<rect x="' + (bb.x1 - PAD) + '" y="' + (bb.y1 - PAD) + '" width="' + (bb.w + 2 * PAD) + '" height="' + (bb.h + 2 * PAD) + '" fill="#fff"/>'];
  const node = (n) => {
    const b = n.boundingBox({ includeLabels: false, includeOverlays: false });
    const bw = parseFloat(n.style('border-width')) || 0;
    const fill = n.style('background-color');
    const op = n.isParent() ? n.style('background-opacity') : 1;
    out.push('<g class="node" data-id="' + esc(n.id()) + '"><rect x="' + (b.x1 + bw / 2).toFixed(1) + '" y="' + (b.y1 + bw / 2).toFixed(1)
      + '" width="' + Math.max(0, b.w - bw).toFixed(1) + '" height="' + Math.max(0, b.h - bw).toFixed(1) + '" rx="4" fill="' + fill
      + '" fill-opacity="' + op + '" stroke="' + n.style('border-color') + '" stroke-width="' + bw
      + '" stroke-dasharray="' + (DASH[n.style('border-style')] || '') + '"/>');
    const lines = String(n.data('label') || '').split('\n').filter(Boolean);
    const color = n.style('color');
    if (lines.length) {
      out.push(n.isParent() ? text(b.x1 + b.w / 2, b.y1 + 2, lines, 11, color, true)
        : text(b.x1 + b.w / 2, b.y1 + b.h / 2, lines, 9, color, false));
    }
    out.push('</g>');
  };
  cy.nodes(':parent').sort((a, b) => depth(a) - depth(b)).forEach(node);
  cy.edges().forEach((e) => {
    const s = e.sourceEndpoint();
    const t = e.targetEndpoint();
    out.push('<g class="edge" data-id="' + esc(e.id()) + '"><line x1="' + s.x.toFixed(1) + '" y1="' + s.y.toFixed(1) + '" x2="' + t.x.toFixed(1)
      + '" y2="' + t.y.toFixed(1) + '" stroke="' + e.style('line-color') + '" stroke-width="' + parseFloat(e.style('width'))
      + '" stroke-opacity="' + e.style('opacity') + '" stroke-dasharray="' + (DASH[e.style('line-style')] || '') + '"/>');
    if (e.data('label')) out.push(text((s.x + t.x) / 2, (s.y + t.y) / 2, [e.data('label')], 8, '#3d4752', false));
    out.push('</g>');
  });
  cy.nodes(':childless').forEach(node);
  out.push('</svg>');
  return out.join('\n');
}

/** A PNG (a Blob) of an SVG string, drawn at {@code scale} through a canvas. */
export function toPng(svg, scale = 2) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    img.onload = () => {
      // canvases above ~16k pixels a side fail in browsers: scale down for huge drawings
      const s = Math.min(scale, 16000 / img.width, 16000 / img.height);
      const c = document.createElement('canvas');
      c.width = Math.max(1, Math.round(img.width * s));
      c.height = Math.max(1, Math.round(img.height * s));
      const ctx = c.getContext('2d');
      ctx.scale(s, s);
      ctx.drawImage(img, 0, 0);
      URL.revokeObjectURL(url);
      c.toBlob((b) => (b ? resolve(b) : reject(new Error('the PNG could not be encoded'))), 'image/png');
    };
    img.onerror = () => { URL.revokeObjectURL(url); reject(new Error('the SVG could not be drawn')); };
    img.src = url;
  });
}

/** Saves a Blob under a file name (a link with download, clicked). */
export function save(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

/** The SVG and PNG buttons of the graph toolbar; files are named after {@code host} (a host or a plan). */
export function setupDownloads(cy, host, container) {
  const name = host.replace(/[^A-Za-z0-9._-]/g, '_') + '-fabric';
  document.getElementById('download-svg').addEventListener('click', () => {
    save(new Blob([toSvg(cy, host)], { type: 'image/svg+xml' }), name + '.svg');
    container.dataset.downloaded = name + '.svg';
  });
  document.getElementById('download-png').addEventListener('click', () => {
    toPng(toSvg(cy, host)).then((b) => { save(b, name + '.png'); container.dataset.downloaded = name + '.png'; })
      .catch((e) => { container.dataset.downloaded = 'error: ' + e.message; });
  });
}
