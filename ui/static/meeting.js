/* Møtemodus keyboard: one keydown listener on Streamlit's own document, added once per
   browser tab: reruns draw the element again, the flag on the window keeps a second one out.
   The listener acts only while a meeting page is shown (its buttons exist) and never while
   the user types in a field. Buttons are found by their widget key's class, `st-key-` + key.
   No angle brackets here, not even in comments: see ui/assets.script. */
(function () {
  const w = window;
  const doc = w.document;
  if (w.__ubMeetingKeys) { return; }
  w.__ubMeetingKeys = true;
  const click = (key) => {
    const b = doc.querySelector('.st-key-' + key + ' button');
    if (b && !b.disabled) { b.click(); return true; }
    return false;
  };
  const toggleFullscreen = () => {
    if (doc.fullscreenElement) { doc.exitFullscreen(); }
    else if (doc.documentElement.requestFullscreen) { doc.documentElement.requestFullscreen(); }
  };
  doc.addEventListener('click', (e) => {
    const b = e.target && e.target.closest && e.target.closest('#ub-fullscreen');
    if (b) { e.preventDefault(); toggleFullscreen(); }
  });
  doc.addEventListener('keydown', (e) => {
    if (!doc.querySelector('.st-key-mote_next')) { return; }
    if (e.altKey || e.ctrlKey || e.metaKey) { return; }
    const t = e.target;
    const tag = (t && t.tagName) || '';
    if (['INPUT', 'TEXTAREA', 'SELECT'].includes(tag) || (t && t.isContentEditable)) { return; }
    if ((e.key === ' ' || e.key === 'Enter') && ['BUTTON', 'A', 'SUMMARY'].includes(tag)) {
      return;  // the focused control acts on its own
    }
    let done = false;
    switch (e.key) {
      case 'ArrowRight': case 'PageDown': case ' ': case 'Spacebar':
        done = click('mote_next'); break;
      case 'ArrowLeft': case 'PageUp':
        done = click('mote_prev'); break;
      case 'Home': done = click('mote_first'); break;
      case 'End': done = click('mote_last'); break;
      case 'f': case 'F': toggleFullscreen(); done = true; break;
      case 'Escape':
        if (!doc.fullscreenElement) {
          const a = doc.getElementById('ub-exit');
          if (a) { a.click(); done = true; }
        }
        break;
      default: break;
    }
    if (done) { e.preventDefault(); }
  });
})();
