// WCAG 2.x contrast of every visible text run against the background it is painted on (the
// nearest ancestor with an opaque background colour). Returns the runs below AA: 4.5:1 for normal
// text, 3:1 for large text (>= 24px, or >= 18.66px bold). Canvas-drawn text (the graph) is not in
// the DOM and not checked here.
function lum(c) {
  const m = c.match(/rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/);
  if (!m) return null;
  const ch = [m[1], m[2], m[3]].map(v => {
    v = v / 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  });
  return { l: 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2], a: m[4] === undefined ? 1 : +m[4] };
}
function background(el) {
  for (let e = el; e; e = e.parentElement) {
    const b = lum(getComputedStyle(e).backgroundColor);
    if (b && b.a >= 0.99) return b.l;
  }
  return 1; // the canvas default: white
}
const bad = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const text = n.textContent.trim();
  const el = n.parentElement;
  if (!text || !el || el.closest('script,style,noscript,option')) continue;
  const r = el.getBoundingClientRect();
  const st = getComputedStyle(el);
  if (r.width === 0 || r.height === 0 || st.visibility === 'hidden' || st.display === 'none') continue;
  const fg = lum(st.color);
  if (!fg) continue;
  const bg = background(el);
  const ratio = (Math.max(fg.l, bg) + 0.05) / (Math.min(fg.l, bg) + 0.05);
  const size = parseFloat(st.fontSize);
  const large = size >= 24 || (size >= 18.66 && parseInt(st.fontWeight, 10) >= 700);
  if (ratio < (large ? 3 : 4.5)) {
    bad.push(text.slice(0, 40) + ' (' + st.color + ', ratio ' + ratio.toFixed(2) + ')');
  }
}
return bad;
