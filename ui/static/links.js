/* In-app links: a click on a link marked data-ub-nav (the heat map's indicator names) moves
   to its page inside the running app instead of loading the whole app again. The address is
   pushed into the history and Streamlit is told through the popstate event it already handles
   for Back and Forward: it runs the page the path names with the link's query parameters, in
   the same session, so the sidebar's choices stay. A click with a modifier key (new tab or
   window) or another button is left to the browser, and the link's own address still carries
   the view for that. Added once per browser tab: the flag on the window keeps a second one out.
   No angle brackets here, not even in comments: see ui/assets.script. */
(function () {
  const w = window;
  if (w.__ubInAppLinks) { return; }
  w.__ubInAppLinks = true;
  w.document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0) { return; }
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) { return; }
    const a = e.target && e.target.closest && e.target.closest('a[data-ub-nav]');
    if (!a) { return; }
    const url = new URL(a.getAttribute('href'), w.location.href);
    if (url.origin !== w.location.origin) { return; }
    e.preventDefault();
    w.history.pushState(null, '', url.pathname + url.search);
    w.dispatchEvent(new PopStateEvent('popstate', { state: null }));
  });
})();
