// The Usage-Log Analyser widget. The files never leave the browser: they are read here in chunks and posted
// to the shared Web Worker, where Python (calculators.logs, bridge names analyze_start / analyze_chunk /
// analyze_finish / analyze_cancel) parses, de-duplicates and prices them. This file only reads files, shows
// progress, and lays out the report. It never does money arithmetic: every amount shown is a decimal string
// from Python (kept exact in data-value); the only numbers computed here are bar lengths for the charts,
// from the ratios Python sends. All log text goes into the page through textContent (never innerHTML).
import { h } from "./_dom.js";

const CHUNK_BYTES = 4 * 1024 * 1024;
const FOLDER_SUFFIXES = [".jsonl", ".ndjson", ".json", ".csv"];
const BUCKET_LABELS = {
  input: "Input (uncached)",
  cache_write_5m: "5-minute cache writes",
  cache_write_1h: "1-hour cache writes",
  cache_read: "Cache reads",
  output: "Output",
  web_search: "Web search",
};
const LEVER_LABELS = {
  caching: "Prompt caching",
  cache_ttl_1h: "1-hour cache TTL",
  batch: "Batch API",
  routing: "Routing to a cheaper model",
  output_cap: "Output cap at p95",
};
const SVG_NS = "http://www.w3.org/2000/svg";


function svg(tag, attrs = {}, text = null) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== null) el.textContent = text;
  return el;
}

// Display a decimal string from Python as dollars: group thousands and round half-up to cents (sub-cent
// amounts keep four places) by string manipulation only, so no binary floating point touches money.
export function usd(text) {
  if (text === null || text === undefined) return "–";
  let s = String(text);
  const neg = s.startsWith("-");
  if (neg) s = s.slice(1);
  let [whole, frac = ""] = s.split(".");
  const small = whole === "0" && frac.padEnd(2, "0").startsWith("00") && /[1-9]/.test(frac); // under a cent
  const places = small ? 4 : 2;
  const digits = (whole + frac.padEnd(places + 1, "0").slice(0, places)).split("").map(Number);
  if (Number(frac.padEnd(places + 1, "0")[places]) >= 5) {
    let i = digits.length - 1;
    while (i >= 0) {
      if (digits[i] === 9) { digits[i] = 0; i -= 1; } else { digits[i] += 1; break; }
    }
    if (i < 0) digits.unshift(1);
  }
  const all = digits.join("");
  let w = all.slice(0, all.length - places).replace(/^0+(?=\d)/, "") || "0";
  w = w.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const out = `$${w}.${all.slice(all.length - places)}`;
  return neg && /[1-9]/.test(all) ? `−${out}` : out;
}

function pct(share) {
  if (share === null || share === undefined) return "–";
  const [w, f = ""] = String(share).replace("-", "").split(".");
  const basis = (w + f.padEnd(4, "0").slice(0, 4)).replace(/^0+(?=\d)/, ""); // share x 10,000
  const p = basis.padStart(3, "0");
  const text = `${p.slice(0, -2).replace(/^0+(?=\d)/, "")}.${p.slice(-2)}`.replace(/\.?0+$/, "");
  return `${String(share).startsWith("-") ? "−" : ""}${text || "0"}%`;
}

function int(n) {
  return Number(n).toLocaleString("en-US");
}

function money(testid, value, extra = {}) {
  return h("span", { class: "calc-money", "data-testid": testid, "data-value": value, ...extra, text: usd(value) });
}

function table(caption, head, rows, attrs = {}) {
  return h("div", { class: "calc-table-wrap" },
    h("table", attrs,
      h("caption", { text: caption }),
      h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col", text: c })))),
      h("tbody", {}, rows)));
}

