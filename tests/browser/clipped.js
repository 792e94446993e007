() => {
  // Visible text that its box cuts off: a cell, button, label, tab or link whose text is
  // wider than the box and does not overflow visibly (hidden, ellipsis, nowrap); a data
  // grid whose columns run off to the right; the top bar folding pages into "N more".
  const out = [];
  const visible = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const sel = 'button, [role=tab], label, td, th, a, p, h1, h2, h3, [data-testid=stMarkdownContainer] span';
  const ellipsis = [...document.querySelectorAll('main *, header *')].filter(e => getComputedStyle(e).textOverflow === 'ellipsis');
  for (const el of new Set([...document.querySelectorAll(sel), ...ellipsis])) {
    if (!visible(el)) continue;
    if (el.clientWidth <= 2 || el.closest('.sr-only, [class*=visually], [data-testid=stSkipLink]')) continue;
    if (getComputedStyle(el).position === 'absolute' && el.clientWidth < 5) continue;
    if (el.closest('[data-testid=stSidebar]') && !el.closest('[data-testid=stSidebarContent]')) continue;
    const txt = (el.innerText || '').trim();
    if (!txt) continue;
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
      const s = getComputedStyle(el);
      if (s.overflowX !== 'visible' || s.textOverflow === 'ellipsis' || s.whiteSpace === 'nowrap')
        out.push({kind: 'clip', tag: el.tagName, text: txt.slice(0, 50), sw: el.scrollWidth, cw: el.clientWidth});
    }
  }
  for (const g of document.querySelectorAll('[data-testid=stDataFrame]')) {
    const sc = g.querySelector('.dvn-scroller');
    if (sc && sc.scrollWidth > sc.clientWidth + 1) out.push({kind: 'grid', sw: sc.scrollWidth, cw: sc.clientWidth});
  }
  const more = [...document.querySelectorAll('header *')].filter(e => /^\d+ (more|til|fleire|flere)/i.test((e.innerText||'').trim()) && e.children.length === 0);
  for (const m of more) out.push({kind: 'nav-more', text: m.innerText});
  return out;
}
