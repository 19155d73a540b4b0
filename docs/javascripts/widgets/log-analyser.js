// The Usage-Log Analyser widget. The files never leave the browser: they are read here in chunks and posted
// to the shared Web Worker, where Python (calculators.logs, bridge names analyze_start / analyze_chunk /
// analyze_finish / analyze_cancel) parses, de-duplicates and prices them. This file only reads files, shows
// progress, and lays out the report; the options, the recalculation when they change, staleness and errors
// are the shared controller's (_controller.js). It never does money arithmetic: every amount shown is a
// decimal string from Python (kept exact in data-value), and the charts' axes and bar heights come from Python
// too. All log text goes into the page through textContent (never innerHTML).
import { createController, hashCodec } from "./_controller.js";
import { formFields, h, svg } from "./_dom.js";

const CHUNK_BYTES = 4 * 1024 * 1024;
const FOLDER_SUFFIXES = [".jsonl", ".ndjson", ".json", ".csv", ".gz"];
const LEVER_LABELS = {
  caching: "Prompt caching",
  cache_ttl_1h: "1-hour cache TTL",
  batch: "Batch API",
  routing: "Routing to a cheaper model",
  output_cap: "Output cap at p95",
};
// The filters (model, session, project) are bridge fields too: changing one re-reads the files the page keeps.
const FILTER_FIELDS = ["model", "session", "project"];
const FILTER_LABELS = { model: "Model", session: "Session or API key", project: "Project" };
const OPTION_FIELDS = ["since", "until", "batch_share", "route_to", "format", ...FILTER_FIELDS];
const DEFAULTS = { since: "", until: "", batch_share: "0.5", route_to: "haiku", format: "auto", model: "", session: "", project: "" };
const CODEC = hashCodec(OPTION_FIELDS);
const FIRST_BAD_LINES = 5;


function int(n) {
  return Number(n).toLocaleString("en-US");
}

// Money: the exact decimal string in data-value, and the display string Python made (calculators.present);
// nothing here rounds or formats money.
function money(testid, value, display, extra = {}) {
  return h("span", { class: "calc-money", "data-testid": testid, "data-value": value, ...extra, text: display ?? "–" });
}

// A gzip file (Bedrock's S3 delivery, a CloudWatch Logs export) starts with these two bytes.
async function isGzip(file) {
  if (file.size < 2) return false;
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  return head[0] === 0x1f && head[1] === 0x8b;
}

// The text of a file in pieces of about CHUNK_BYTES, gunzipped when it is gzip (DecompressionStream), with the
// compressed bytes read so far (for the progress bar). Yields {text, read, last, error}: error says why a
// damaged gzip file stopped early (what came before it is still read).
async function* pieces(file, signal) {
  const decoder = new TextDecoder("utf-8");
  if (!(await isGzip(file))) {
    for (let at = 0; at < file.size || at === 0; at += CHUNK_BYTES) {
      if (signal.aborted) throw abortError();
      const buf = await file.slice(at, at + CHUNK_BYTES).arrayBuffer();
      const last = at + CHUNK_BYTES >= file.size;
      yield { text: decoder.decode(buf, { stream: !last }), read: at + buf.byteLength, last };
      if (file.size === 0) return;
    }
    return;
  }
  let read = 0;
  const counted = file.stream().pipeThrough(new TransformStream({
    transform(chunk, ctl) { read += chunk.byteLength; ctl.enqueue(chunk); },
  }));
  const reader = counted.pipeThrough(new DecompressionStream("gzip")).getReader();
  let parts = [];
  let size = 0;
  for (;;) {
    if (signal.aborted) {
      reader.cancel().catch(() => undefined);
      throw abortError();
    }
    let got;
    try {
      got = await reader.read();
    } catch (err) {
      const text = parts.length ? decoder.decode(await new Blob(parts).arrayBuffer()) : "";
      yield { text, read: file.size, last: true, error: "gzip data cut short or damaged: the rest of the file could not be read" };
      return;
    }
    if (got.done) break;
    parts.push(got.value);
    size += got.value.byteLength;
    if (size >= CHUNK_BYTES) {
      yield { text: decoder.decode(await new Blob(parts).arrayBuffer(), { stream: true }), read, last: false };
      parts = [];
      size = 0;
    }
  }
  yield { text: decoder.decode(await new Blob(parts).arrayBuffer()), read: file.size, last: true };
}