const STYLE = `
.log-widget .log-drop { border: 2px dashed var(--md-default-fg-color--lighter); border-radius: .3rem; padding: 1.2rem;
  text-align: center; cursor: pointer; }
.log-widget .log-drop[data-over="true"], .log-widget .log-drop:focus-visible { border-color: var(--md-accent-fg-color);
  outline: none; background: var(--md-accent-fg-color--transparent); }
.log-widget .log-pickers { display: flex; flex-wrap: wrap; gap: .5rem; justify-content: center; margin-top: .5rem; }
.log-widget .log-options { display: grid; grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr)); gap: .2rem .8rem; }
.log-widget progress { width: 100%; height: .8rem; }
.log-widget .log-progress[hidden], .log-widget .log-report[hidden] { display: none; }
.log-widget .log-figures { display: flex; flex-wrap: wrap; gap: 1.4rem; margin: .6rem 0; }
.log-widget .log-figure { display: flex; flex-direction: column; }
.log-widget .log-figure .calc-money, .log-widget .log-figure strong { font-size: 1.2rem; font-weight: 700; }
.log-widget svg text { font-size: 10px; fill: var(--md-default-fg-color); }
.log-widget svg .bar { fill: var(--md-primary-fg-color); }
.log-widget .log-error { color: #c62828; font-weight: 600; }
.log-widget .log-assumptions { margin: 0; padding-left: 1rem; font-size: .65rem; }
`;

