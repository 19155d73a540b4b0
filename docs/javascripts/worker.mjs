// The one Python runtime of a page: a module Web Worker that loads the self-hosted Pyodide, unpacks the
// calculators archive and answers {id, name, inputs} with calculators.bridge.call_json. The page's main
// thread never runs Python. Protocol (the architecture page, docs/contributing/architecture.md, has the rest):
//   main -> worker  {type: "init", pyodide: URL of the Pyodide folder, archive: URL of the archive,
//                    snapshot: URL of the build's memory snapshot or null, siteDir, warmup: Python source,
//                    today: "YYYY-MM-DD" when the site was built for a given day, else null,
//                    fresh: true to ignore (and replace) the runtime files kept in Cache Storage (a retry)}
//   main -> worker  {id, name, inputs}
//   worker -> main  {type: "status", state: "live" | "failed", message, timings}
//   worker -> main  {id, response} or {id, error}
// A runtime file that cannot be downloaded fails the start at once, with the file's name: Pyodide itself only
// logs a failed WebAssembly download and then waits forever.

let ready = null;
let callJson = null;

// The runtime's immutable files (content-hashed archive and snapshot, files under the versioned Pyodide
// folder) are kept in Cache Storage by this worker: a later visit reads them without any request, and a
// new build (new prices) has new names, so a stale file can never be used. Pyodide's own fetches of the
// wasm binary, the standard library and its lock file go through the same cache.
const CACHE_NAME = "claude-cost-runtime";
const nativeFetch = self.fetch.bind(self);
let immutable = new Set();
let cacheReady = Promise.resolve(null);
let fresh = false;
// Rejected by the first runtime file that cannot be downloaded; start() races against it.
let failStart = () => undefined;
const startFailed = new Promise((_, reject) => {
  failStart = reject;
});
startFailed.catch(() => undefined);

function fileName(url) {
  return new URL(url).pathname.split("/").pop();
}

function openCache() {
  if (!("caches" in self)) return Promise.resolve(null);
  return caches.open(CACHE_NAME).catch(() => null);
}

async function cachedFetch(url, init) {
  const cache = await cacheReady;
  if (cache && !fresh) {
    const hit = await cache.match(url).catch(() => undefined);
    if (hit) return hit;
  }
  let res;
  try {
    res = await nativeFetch(url, init);
  } catch (err) {
    failStart(new Error(`could not download ${fileName(url)} (${(err && err.message) || "network error"})`));
    throw err;
  }
  if (!res.ok) {
    failStart(new Error(`could not download ${fileName(url)} (HTTP ${res.status})`));
    return res;
  }
  if (cache) cache.put(url, res.clone()).catch(() => undefined);
  return res;
}

self.fetch = (input, init) => {
  const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url, self.location.href).href;
  return immutable.has(url) ? cachedFetch(url, init) : nativeFetch(input, init);
};

async function forgetOldFiles() {
  // Files of earlier builds (another archive hash, another Pyodide version) are dropped once this one runs.
  const cache = await cacheReady;
  if (!cache) return;
  for (const request of await cache.keys()) if (!immutable.has(request.url)) await cache.delete(request);
}

function fetchBytes(url) {
  return fetch(url).then((res) => {
    if (!res.ok) throw new Error(`could not download ${fileName(url)} (HTTP ${res.status})`);
    return res.arrayBuffer();
  });
}

function fetchGzipped(url) {
  // The build gzips the memory snapshot; it is inflated while it downloads. The snapshot only saves time: a
  // failed download is not fatal (Python then boots from scratch), so it bypasses the start-failure check.
  return cacheReady.then(async (cache) => {
    let res = cache && !fresh ? await cache.match(url).catch(() => undefined) : undefined;
    if (!res) {
      res = await nativeFetch(url);
      if (!res.ok) throw new Error(`could not download ${fileName(url)} (HTTP ${res.status})`);
      if (cache) cache.put(url, res.clone()).catch(() => undefined);
    }
    return new Response(res.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
  }).then((b) => new Uint8Array(b));
}

async function boot(loadPyodide, indexURL, snapshotBytes) {
  const options = { indexURL, packages: [], stdout: () => {}, stderr: () => {} };
  if (snapshotBytes) options._loadSnapshot = snapshotBytes;
  return loadPyodide(options);
}

async function start({ pyodide: indexURL, archive, snapshot, siteDir, warmup, today, fresh: retry }) {
  const t0 = performance.now();
  fresh = Boolean(retry);
  immutable = new Set([archive, snapshot, ...["pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]
    .map((name) => indexURL + name)].filter(Boolean));
  cacheReady = openCache();
  // Everything that does not depend on something else starts now, in parallel.
  const archiveBytes = fetchBytes(archive);
  const marks = {};
  const mark = (name) => (value) => {
    marks[name] = Math.round(performance.now() - t0);
    return value;
  };
  const snapshotBytes = snapshot ? fetchGzipped(snapshot).then(mark("snapshot_ms")) : null;
  if (snapshotBytes) snapshotBytes.catch(() => undefined);
  const asm = import(indexURL + "pyodide.asm.mjs").then(mark("asm_ms")); // loadPyodide reuses this module
  asm.catch(() => undefined);
  const { loadPyodide } = await import(indexURL + "pyodide.mjs").catch((err) => {
    throw new Error(`could not load pyodide.mjs (${(err && err.message) || err})`);
  });
  let py;
  let restored = Boolean(snapshotBytes);
  try {
    py = await boot(loadPyodide, indexURL, snapshotBytes);
  } catch (err) {
    if (!snapshotBytes) throw err;
    // A snapshot that does not fit this runtime: boot Python from scratch instead (slower, same result).
    restored = false;
    py = await boot(loadPyodide, indexURL, null);
  }
  const tLoaded = performance.now();
  py.unpackArchive(await archiveBytes, "zip", { extractDir: siteDir });
  py.runPython(warmup);
  // A site built for a given day (CLAUDE_COST_TODAY at build time) keeps that day in the browser too; otherwise
  // the bridge asks the browser's clock.
  if (today && /^\d{4}-\d{2}-\d{2}$/.test(today)) py.runPython(`import os\nos.environ["CLAUDE_COST_TODAY"] = "${today}"`);
  callJson = py.pyimport("calculators.bridge").call_json;
  return {
    snapshot: restored,
    ...marks,
    started_at: performance.timeOrigin + t0, // epoch ms, so the page can place the worker on its own timeline
    load_ms: Math.round(tLoaded - t0),
    ready_ms: Math.round(performance.now() - t0),
  };
}

self.onmessage = (event) => {
  const msg = event.data || {};
  if (msg.type === "init") {
    if (ready) return;
    ready = Promise.race([start(msg), startFailed]);
    ready.then(
      (timings) => {
        self.postMessage({ type: "status", state: "live", message: "", timings });
        forgetOldFiles().catch(() => undefined);
      },
      (err) => self.postMessage({ type: "status", state: "failed", message: String((err && err.message) || err) }),
    );
    return;
  }
  const { id, name, inputs } = msg;
  if (!ready) {
    self.postMessage({ id, error: "the runtime was not started" });
    return;
  }
  ready.then(
    () => {
      try {
        self.postMessage({ id, response: JSON.parse(callJson(JSON.stringify({ name, inputs }))) });
      } catch (err) {
        self.postMessage({ id, error: `Python failed: ${String((err && err.message) || err).split("\n").slice(-2).join(" ")}` });
      }
    },
    (err) => self.postMessage({ id, error: String((err && err.message) || err) }),
  );
};