function abortError() {
  return new DOMException("cancelled", "AbortError");
}

// A table in a focusable scroll region (keyboard users can scroll it), its first column sticky. columns:
// [label, "num" | "text"]; numbers are right-aligned.
function table(caption, columns, rows, attrs = {}) {
  const wrap = h("div", { class: "calc-table-wrap", tabindex: "0", role: "region", "aria-label": caption },
    h("table", { class: "calc-table", ...attrs },
      h("caption", { text: caption }),
      h("thead", {}, h("tr", {}, columns.map(([label, kind]) => h("th", { scope: "col", class: kind === "num" ? "num" : null, text: label })))),
      h("tbody", {}, rows)));
  return wrap;
}

function cell(kind, ...content) {
  return h("td", { class: kind === "num" ? "num" : null }, ...content);
}

export function mount(element, api) {
  element.classList.add("calc-widget", "log-widget");
  element.replaceChildren();
  let files = [];

  const fileInput = h("input", { type: "file", multiple: true, hidden: true, "data-testid": "log-file-input",
    "aria-label": "Log files", accept: ".jsonl,.ndjson,.json,.csv,.txt,.log,.gz" });
  const dirInput = h("input", { type: "file", multiple: true, hidden: true, webkitdirectory: true,
    "aria-label": "A folder of log files", "data-testid": "log-folder-input" });
  // The drop zone is a plain region: the two buttons in it are the keyboard's way in, dropping is the mouse's.
  const drop = h("section", { class: "log-drop", "data-testid": "log-drop", "aria-labelledby": "log-drop-title" },
    h("p", { class: "log-drop-title", id: "log-drop-title" }, h("strong", { text: "Drop log files or folders here, or choose them" })),
    h("p", { class: "calc-hint", text: "Claude Code ~/.claude/projects folders, API response or streaming JSONL, Amazon Bedrock invocation logs (also gzipped .json.gz from S3 and CloudWatch Logs exports), Admin API usage and cost reports, Console CSV. The files stay on this computer." }),
    h("div", { class: "log-pickers" },
      h("button", { type: "button", class: "md-button md-button--primary", "data-testid": "log-pick-files", onclick: () => fileInput.click() }, "Choose files"),
      h("button", { type: "button", class: "md-button", "data-testid": "log-pick-folder", onclick: () => dirInput.click() }, "Choose a folder")));

  const { fields, errors, field } = formFields("log");
  const opt = (name, attrs) => h("input", { name, autocomplete: "off", ...attrs });
  const options = h("details", { class: "log-options-box" },
    h("summary", { text: "Options" }),
    h("div", { class: "log-options calc-form" },
      field("since", "From (UTC day)", opt("since", { type: "date" }), "First day to include."),
      field("until", "Until (UTC day)", opt("until", { type: "date" }), "Last day to include."),
      field("batch_share", "Batch share", opt("batch_share", { type: "text", inputmode: "decimal" }), "Share of traffic the batch what-if moves (0–1)."),
      field("route_to", "Route to", opt("route_to", { type: "text", spellcheck: "false" }), "Cheaper model for the routing what-if (id or haiku, sonnet, opus)."),
      field("format", "Format", h("select", { name: "format" },
        ["auto", "claude-code", "api", "stream", "bedrock", "usage-report", "cost-report", "csv"].map((f) => h("option", { value: f, text: f }))),
      "auto detects each file.")));

  // Filters: filled from the report's choices (every value in the files, whatever the filter); a change
  // re-reads the files this page keeps, and the URL fragment carries the filter (a shareable view).
  const filterSelect = (name) => h("select", { name }, h("option", { value: "", text: `All (${FILTER_LABELS[name].toLowerCase()})` }));
  const filters = h("fieldset", { class: "log-filters calc-form", "data-testid": "log-filters", hidden: true },
    h("legend", { text: "Show only" }),
    field("model", "Model", filterSelect("model"), null),
    field("session", "Session or API key", filterSelect("session"), null),
    field("project", "Project", filterSelect("project"), "A Claude Code project (the folder its sessions ran in) or a workspace."));

  const bar = h("progress", { max: "1000", value: "0", "data-testid": "log-progress", "aria-label": "Analysis progress" });
  const progressText = h("span", { "aria-live": "polite", "data-testid": "log-progress-text" });
  const cancel = h("button", { type: "button", class: "md-button", "data-testid": "log-cancel" }, "Cancel");
  const progress = h("div", { class: "log-progress", hidden: true }, bar, h("div", { class: "log-progress-row" }, progressText, " ", cancel));
  const message = h("p", { class: "calc-field-error log-error", role: "alert", "data-testid": "log-error", hidden: true });
  const staleNote = h("p", { class: "calc-stale-note", "data-testid": "stale-note", role: "status", hidden: true });
  const report = h("div", { class: "log-report calc-results", "data-testid": "log-report", hidden: true });
  element.append(drop, fileInput, dirInput, options, filters, progress, message, staleNote, report);

  // Make sure a select can show ``value`` (a filter from a shared link, before a report lists the choices).
  function ensureOption(select, value, label = value) {
    if (value && !Array.from(select.options).some((o) => o.value === value)) select.append(h("option", { value, text: label }));
  }

  function fillFilters(rep) {
    const names = {};
    for (const [id, m] of Object.entries(rep.by_model || {})) names[id] = m.name || id;
    for (const name of FILTER_FIELDS) {
      const select = fields[name];
      const keep = select.value;
      select.replaceChildren(select.options[0]);
      for (const value of (rep.choices && rep.choices[name]) || []) {
        select.append(h("option", { value, text: name === "model" && names[value] ? `${names[value]} (${value})` : value }));
      }
      ensureOption(select, keep);
      select.value = keep;
    }
    filters.hidden = false;
  }

  function readOptions() {
    const next = {};
    for (const name of OPTION_FIELDS) next[name] = fields[name].value;
    return next;
  }

  function writeOptions(state) {
    for (const name of FILTER_FIELDS) ensureOption(fields[name], state[name] ?? "");
    for (const name of OPTION_FIELDS) fields[name].value = state[name] ?? DEFAULTS[name];
    if (FILTER_FIELDS.some((name) => state[name])) filters.hidden = false;
    if (OPTION_FIELDS.some((name) => !FILTER_FIELDS.includes(name) && (state[name] ?? DEFAULTS[name]) !== DEFAULTS[name])) options.open = true;
  }

  function setState(value) {
    element.dataset.state = value;
  }

  // ---- reading the files in the worker ------------------------------------------------------------------
  async function compute(opts, signal) {
    const list = files;
    const aborted = new Promise((_, reject) => signal.addEventListener("abort", () => reject(abortError()), { once: true }));
    aborted.catch(() => undefined);
    const call = (name, inputs) => Promise.race([api.call(name, inputs), aborted]);
    const total = list.reduce((n, f) => n + f.size, 0) || 1;
    let done = 0;
    let session = null;
    bar.value = 0;
    progress.hidden = false;
    progressText.textContent = "Starting…";
    setState("running");
    try {
      const started = await call("analyze_start", opts);
      if (!started.ok) {
        setState("error");
        progress.hidden = true;
        return started;
      }
      session = started.result.session;
      const used = new Set();
      for (const file of list) {
        let name = file.webkitRelativePath || file.name;
        for (let k = 2; used.has(name); k += 1) name = `${file.webkitRelativePath || file.name} (${k})`;
        used.add(name);
        const before = done;
        for await (const piece of pieces(file, signal)) {
          const inputs = { session, file: name, text: piece.text, final: piece.last };
          if (piece.error) inputs.damaged = piece.error;
          const r = await call("analyze_chunk", inputs);
          if (!r.ok) {
            setState("error");
            progress.hidden = true;
            return r;
          }
          const p = r.result;
          done = before + piece.read;
          bar.value = Math.round((done / total) * 1000);
          progressText.textContent = `${(done / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB · ${int(p.records)} records · ${int(p.malformed)} malformed lines`;
        }
      }
      progressText.textContent = "Pricing…";
      const finished = await call("analyze_finish", { session, csv: true });
      session = null;
      progress.hidden = true;
      setState(finished.ok ? "done" : "error");
      return finished;
    } catch (err) {
      if (err && err.name === "AbortError") {
        progressText.textContent = "Cancelled. Nothing was kept.";
        setState("cancelled");
      } else {
        progress.hidden = true;
        setState("error");
      }
      throw err;
    } finally {
      if (session) api.call("analyze_cancel", { session }).catch(() => undefined);
    }
  }

  let shownReport = false;
  const ctl = createController({
    root: element, api, codec: CODEC, defaults: DEFAULTS, output: report, staleNote, errors, fields,
    generalError: message, debounceMs: 600,
    canRun: () => files.length > 0,
    compute,
    render: (rep) => {
      shownReport = true;
      render(rep);
    },
    describe: () => "the options used before",
    notes: {
      loading: () => "The report below is for the options used before: it is recalculated as soon as live recalculation is ready.",
      failedEmpty: () => "The analyser cannot read your files: live recalculation could not start (the message at the top of the page says why; its Retry button tries again).",
    },
    onPaint: ({ status, running }) => {
      if (running || !files.length) return;
      if (status === "loading" && !shownReport && element.dataset.state === "waiting") {
        progress.hidden = false;
        progressText.textContent = `${files.length} file${files.length === 1 ? "" : "s"} ready: they are read as soon as live recalculation is ready.`;
      } else if (status === "failed" && element.dataset.state === "waiting") {
        progress.hidden = true;
        setState("failed");
      }
    },
  });

  function analyse(list) {
    if (!list.length) {
      message.textContent = "No log files found (looked for .jsonl, .ndjson, .json, .csv and .gz).";
      message.hidden = false;
      return;
    }
    message.hidden = true;
    files = list;
    report.hidden = true; // a report of other files
    shownReport = false;
    if (api.status !== "live") setState("waiting");
    ctl.invalidate({ forget: true });
  }

  cancel.addEventListener("click", () => {
    ctl.cancel();
    progressText.textContent = "Cancelled. Nothing was kept.";
    setState("cancelled");
  });

  for (const name of OPTION_FIELDS) {
    const onChange = fields[name].tagName === "SELECT" || fields[name].type === "date";
    fields[name].addEventListener(onChange ? "change" : "input", () => ctl.update(readOptions()));
  }
  ctl.onHashChange(writeOptions);

  function pickable(list, fromFolder) {
    const all = Array.from(list);
    return fromFolder ? all.filter((f) => FOLDER_SUFFIXES.some((s) => f.name.toLowerCase().endsWith(s))) : all;
  }
  fileInput.addEventListener("change", () => { analyse(pickable(fileInput.files, false)); fileInput.value = ""; });
  dirInput.addEventListener("change", () => { analyse(pickable(dirInput.files, true)); dirInput.value = ""; });
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.dataset.over = "true"; });
  drop.addEventListener("dragleave", () => { drop.dataset.over = "false"; });
  drop.addEventListener("drop", async (e) => {
    e.preventDefault();
    drop.dataset.over = "false";
    const items = Array.from(e.dataTransfer.items || []);
    const entries = items.map((i) => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null));
    if (entries.length && entries.every(Boolean)) {
      const found = [];
      for (const entry of entries) await collect(entry, found, entries.length === 1 && entry.isFile);
      analyse(found);
    } else {
      analyse(Array.from(e.dataTransfer.files));
    }
  });

  // Walk dropped folders (files inside folders are filtered by suffix; files dropped directly are kept).
  async function collect(entry, out, direct) {
    if (entry.isFile) {
      const file = await new Promise((res, rej) => entry.file(res, rej));
      if (direct || entry.fullPath.split("/").length <= 2 || FOLDER_SUFFIXES.some((s) => file.name.toLowerCase().endsWith(s))) {
        Object.defineProperty(file, "webkitRelativePath", { value: entry.fullPath.replace(/^\//, "") });
        out.push(file);
      }
      return;
    }
    const reader = entry.createReader();
    for (;;) {
      const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
      if (!batch.length) break;
      for (const child of batch) await collect(child, out, false);
    }
  }

  // ---- the report -----------------------------------------------------------------------------------------
  function badLines(rep, most) {
    return h("ul", { class: "log-bad-lines", "data-testid": most ? "log-first-bad-lines" : "log-malformed-lines" },
      rep.malformed_lines.slice(0, most || undefined).map((m) => h("li", {}, h("code", { text: `${m.file}:${m.line}` }), ` ${m.reason}`)));
  }

  function filterNote(rep) {
    const f = rep.filter || {};
    const on = FILTER_FIELDS.filter((name) => f[name]);
    if (!on.length) return null;
    const said = on.map((name) => `${FILTER_LABELS[name].toLowerCase()} ${f[name]}`).join(", ");
    return h("p", { class: "log-filter-note", "data-testid": "log-filter-note", "data-left-out": f.left_out, role: "status" },
      h("strong", { text: `Only ${said}: ` }), `${int(f.left_out)} other record${f.left_out === 1 ? " was" : "s were"} left out of every figure below. `,
      h("button", { type: "button", class: "md-button log-filter-clear", "data-testid": "log-filter-clear", onclick: () => {
        for (const name of FILTER_FIELDS) fields[name].value = "";
        ctl.update(readOptions());
      } }, "Show all"));
  }

  function render(rep) {
    report.replaceChildren();
    fillFilters(rep);
    const unpriced = Object.entries(rep.unpriced);
    const nothing = rep.records === 0 && !unpriced.length;
    if (nothing) {
      // Nothing to chart or price: say so first, with the lines that could not be read.
      report.append(h("div", { class: "log-nothing", "data-testid": "log-nothing", role: "alert" },
        h("h2", { class: "calc-h", text: "Nothing readable in these files" }),
        h("p", { text: `${int(rep.lines.lines)} lines read: ${int(rep.malformed)} could not be read and ${int(rep.lines.ignored)} held no billed request, so there is nothing to price.` }),
        rep.malformed_lines.length ? h("p", { text: `The first ${Math.min(FIRST_BAD_LINES, rep.malformed_lines.length)} lines that could not be read:` }) : null,
        rep.malformed_lines.length ? badLines(rep, FIRST_BAD_LINES) : null,
        h("p", { class: "calc-hint", text: "The analyser reads Claude Code session logs, Messages API responses (JSON Lines), streaming logs, Admin API usage and cost reports and Console CSV exports. If the format was detected wrongly, choose it under Options." })));
    } else {
      const first = rep.first_day;
      report.append(h("h2", { class: "calc-h", text: first ? `Usage from ${first} to ${rep.last_day}` : "No priced records" }));
      const note = filterNote(rep);
      if (note) report.append(note);
      if (rep.malformed) {
        report.append(h("p", { class: "calc-stale-note", "data-testid": "log-malformed-note",
          text: `${int(rep.malformed)} line${rep.malformed === 1 ? "" : "s"} could not be read; the rest is analysed. They are listed at the end.` }));
      }
    }
    report.append(h("div", { class: "log-figures" },
      h("div", { class: "log-figure" }, h("span", { class: "calc-figure-label", text: "Total" }), money("log-total-usd", rep.total_usd, rep.total_display)),
      h("div", { class: "log-figure" }, h("span", { class: "calc-figure-label", text: "Priced requests" }),
        h("strong", { "data-testid": "log-records", "data-value": rep.records, text: int(rep.records) })),
      nothing ? null : h("div", { class: "log-figure" }, h("span", { class: "calc-figure-label", text: "Mean / p50 / p95 per request" }),
        h("span", {}, money("log-turn-mean", rep.per_turn.mean_usd, rep.per_turn.mean_display), " / ", money("log-turn-p50", rep.per_turn.p50_usd, rep.per_turn.p50_display), " / ",
          money("log-turn-p95", rep.per_turn.p95_usd, rep.per_turn.p95_display))),
      nothing ? null : h("div", { class: "log-figure" }, h("span", { class: "calc-figure-label", text: "Cache hit rate (prompt tokens)" }),
        h("strong", { "data-testid": "log-cache-hit", "data-value": rep.cache.hit_rate ?? "", text: rep.cache.hit_rate_display })),
      h("div", { class: "log-figure" }, h("span", { class: "calc-figure-label", text: "Malformed lines" }),
        h("strong", { "data-testid": "log-malformed", "data-value": rep.malformed, text: int(rep.malformed) }))));
    report.append(h("p", { class: "calc-hint", text: `${int(rep.lines.lines)} lines read, ${int(rep.duplicates_merged)} streamed duplicates merged, ${int(rep.lines.ignored)} lines without a billed request. Prices from pricing.toml (checked ${rep.pricing_checked}); each request at the prices of its own day.` }));

    if (!nothing) {
      report.append(h("h3", { text: "Cost by day" }), dayChart(rep, rep.charts && rep.charts.by_day));
      report.append(h("h3", { text: "Spend by bucket" }), bucketChart(rep.spend_by_bucket));

      report.append(table("By model", [["Model", "text"], ["Cost", "num"], ["Requests", "num"], ["Input (tokens)", "num"],
        ["Cache writes (tokens)", "num"], ["Cache reads (tokens)", "num"], ["Output (tokens)", "num"]],
      Object.entries(rep.by_model).map(([id, m]) => h("tr", { "data-model": id },
        h("th", { scope: "row", title: id, text: m.name || id }), cell("num", money("log-model-usd", m.total_usd, m.total_display)),
        cell("num", int(m.records)), cell("num", int(m.input)),
        cell("num", h("span", { title: `5-minute ${int(m.cache_write_5m)}, 1-hour ${int(m.cache_write_1h)}`, text: int(m.cache_write_5m + m.cache_write_1h) })),
        cell("num", int(m.cache_read)), cell("num", int(m.output)))), { "data-testid": "log-by-model" }));
    }

    if (unpriced.length) {
      report.append(table("Unpriced (not in the total)", [["Model", "text"], ["Records", "num"], ["Tokens in", "num"], ["Tokens out", "num"], ["Why", "text"]],
        unpriced.map(([id, u]) => h("tr", {}, h("th", { scope: "row", text: id }), cell("num", int(u.records)),
          cell("num", int(u.input + u.cache_write_5m + u.cache_write_1h + u.cache_read)), cell("num", int(u.output)),
          cell("text", u.reason))), { "data-testid": "log-unpriced" }));
    }

    if (!nothing) {
      // Each lever is a row of figures and, under it, a full-width row of its assumptions (a fourth column
      // squeezed the text to a word a line on a phone).
      report.append(table("What each lever would have saved", [["Lever", "text"], ["Saving", "num"], ["Share", "num"]],
        rep.what_if.flatMap((w) => {
          const id = `log-lever-${w.lever}`;
          return [
            h("tr", { "data-lever": w.lever },
              h("th", { scope: "row", id, text: LEVER_LABELS[w.lever] || w.lever }), cell("num", money("log-lever-usd", w.saving_usd, w.saving_display)),
              cell("num", w.saving_share_display)),
            h("tr", { class: "log-assumptions-row", "data-lever-assumptions": w.lever },
              h("td", { colspan: "3", headers: id, "aria-label": `Assumptions: ${LEVER_LABELS[w.lever] || w.lever}` },
                h("ul", { class: "log-assumptions" }, w.assumptions.map((a) => h("li", { text: a }))))),
          ];
        }),
        { "data-testid": "log-what-if" }));
    }

    if (rep.reconciliation.length) {
      report.append(table("Reconciliation with the cost report", [["Day", "text"], ["Model", "text"], ["Estimate", "num"], ["Billed", "num"], ["Difference", "num"], ["Explanation", "text"]],
        rep.reconciliation.map((r) => h("tr", {}, h("th", { scope: "row", text: r.day }), cell("text", r.model),
          cell("num", money("log-rec-estimate", r.estimated_usd, r.estimated_display)), cell("num", money("log-rec-billed", r.billed_usd, r.billed_display)),
          cell("num", money("log-rec-diff", r.difference_usd, r.difference_display)), cell("text", r.explanation))), { "data-testid": "log-reconciliation" }));
    }

    const projects = (rep.by_project || []).filter((p) => p.project !== "(none)").slice(0, 15);
    if (projects.length) {
      report.append(table("By project", [["Project", "text"], ["Cost", "num"], ["Requests", "num"]],
        projects.map((p) => h("tr", {}, h("th", { scope: "row", text: p.project }), cell("num", money("log-project-usd", p.total_usd, p.total_display)),
          cell("num", int(p.records)))), { "data-testid": "log-by-project" }));
    }

    const sessions = rep.by_session.filter((s) => s.session !== "(none)").slice(0, 15);
    if (sessions.length) {
      report.append(table("Top sessions or API keys", [["Session / key", "text"], ["Cost", "num"], ["Requests", "num"], ["Days", "text"]],
        sessions.map((s) => h("tr", {}, h("th", { scope: "row", text: s.session }), cell("num", money("log-session-usd", s.total_usd, s.total_display)),
          cell("num", int(s.records)),
          cell("text", s.first_day === s.last_day ? s.first_day : `${s.first_day} – ${s.last_day}`)))));
    }

    if (rep.malformed_lines.length) {
      report.append(h("h3", { text: `Malformed lines (${int(rep.malformed)}; first ${rep.malformed_lines.length})` }), badLines(rep, 0));
    }
    if (rep.notes.length) {
      report.append(h("h3", { text: "Notes" }), h("ul", { class: "calc-notes", "data-testid": "log-notes" }, rep.notes.map((n) => h("li", { text: n }))));
    }
    const { records_csv: recordsCsv, ...json } = rep;
    const jsonUrl = URL.createObjectURL(new Blob([JSON.stringify(json, null, 2)], { type: "application/json" }));
    const csvUrl = URL.createObjectURL(new Blob([recordsCsv || ""], { type: "text/csv" }));
    report.append(h("p", { class: "log-downloads" },
      h("a", { class: "md-button", href: jsonUrl, download: "claude-usage-report.json", "data-testid": "log-download-json" }, "Download the report (JSON)"), " ",
      h("a", { class: "md-button", href: csvUrl, download: "claude-usage-records.csv", "data-testid": "log-download-csv" }, "Download per-request costs (CSV)")));
    report.hidden = false;
  }

  // ---- charts ---------------------------------------------------------------------------------------------
  // Drawn at the width they are shown at (redrawn when it changes), so the labels keep their size on a phone.
  // Each has its figures in a table next to it, for keyboards, screen readers and copying.
  function responsive(draw) {
    const box = h("div", { class: "log-chart" });
    let width = 0;
    const redraw = () => {
      const w = Math.max(280, Math.round(box.clientWidth || 640));
      if (w === width) return;
      width = w;
      box.replaceChildren(draw(w));
    };
    box.append(draw(640));
    if (typeof ResizeObserver === "function") new ResizeObserver(redraw).observe(box);
    return box;
  }

  function dayChart(rep, axis) {
    const days = rep.by_day;
    const heights = axis ? axis.heights : days.map((d) => d.of_max || "0");
    const ticks = axis ? axis.ticks : [];
    const peak = days.reduce((best, d, i) => (Number(heights[i]) > Number(heights[best] || 0) ? i : best), 0);
    const summary = days.length
      ? `Cost by day from ${days[0].day} to ${days[days.length - 1].day}; highest ${days[peak].total_display} on ${days[peak].day}.`
      : "No days to show.";
    const chart = responsive((width) => {
      const left = 64;
      const right = 8;
      const top = 8;
      const plot = 160;
      const s = svg("svg", { viewBox: `0 0 ${width} ${plot + top + 28}`, width, height: plot + top + 28, role: "img",
        "data-testid": "log-day-chart", "aria-label": summary });
      const inner = width - left - right;
      for (const t of ticks) {
        const y = top + plot - Number(t.at) * plot;
        s.append(svg("line", { class: "grid", x1: left, x2: width - right, y1: y, y2: y }));
        s.append(svg("text", { x: left - 6, y: y + 4, "text-anchor": "end", "data-value": t.usd }, t.display));
      }
      s.append(svg("line", { class: "axis", x1: left, x2: left, y1: top, y2: top + plot }));
      s.append(svg("line", { class: "axis", x1: left, x2: width - right, y1: top + plot, y2: top + plot }));
      const n = Math.max(days.length, 1);
      const bw = inner / n;
      days.forEach((d, i) => {
        const bh = Math.max(Number(heights[i]) * plot, d.total_usd === "0" ? 0 : 1);
        const w = Math.min(Math.max(bw * 0.8, 0.5), 48); // a few days do not make slabs
        const r = svg("rect", { class: "bar", x: left + i * bw + (bw - w) / 2, y: top + plot - bh, width: w, height: bh });
        r.append(svg("title", {}, `${d.day}: ${d.total_display} (${int(d.records)} requests)`));
        s.append(r);
      });
      // Day labels: as many as fit without overlapping (about 80 px each), always the first and the last.
      const every = Math.max(1, Math.ceil(days.length / Math.max(1, Math.floor(inner / 80))));
      days.forEach((d, i) => {
        if (i % every !== 0 && i !== days.length - 1) return;
        if (i !== days.length - 1 && days.length - 1 - i < every && i !== 0) return;
        const x = left + i * bw + bw / 2;
        const anchor = i === 0 && days.length > 1 ? "start" : i === days.length - 1 && days.length > 1 ? "end" : "middle";
        s.append(svg("text", { x: anchor === "start" ? left : anchor === "end" ? width - right : x, y: top + plot + 18, "text-anchor": anchor }, d.day));
      });
      return s;
    });
    // The per-day table beside the chart: every day's requests, tokens and cost, and the totals (Python's).
    const data = table(`Per day (${days.length} day${days.length === 1 ? "" : "s"})`,
      [["Day", "text"], ["Requests", "num"], ["Tokens", "num"], ["Cost", "num"]],
      days.map((d) => h("tr", {}, h("th", { scope: "row", text: d.day }), cell("num", int(d.records)),
        cell("num", int(d.tokens)), cell("num", money("log-day-usd", d.total_usd, d.total_display)))),
      { "data-testid": "log-day-table" });
    const totals = rep.by_day_total;
    data.querySelector("table").append(h("tfoot", {}, h("tr", {},
      h("th", { scope: "row", text: "Total" }), cell("num", h("span", { "data-testid": "log-day-total-records", text: int(totals.records) })),
      cell("num", h("span", { "data-testid": "log-day-total-tokens", text: int(totals.tokens) })),
      cell("num", money("log-day-total-usd", totals.total_usd, totals.total_display)))));
    data.classList.add("log-day-table");
    return h("figure", { class: "log-figure-chart log-day-figure" }, chart, data);
  }

  function bucketChart(buckets) {
    const rows = Object.entries(buckets);
    const chart = responsive((width) => {
      const rowH = 26;
      const labelW = Math.min(170, Math.round(width * 0.38));
      const valueW = Math.min(150, Math.round(width * 0.3));
      const s = svg("svg", { viewBox: `0 0 ${width} ${rows.length * rowH}`, width, height: rows.length * rowH, role: "img",
        "data-testid": "log-bucket-chart", "aria-label": "Share of spend by bucket (the table below has the figures)" });
      rows.forEach(([bucket, v], i) => {
        const y = i * rowH;
        s.append(svg("text", { x: 0, y: y + 17 }, v.label || bucket));
        const w = Number(v.share || 0) * (width - labelW - valueW - 8);
        s.append(svg("rect", { class: "bar", x: labelW, y: y + 6, width: Math.max(w, 0), height: rowH - 12 }));
        s.append(svg("text", { x: width, y: y + 17, "text-anchor": "end", "data-bucket": bucket, "data-value": v.usd }, `${v.display} · ${v.share_display}`));
      });
      return s;
    });
    const data = table("Spend by bucket (table)", [["Bucket", "text"], ["Cost", "num"], ["Share", "num"]],
      rows.map(([bucket, v]) => h("tr", {}, h("th", { scope: "row", text: v.label || bucket }),
        cell("num", money("log-bucket-usd", v.usd, v.display)), cell("num", v.share_display))), { "data-testid": "log-bucket-table" });
    return h("figure", { class: "log-figure-chart" }, chart,
      h("details", { class: "log-chart-data" }, h("summary", { text: "Bucket values" }), data));
  }

  // ---- start ------------------------------------------------------------------------------------------------
  writeOptions(ctl.start());
}