export function mount(element, api) {
  if (!document.getElementById("log-analyser-style")) {
    document.head.append(h("style", { id: "log-analyser-style", text: STYLE }));
  }
  element.classList.add("calc-widget", "log-widget");
  element.replaceChildren();

  const fileInput = h("input", { type: "file", multiple: true, hidden: true, "data-testid": "log-file-input",
    accept: ".jsonl,.ndjson,.json,.csv,.txt,.log" });
  const dirInput = h("input", { type: "file", multiple: true, hidden: true, webkitdirectory: true,
    "data-testid": "log-folder-input" });
  const drop = h("div", { class: "log-drop", role: "button", tabindex: "0", "data-testid": "log-drop",
    "aria-label": "Drop log files or folders here, or press Enter to choose files" },
    h("p", {}, h("strong", { text: "Drop log files or folders here" })),
    h("p", { class: "calc-hint", text: "Claude Code ~/.claude/projects folders, API response or streaming JSONL, Admin API usage and cost reports, Console CSV. The files stay on this computer." }),
    h("div", { class: "log-pickers" },
      h("button", { type: "button", class: "md-button", "data-testid": "log-pick-files", onclick: (e) => { e.stopPropagation(); fileInput.click(); } }, "Choose files"),
      h("button", { type: "button", class: "md-button", "data-testid": "log-pick-folder", onclick: (e) => { e.stopPropagation(); dirInput.click(); } }, "Choose a folder")));

  const field = (label, input, hint) => h("div", { class: "calc-field" }, h("label", { for: input.id, text: label }), input,
    hint ? h("span", { class: "calc-hint", text: hint }) : null);
  const opt = (name, attrs) => h("input", { id: `log-${name}`, name, ...attrs });
  const since = opt("since", { type: "date" });
  const until = opt("until", { type: "date" });
  const batchShare = opt("batch_share", { type: "text", value: "0.5", inputmode: "decimal" });
  const routeTo = opt("route_to", { type: "text", value: "haiku" });
  const format = h("select", { id: "log-format", name: "format" },
    ["auto", "claude-code", "api", "stream", "usage-report", "cost-report", "csv"].map((f) => h("option", { value: f, text: f })));
  const options = h("details", {},
    h("summary", { text: "Options" }),
    h("div", { class: "log-options calc-form" },
      field("From (UTC day)", since), field("Until (UTC day)", until),
      field("Batch share", batchShare, "share of traffic the batch what-if moves (0–1)"),
      field("Route to", routeTo, "cheaper model for the routing what-if"),
      field("Format", format, "auto detects each file")));

  const bar = h("progress", { max: "1000", value: "0", "data-testid": "log-progress", "aria-label": "Analysis progress" });
  const progressText = h("span", { "aria-live": "polite", "data-testid": "log-progress-text" });
  const cancel = h("button", { type: "button", class: "md-button", "data-testid": "log-cancel" }, "Cancel");
  const progress = h("div", { class: "log-progress", hidden: true }, bar, h("div", {}, progressText, " ", cancel));
  const message = h("p", { class: "log-error", role: "alert", "data-testid": "log-error", hidden: true });
  const report = h("div", { class: "log-report calc-results", "data-testid": "log-report", hidden: true });
  element.append(drop, fileInput, dirInput, options, progress, message, report);

  let running = null; // {session, cancelled}

  function showError(text) {
    message.textContent = text;
    message.hidden = !text;
  }

  async function call(name, inputs) {
    const r = await api.call(name, inputs);
    if (!r.ok) {
      const err = new Error(r.errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join("; "));
      err.fields = r.errors;
      throw err;
    }
    return r.result;
  }

  async function analyse(files) {
    if (running) return;
    files = files.filter((f) => f.size >= 0);
    if (!files.length) {
      showError("No log files found (looked for .jsonl, .ndjson, .json and .csv).");
      return;
    }
    showError("");
    report.hidden = true;
    const total = files.reduce((n, f) => n + f.size, 0) || 1;
    let done = 0;
    bar.value = 0;
    progress.hidden = false;
    const run = { session: null, cancelled: false };
    running = run;
    element.dataset.state = "running";
    try {
      const opts = { since: since.value, until: until.value, batch_share: batchShare.value, route_to: routeTo.value,
        format: format.value };
      run.session = (await call("analyze_start", opts)).session;
      const used = new Set();
      for (const file of files) {
        let name = file.webkitRelativePath || file.name;
        for (let k = 2; used.has(name); k += 1) name = `${file.webkitRelativePath || file.name} (${k})`;
        used.add(name);
        const decoder = new TextDecoder("utf-8");
        for (let at = 0; at < file.size || at === 0; at += CHUNK_BYTES) {
          if (run.cancelled) break;
          const buf = await file.slice(at, at + CHUNK_BYTES).arrayBuffer();
          const last = at + CHUNK_BYTES >= file.size;
          const text = decoder.decode(buf, { stream: !last });
          const p = await call("analyze_chunk", { session: run.session, file: name, text, final: last });
          done += buf.byteLength;
          bar.value = Math.round((done / total) * 1000);
          progressText.textContent = `${(done / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB · ${int(p.records)} records · ${int(p.malformed)} malformed lines`;
          if (file.size === 0) break;
        }
        if (run.cancelled) break;
      }
      if (run.cancelled) {
        await call("analyze_cancel", { session: run.session });
        progressText.textContent = "Cancelled. Nothing was kept.";
        element.dataset.state = "cancelled";
        return;
      }
      progressText.textContent = "Pricing…";
      const rep = await call("analyze_finish", { session: run.session, csv: true });
      render(rep);
      progress.hidden = true;
      element.dataset.state = "done";
    } catch (err) {
      showError(err.message || String(err));
      element.dataset.state = "error";
      if (run.session) api.call("analyze_cancel", { session: run.session }).catch(() => {});
    } finally {
      running = null;
    }
  }

  cancel.addEventListener("click", () => { if (running) running.cancelled = true; });

  function pickable(list, fromFolder) {
    const files = Array.from(list);
    return fromFolder ? files.filter((f) => FOLDER_SUFFIXES.some((s) => f.name.toLowerCase().endsWith(s))) : files;
  }
  fileInput.addEventListener("change", () => { analyse(pickable(fileInput.files, false)); fileInput.value = ""; });
  dirInput.addEventListener("change", () => { analyse(pickable(dirInput.files, true)); dirInput.value = ""; });
  drop.addEventListener("click", () => fileInput.click());
  drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); fileInput.click(); } });
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.dataset.over = "true"; });
  drop.addEventListener("dragleave", () => { drop.dataset.over = "false"; });
  drop.addEventListener("drop", async (e) => {
    e.preventDefault();
    drop.dataset.over = "false";
    const items = Array.from(e.dataTransfer.items || []);
    const entries = items.map((i) => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null));
    if (entries.length && entries.every(Boolean)) {
      const files = [];
      for (const entry of entries) await collect(entry, files, entries.length === 1 && entry.isFile);
      analyse(files);
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

  function render(rep) {
    report.replaceChildren();
    const first = rep.first_day;
    report.append(h("h3", { text: first ? `Usage from ${first} to ${rep.last_day}` : "No priced records" }));
    report.append(h("div", { class: "log-figures" },
      h("div", { class: "log-figure" }, h("span", { class: "calc-figure-label", text: "Total" }), money("log-total-usd", rep.total_usd)),
      h("div", { class: "log-figure" }, h("span", { class: "calc-figure-label", text: "Priced requests" }),
        h("strong", { "data-testid": "log-records", "data-value": rep.records, text: int(rep.records) })),
      h("div", { class: "log-figure" }, h("span", { class: "calc-figure-label", text: "Mean / p50 / p95 per request" }),
        h("span", {}, money("log-turn-mean", rep.per_turn.mean_usd), " / ", money("log-turn-p50", rep.per_turn.p50_usd), " / ",
          money("log-turn-p95", rep.per_turn.p95_usd))),
      h("div", { class: "log-figure" }, h("span", { class: "calc-figure-label", text: "Cache hit rate (prompt tokens)" }),
        h("strong", { "data-testid": "log-cache-hit", "data-value": rep.cache.hit_rate ?? "", text: pct(rep.cache.hit_rate) })),
      h("div", { class: "log-figure" }, h("span", { class: "calc-figure-label", text: "Malformed lines" }),
        h("strong", { "data-testid": "log-malformed", "data-value": rep.malformed, text: int(rep.malformed) }))));
    report.append(h("p", { class: "calc-hint", text: `${int(rep.lines.lines)} lines read, ${int(rep.duplicates_merged)} streamed duplicates merged, ${int(rep.lines.ignored)} lines without a billed request. Prices from pricing.toml (checked ${rep.pricing_checked}); each request at the prices of its own day.` }));

    report.append(h("h4", { text: "Cost by day" }), dayChart(rep.by_day));
    report.append(h("h4", { text: "Spend by bucket" }), bucketChart(rep.spend_by_bucket));

    report.append(table("By model", ["Model", "Requests", "Input", "5m writes", "1h writes", "Cache reads", "Output", "Cost"],
      Object.entries(rep.by_model).map(([id, m]) => h("tr", { "data-model": id },
        h("td", { text: id }), h("td", { text: int(m.records) }), h("td", { text: int(m.input) }), h("td", { text: int(m.cache_write_5m) }),
        h("td", { text: int(m.cache_write_1h) }), h("td", { text: int(m.cache_read) }), h("td", { text: int(m.output) }),
        h("td", {}, money("log-model-usd", m.total_usd)))), { "data-testid": "log-by-model" }));

    const unpriced = Object.entries(rep.unpriced);
    if (unpriced.length) {
      report.append(table("Unpriced (not in the total)", ["Model", "Records", "Tokens in", "Tokens out", "Why"],
        unpriced.map(([id, u]) => h("tr", {}, h("td", { text: id }), h("td", { text: int(u.records) }),
          h("td", { text: int(u.input + u.cache_write_5m + u.cache_write_1h + u.cache_read) }), h("td", { text: int(u.output) }),
          h("td", { text: u.reason }))), { "data-testid": "log-unpriced" }));
    }

    report.append(table("What each lever would have saved", ["Lever", "Saving", "Share", "Assumptions"],
      rep.what_if.map((w) => h("tr", { "data-lever": w.lever },
        h("td", { text: LEVER_LABELS[w.lever] || w.lever }), h("td", {}, money("log-lever-usd", w.saving_usd)),
        h("td", { text: pct(w.saving_share) }),
        h("td", {}, h("ul", { class: "log-assumptions" }, w.assumptions.map((a) => h("li", { text: a }))))),
      ), { "data-testid": "log-what-if" }));

    if (rep.reconciliation.length) {
      report.append(table("Reconciliation with the cost report", ["Day", "Model", "Estimate", "Billed", "Difference", "Explanation"],
        rep.reconciliation.map((r) => h("tr", {}, h("td", { text: r.day }), h("td", { text: r.model }),
          h("td", {}, money("log-rec-estimate", r.estimated_usd)), h("td", {}, money("log-rec-billed", r.billed_usd)),
          h("td", {}, money("log-rec-diff", r.difference_usd)), h("td", { text: r.explanation }))), { "data-testid": "log-reconciliation" }));
    }

    const sessions = rep.by_session.filter((s) => s.session !== "(none)").slice(0, 15);
    if (sessions.length) {
      report.append(table("Top sessions or API keys", ["Session / key", "Requests", "Days", "Cost"],
        sessions.map((s) => h("tr", {}, h("td", { text: s.session }), h("td", { text: int(s.records) }),
          h("td", { text: s.first_day === s.last_day ? s.first_day : `${s.first_day} – ${s.last_day}` }),
          h("td", {}, money("log-session-usd", s.total_usd))))));
    }

    if (rep.malformed_lines.length) {
      report.append(h("h4", { text: `Malformed lines (${int(rep.malformed)}; first ${rep.malformed_lines.length})` }),
        h("ul", { "data-testid": "log-malformed-lines" }, rep.malformed_lines.map((m) => h("li", {}, h("code", { text: `${m.file}:${m.line}` }), ` ${m.reason}`))));
    }
    if (rep.notes.length) {
      report.append(h("h4", { text: "Notes" }), h("ul", { class: "calc-notes" }, rep.notes.map((n) => h("li", { text: n }))));
    }
    const { records_csv: recordsCsv, ...json } = rep;
    const jsonUrl = URL.createObjectURL(new Blob([JSON.stringify(json, null, 2)], { type: "application/json" }));
    const csvUrl = URL.createObjectURL(new Blob([recordsCsv || ""], { type: "text/csv" }));
    report.append(h("p", {},
      h("a", { class: "md-button", href: jsonUrl, download: "claude-usage-report.json", "data-testid": "log-download-json" }, "Download the report (JSON)"), " ",
      h("a", { class: "md-button", href: csvUrl, download: "claude-usage-records.csv", "data-testid": "log-download-csv" }, "Download per-request costs (CSV)")));
    report.hidden = false;
  }

  function dayChart(days) {
    const width = 640;
    const height = 160;
    const n = Math.max(days.length, 1);
    const bw = width / n;
    const s = svg("svg", { viewBox: `0 0 ${width} ${height + 14}`, role: "img", "data-testid": "log-day-chart",
      "aria-label": `Cost by day, ${days.length} days` });
    days.forEach((d, i) => {
      const frac = Number(d.of_max || 0);
      const bh = Math.max(frac * height, d.total_usd === "0" ? 0 : 1);
      const r = svg("rect", { class: "bar", x: i * bw + bw * 0.1, y: height - bh, width: Math.max(bw * 0.8, 0.5), height: bh });
      r.append(svg("title", {}, `${d.day}: ${usd(d.total_usd)} (${int(d.records)} requests)`));
      s.append(r);
    });
    if (days.length) {
      s.append(svg("text", { x: 0, y: height + 12 }, days[0].day));
      s.append(svg("text", { x: width, y: height + 12, "text-anchor": "end" }, days[days.length - 1].day));
    }
    return s;
  }

  function bucketChart(buckets) {
    const rows = Object.entries(buckets);
    const rowH = 20;
    const s = svg("svg", { viewBox: `0 0 640 ${rows.length * rowH}`, role: "img", "data-testid": "log-bucket-chart",
      "aria-label": "Share of spend by bucket" });
    rows.forEach(([bucket, v], i) => {
      const y = i * rowH;
      s.append(svg("text", { x: 0, y: y + 14 }, BUCKET_LABELS[bucket] || bucket));
      const w = Number(v.share || 0) * 330;
      const r = svg("rect", { class: "bar", x: 150, y: y + 4, width: Math.max(w, 0), height: rowH - 8 });
      r.append(svg("title", {}, `${BUCKET_LABELS[bucket] || bucket}: ${usd(v.usd)}`));
      s.append(r);
      s.append(svg("text", { x: 640, y: y + 14, "text-anchor": "end", "data-bucket": bucket, "data-value": v.usd }, `${usd(v.usd)} · ${pct(v.share)}`));
    });
    return s;
  }
}
