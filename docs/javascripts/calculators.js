// Site-wide loader for the calculators (loaded as a module on every page, does nothing without a mount
// point). For each [data-calc] element it imports widgets/<name>.js and calls mount(element, api); all
// widgets of a page share ONE module Web Worker that runs Python (worker.mjs). The contract is on the
// architecture page (docs/contributing/architecture.md). boot() runs on every emission of Material's document$
// (see the end).

const HERE = new URL(".", import.meta.url); // <site>/javascripts/
const ROOT = new URL("..", HERE); // the site root, whatever base path the site is served under

const TEXT = {
  loading: "Loading live recalculation…",
  live: "Live: figures recalculate as you type.",
};
const BUILT = "The figures shown were computed when the site was built; they are not recalculated for your changes.";

// A runtime that is not live this long after its worker started counts as failed (a download that never
// finishes, a WebAssembly instance that never comes up). It may still come up later: the page then goes live.
// Tests may shorten it with window.claudeCostStartTimeoutMs (set before the page's scripts run).
const START_TIMEOUT_MS = 15000;

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function runtimeConfig() {
  const meta = document.querySelector('meta[name="claude-cost-runtime"]');
  if (!meta) return null;
  try {
    return JSON.parse(meta.content);
  } catch {
    return null;
  }
}

function unsupportedReason() {
  if (location.protocol === "file:") {
    return `Live recalculation is off: this page was opened from a file. Serve the site (for example \`make serve\`) to recalculate. ${BUILT}`;
  }
  if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
    return `Live recalculation is off: this browser lacks WebAssembly or Web Workers. ${BUILT}`;
  }
  return "";
}

function statusElement(firstMount) {
  let el = document.querySelector('[data-testid="runtime-status"]');
  if (!el) {
    el = document.createElement("p");
    el.className = "calc-runtime-status";
    el.setAttribute("data-testid", "runtime-status");
    el.setAttribute("role", "status");
    el.setAttribute("aria-live", "polite");
    firstMount.before(el);
  }
  // A page may word its "live" line for what its tool does (data-live-text on its first mount point).
  if (firstMount.dataset.liveText) el.dataset.liveText = firstMount.dataset.liveText;
  return el;
}

function utcToday() {
  return new Date().toISOString().slice(0, 10);
}

