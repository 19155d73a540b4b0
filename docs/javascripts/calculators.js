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
    return "Live recalculation is off: this page was opened from a file. Serve the site over http (for example `make serve`) to recalculate; the figures shown were computed when the site was built.";
  }
  if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
    return "Live recalculation is off: this browser lacks WebAssembly or Web Workers. The figures shown were computed when the site was built.";
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

function createRuntime(firstStatusEl) {
  let statusEl = firstStatusEl;
  const listeners = new Set();
  const pending = new Map();
  let nextId = 1;
  let worker = null;
  const runtime = { state: "loading", message: "", timings: null };

  function paintStatus() {
    statusEl.dataset.state = runtime.state;
    statusEl.textContent =
      runtime.state === "failed" ? runtime.message : (runtime.state === "live" && statusEl.dataset.liveText) || TEXT[runtime.state];
  }

  function setStatus(state, message = "") {
    runtime.state = state;
    runtime.message = message;
    paintStatus();
    for (const cb of listeners) cb(state, message);
    if (state === "failed") {
      for (const { reject } of pending.values()) reject(new Error(message));
      pending.clear();
    }
  }

  const config = runtimeConfig();
  const reason = unsupportedReason() || (config ? "" : "Live recalculation is off: the page lacks its runtime settings (rebuild the site).");
  setStatus("loading");
  // The worker is started (or the bootstrap's adopted) once the page's first frame is on screen
  // (claudeCostAfterPaint, overrides/main.html): Python's download and compile must not compete with it.
  // Calls made before then wait for it.
  let attached;
  const attachedOnce = new Promise((resolve) => (attached = resolve));
  if (reason) {
    setStatus("failed", reason);
    attached();
  } else {
    window.claudeCostAfterPaint(attach);
  }

  function attach() {
    // The page's inline bootstrap (hooks/runtime.py) may have started the worker already; adopt it rather
    // than starting a second one.
    const early = window.claudeCostEarly && window.claudeCostEarly.root === ROOT.href ? window.claudeCostEarly : null;
    if (early) {
      worker = early.worker;
    } else {
      try {
        worker = new Worker(new URL("worker.mjs", HERE), { type: "module", name: "claude-cost-python" });
      } catch (err) {
        setStatus("failed", `Live recalculation could not start (${err.message}). The figures shown were computed when the site was built.`);
      }
    }
    if (worker) listen(early);
    if (worker && !early) {
      performance.mark("claude-cost-worker"); // when Python was started (the tests check the order)
      worker.postMessage({
        type: "init",
        pyodide: new URL(config.pyodide, ROOT).href,
        archive: new URL(config.archive, ROOT).href,
        snapshot: config.snapshot ? new URL(config.snapshot, ROOT).href : null,
        siteDir: config.site_dir,
        warmup: config.warmup,
        today: config.today || null,
      });
    }
    attached();
  }

  function listen(early) {
    const onMessage = (msg) => {
      if (msg.type === "status") {
        runtime.timings = msg.timings || null;
        if (runtime.timings && runtime.timings.started_at) {
          runtime.timings.worker_started_ms = Math.round(runtime.timings.started_at - performance.timeOrigin);
        }
        if (msg.state === "live") {
          performance.mark("claude-cost-live");
          setStatus("live");
        } else {
          setStatus("failed", `Live recalculation could not start: ${msg.message}. The figures shown were computed when the site was built.`);
        }
        return;
      }
      const waiter = pending.get(msg.id);
      if (!waiter) return;
      pending.delete(msg.id);
      if (msg.error) waiter.reject(new Error(msg.error));
      else waiter.resolve(msg.response);
    };
    const onError = (message) =>
      setStatus("failed", `Live recalculation stopped: ${message || "the Python worker could not run"}. The figures shown stay as they were.`);
    worker.onmessage = (event) => onMessage(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      onError(event.message);
    };
    if (early) {
      for (const msg of early.messages.splice(0)) onMessage(msg);
      if (early.error) onError(early.error);
    }
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

// Widgets mount once the page's first frame is on screen (claudeCostAfterPaint, overrides/main.html, which also
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
