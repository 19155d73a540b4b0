// Runs first on every page (a classic deferred script, added by overrides/main.html; classic so that it also
// runs on a page opened from file://, where browsers refuse module scripts). It does three small jobs:
//
// 1. window.claudeCostAfterPaint(fn) runs fn once the page's first useful frame is on screen. Work that frame
//    does not need (Material's bundle, the calculators' Python worker and widgets) waits for it, so on a small
//    machine it does not compete with layout, raster and display for the CPU.
//    - A page with prerendered figures (hooks/runtime.py marks their first paragraph with `elementtiming`)
//      waits for that paragraph's Element Timing entry, which Chromium reports once the frame showing it is
//      presented. The first paint alone is not enough: it can come while the parser is still above the figures.
//    - Other pages, and browsers without Element Timing, wait for the first contentful paint and the end of
//      parsing, then one more frame.
//    - A tab opened in the background (no frames) goes on after 1 s.
// 2. Material's script bundle is added after that frame. hooks/after_paint.py replaced its parser-blocking
//    <script> with <link rel="preload" data-claude-cost-bundle> (the download still starts at once); Material
//    starts its components from document$, which emits on DOMContentLoaded, so when the bundle arrives after that
//    event this script emits document$ itself, exactly once.
// 3. The runtime status line of a calculator page (hooks/runtime.py) says plainly when live recalculation cannot
//    run at all: opened from a file, or the site's module scripts did not run.
// 4. Accessibility fixes for Material's own markup: the search dialog gets a name, and a table that scrolls
//    sideways in Material's wrapper becomes a focusable, named region (keyboard users can scroll it). When
//    Material has started and the tables are marked, <html> gets data-cc-ready="1" (the tests wait for it).
(function () {
  "use strict";

  // ---- 1. after the first frame ----------------------------------------------------------------------------
  var queue = [];
  var done = false;
  var painted = false;
  var parsed = document.readyState !== "loading";
  var types = (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes) || [];
  var byElement = types.indexOf("element") >= 0;

  function go() {
    if (done) return;
    done = true;
    for (var i = 0; i < queue.length; i++) setTimeout(queue[i], 0);
    queue = null;
  }

  function marked() {
    // Only a marked element in view counts: one above or below it (a link to an anchor) is never painted.
    var el = byElement && document.querySelector("[elementtiming]");
    var box = el && el.getBoundingClientRect();
    return box && box.bottom > 0 && box.top < window.innerHeight ? el : null;
  }

  function check() {
    if (painted && parsed && !marked()) requestAnimationFrame(function () { setTimeout(go, 0); });
  }

  if (types.indexOf("paint") >= 0) {
    new PerformanceObserver(function (list) {
      if (list.getEntriesByName("first-contentful-paint").length) {
        painted = true;
        check();
      }
    }).observe({ type: "paint", buffered: true });
  } else {
    painted = true;
  }
  if (byElement) new PerformanceObserver(go).observe({ type: "element", buffered: true });
  if (parsed) check();
  else document.addEventListener("DOMContentLoaded", function () { parsed = true; check(); });
  setTimeout(go, 1000);

  window.claudeCostAfterPaint = function (fn) {
    if (done) setTimeout(fn, 0);
    else queue.push(fn);
  };

  // ---- 2. Material's bundle --------------------------------------------------------------------------------
  var domReady = document.readyState !== "loading";
  if (!domReady) document.addEventListener("DOMContentLoaded", function () { domReady = true; });
  window.claudeCostAfterPaint(function () {
    var link = document.querySelector("link[data-claude-cost-bundle]");
    if (!link) return;
    var s = document.createElement("script");
    s.src = link.href;
    s.onload = function () {
      if (domReady && window.document$) window.document$.next(document);
      if (window.document$ && typeof window.document$.subscribe === "function") {
        // Material subscribed first, so its table wrappers exist when this runs (also after instant navigation).
        window.document$.subscribe(function () { setTimeout(markScrollRegions, 0); });
      } else {
        markScrollRegions();
      }
    };
    document.body.appendChild(s);
  });

  // ---- 4. Material's markup: names and focusable scroll regions ------------------------------------------
  var search = document.querySelector(".md-search[role='dialog']");
  if (search && !search.getAttribute("aria-label")) search.setAttribute("aria-label", "Search");

  function tableName(table) {
    var caption = table.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var el = table.closest(".md-typeset__scrollwrap") || table;
    for (var prev = el.previousElementSibling; prev; prev = prev.previousElementSibling) {
      if (/^H[1-6]$/.test(prev.tagName)) return "Table: " + prev.textContent.replace(/\u00b6/g, "").trim();
    }
    var head = table.querySelector("th");
    return "Table" + (head ? ": " + head.textContent.trim() : "");
  }

  function markScrollRegions() {
    var wraps = document.querySelectorAll(".md-typeset__scrollwrap");
    for (var i = 0; i < wraps.length; i++) {
      var wrap = wraps[i];
      var table = wrap.querySelector("table");
      if (!table) continue;
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        if (!wrap.getAttribute("aria-label")) wrap.setAttribute("aria-label", tableName(table));
      } else {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    }
    // Code blocks that scroll are keyboard-reachable too (the prerendered tool figures hold long ones).
    var pres = document.querySelectorAll(".md-typeset pre, .md-typeset pre > code");
    for (var j = 0; j < pres.length; j++) {
      var pre = pres[j];
      if (pre.hasAttribute("tabindex")) continue;
      if (pre.scrollWidth > pre.clientWidth + 1 || pre.scrollHeight > pre.clientHeight + 1) {
        pre.setAttribute("tabindex", "0");
      }
    }
    document.documentElement.setAttribute("data-cc-ready", "1");
  }
  var resizeTimer = 0;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(markScrollRegions, 150);
  });

  // ---- 3. the status line when nothing can recalculate -------------------------------------------------------
  var built = " The figures shown were computed when the site was built.";
  function off(text) {
    var el = document.querySelector('[data-testid="runtime-status"]');
    if (!el || window.claudeCostRuntime) return;
    el.setAttribute("data-state", "failed");
    el.textContent = text;
  }
  if (location.protocol === "file:") {
    var offline = document.querySelector('meta[name="claude-cost-runtime"][data-offline-build]');
    off("Live recalculation is off: this page was opened from a file, and browsers run the calculators only " +
        "from a web server. Serve the site (for example `python3 -m http.server` in the site folder, or " +
        "`make serve` in a checkout) and open it at http://localhost." + built +
        (offline ? "" : " To browse the pages from disk, build them with `make docs-offline`."));
    return;
  }
  window.addEventListener("load", function () {
    off("Live recalculation is off: this browser did not run the site's scripts." + built);
  });
})();