function createRuntime(firstStatusEl) {
  let statusEl = firstStatusEl;
  const listeners = new Set();
  const pending = new Map();
  let nextId = 1;
  let worker = null;
  let watchdog = 0;
  const runtime = { state: "loading", message: "", retryable: false, timings: null };
  const config = runtimeConfig();

  function paintStatus() {
    statusEl.dataset.state = runtime.state;
    const text = runtime.state === "failed" ? runtime.message
      : (runtime.state === "live" && statusEl.dataset.liveText) || TEXT[runtime.state];
    const span = document.createElement("span");
    span.className = "calc-status-text";
    span.textContent = text;
    const parts = [span];
    if (runtime.state === "failed" && runtime.retryable) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "md-button calc-retry";
      button.dataset.testid = "runtime-retry";
      button.textContent = "Retry";
      button.addEventListener("click", () => retry());
      parts.push(" ", button);
    }
    statusEl.replaceChildren(...parts);
  }

  function setStatus(state, message = "", retryable = false) {
    runtime.state = state;
    runtime.message = message;
    runtime.retryable = retryable;
    if (state !== "loading") clearTimeout(watchdog);
    paintStatus();
    for (const cb of listeners) cb(state, message);
    if (state === "failed") {
      for (const { reject } of pending.values()) reject(new Error(message));
      pending.clear();
    }
  }

  const reason = unsupportedReason() || (config ? "" : `Live recalculation is off: the page lacks its runtime settings (rebuild the site). ${BUILT}`);
  setStatus("loading");
  // The worker is started once the page's first frame is on screen (claudeCostAfterPaint, page-start.js):
  // Python's download and compile must not compete with it. Calls made before then wait for it.
  let attached;
  let attachedOnce = new Promise((resolve) => (attached = resolve));
  if (reason) {
    setStatus("failed", reason);
    attached();
  } else {
    window.claudeCostAfterPaint(() => start(false));
  }

  function failStart(message) {
    setStatus("failed", `Live recalculation could not start: ${message}. ${BUILT}`, true);
  }

  function start(fresh) {
    try {
      worker = new Worker(new URL("worker.mjs", HERE), { type: "module", name: "claude-cost-python" });
    } catch (err) {
      worker = null;
      failStart(`the browser refused to start its worker (${err.message})`);
      attached();
      return;
    }
    listen(worker);
    performance.mark("claude-cost-worker"); // when Python was started (the tests check the order)
    const limit = Number(window.claudeCostStartTimeoutMs) || START_TIMEOUT_MS;
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      if (runtime.state === "loading") {
        failStart(`it did not come up within ${Math.round(limit / 1000)} seconds (a download may be blocked or very slow)`);
      }
    }, limit);
    worker.postMessage({
      type: "init",
      pyodide: new URL(config.pyodide, ROOT).href,
      archive: new URL(config.archive, ROOT).href,
      snapshot: config.snapshot ? new URL(config.snapshot, ROOT).href : null,
      siteDir: config.site_dir,
      warmup: config.warmup,
      today: config.today || null,
      fresh,
    });
    attached();
  }

  function retry() {
    if (runtime.state === "live" || !config || reason) return;
    if (worker) worker.terminate();
    worker = null;
    for (const { reject } of pending.values()) reject(new Error("the runtime was restarted"));
    pending.clear();
    attachedOnce = new Promise((resolve) => (attached = resolve));
    setStatus("loading");
    start(true);
  }

  function listen(w) {
    w.onmessage = (event) => {
      if (w !== worker) return; // a worker replaced by Retry
      const msg = event.data;
      if (msg.type === "status") {
        runtime.timings = msg.timings || null;
        if (runtime.timings && runtime.timings.started_at) {
          runtime.timings.worker_started_ms = Math.round(runtime.timings.started_at - performance.timeOrigin);
        }
        if (msg.state === "live") {
          performance.mark("claude-cost-live");
          setStatus("live"); // also after a timeout: a slow start that did finish is welcome
        } else {
          failStart(msg.message);
        }
        return;
      }
      const waiter = pending.get(msg.id);
      if (!waiter) return;
      pending.delete(msg.id);
      if (msg.error) waiter.reject(new Error(msg.error));
      else waiter.resolve(msg.response);
    };
    w.onerror = (event) => {
      event.preventDefault();
      if (w !== worker) return;
      const wasLive = runtime.state === "live";
      setStatus("failed", wasLive
        ? `Live recalculation stopped: ${event.message || "the Python worker could not run"}. The figures shown stay as they were.`
        : `Live recalculation could not start: ${event.message || "the Python worker could not be loaded"}. ${BUILT}`, true);
    };
  }

  return {
    get status() {
      return runtime.state;
    },
    get hasWorker() {
      return worker !== null;
    },
    get message() {
      return runtime.message;
    },
    get timings() {
      return runtime.timings;
    },
    // The day the live tools treat as today: the build's day for a site built with CLAUDE_COST_TODAY.
    get today() {
      return (config && config.today) || utcToday();
    },
    retry,
    attachStatus(el) {
      // A page swapped in by instant navigation brings its own status line; keep showing the state there.
      statusEl = el;
      paintStatus();
    },
    onStatus(cb) {
      listeners.add(cb);
      cb(runtime.state, runtime.message);
      return () => listeners.delete(cb);
    },
    call(name, inputs) {
      return attachedOnce.then(() => {
        if (runtime.state === "failed" || !worker) throw new Error(runtime.message || "runtime not available");
        const id = nextId++;
        return new Promise((resolve, reject) => {
          pending.set(id, { resolve, reject });
          worker.postMessage({ id, name, inputs });
        });
      });
    },
  };
}

function prerendered(el) {
  const script = el.querySelector("script[data-calc-prerender]");
  if (!script) return null;
  try {
    return JSON.parse(script.textContent);
  } catch {
    return null;
  }
}

// Widgets mount once the page's first frame is on screen (claudeCostAfterPaint, page-start.js, which also
// goes on in a background tab), so the prerendered figures are shown before any widget code runs.
const firstFrame = new Promise((resolve) => window.claudeCostAfterPaint(resolve));

export function boot(root = document) {
  const mounts = [...root.querySelectorAll("[data-calc]")].filter((el) => !el.dataset.calcMounted);
  if (!mounts.length) return null;
  if (window.claudeCostRuntime) window.claudeCostRuntime.attachStatus(statusElement(mounts[0]));
  else window.claudeCostRuntime = createRuntime(statusElement(mounts[0]));
  const runtime = window.claudeCostRuntime;
  for (const el of mounts) {
    el.dataset.calcMounted = "1";
    const name = el.dataset.calc;
    const api = {
      call: runtime.call,
      get status() {
        return runtime.status;
      },
      get today() {
        return runtime.today;
      },
      retry: runtime.retry,
      onStatus: runtime.onStatus,
      escape: escapeHtml,
      prerendered: prerendered(el),
    };
    Promise.all([import(new URL(`widgets/${name}.js`, HERE).href), firstFrame])
      .then(([mod]) => mod.mount(el, api))
      .catch((err) => {
        console.warn(`calculator ${name}: the widget did not load`, err);
        const note = document.createElement("p");
        note.className = "calc-error";
        note.textContent = `The ${name} tool could not load (${err.message}); the figures below were computed when the site was built.`;
        el.prepend(note);
      });
  }
  return runtime;
}

// Material's document$ emits on the first load and after every instant-navigation page swap (the feature is
// off in mkdocs.yml today); without it, one run per page load is enough.
if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(() => boot());
} else {
  boot();
}
