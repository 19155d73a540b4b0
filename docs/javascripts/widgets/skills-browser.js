// The Skills Browser widget. A dropped or chosen folder is read here, in the browser, and nothing is uploaded:
// the list of paths goes to Python first (bridge "skills_plan"), which answers which files are worth reading;
// only those are read and sent (bridge "skills"), and again any file a CLAUDE.md imports that Python asks for
// ("need"). Python (calculators.skills) decides what loads always or on demand, estimates the tokens, writes
// the warnings and prices every model; this file shows the answer. It never does money arithmetic: amounts
// are the display strings Python sends, with the exact decimals in data-value. File text goes into the page
// through textContent only.
import { createController, hashCodec } from "./_controller.js";
import { formFields, h, money } from "./_dom.js";

const OPTIONS = ["turns_per_day", "gap_minutes", "model", "mcp_tool_search", "mcp_tokens", "at"];
const DEBOUNCE_MS = 350;
const MAX_FILE_BYTES = 4 * 1000 * 1000; // Python counts the first million characters of a file
// Folders not walked when a folder is dropped (Python skips the same ones; this only saves reading their
// listings).
const SKIP_DIRS = new Set([".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hg", ".svn", ".idea", ".gradle", ".next", ".nuxt", "target", ".terraform"]);
let uid = 0;



function int(n) {
  return Number(n).toLocaleString("en-US");
}

// The share link carries the options only (_controller.js); the folder itself never goes into a link.
const CODEC = hashCodec(OPTIONS, { bools: ["mcp_tool_search"] });

function skipped(path) {
  return path.split("/").slice(0, -1).some((part) => SKIP_DIRS.has(part));
}

export function mount(root, api) {
  const pre = api.prerendered;
  const result = pre && pre.response && pre.response.ok ? pre.response.result : null;
  const example = pre ? pre.inputs : { files: {}, paths: [], root_name: "" };
  // The state is the options plus `folder`, a number that changes with each folder the reader opens (0 is the
  // page's example): the figures are for one folder and one set of options.
  const defaults = { folder: 0 };
  for (const name of OPTIONS) defaults[name] = example[name] === undefined ? "" : example[name];
  defaults.mcp_tool_search = defaults.mcp_tool_search !== false && defaults.mcp_tool_search !== "false";
  // The folder being analysed: the page's example until the reader drops their own.
  let folder = { id: 0, root_name: example.root_name || "", files: { ...(example.files || {}) }, paths: [...(example.paths || [])], label: "the example" };
  let folders = 0;
  // Live File objects of a dropped folder, by relative path, for reading what Python asks for.
  let handles = null;
  const id = `skills${++uid}`;
  const { fields, errors, errorSlot, field } = formFields(id);

  const dirInput = h("input", { type: "file", hidden: true, multiple: true, webkitdirectory: true, "data-testid": "skills-folder-input" });
  const fileInput = h("input", { type: "file", hidden: true, multiple: true, accept: ".md,.json", "data-testid": "skills-file-input" });
  const pickFolder = h("button", { type: "button", class: "md-button", "data-testid": "skills-pick-folder", text: "Choose a folder" });
  const pickFiles = h("button", { type: "button", class: "md-button", "data-testid": "skills-pick-files", text: "Choose files" });
  const exampleButton = h("button", { type: "button", class: "md-button", "data-testid": "skills-example", text: "Show the example" });
  // The drop zone is a plain region: the buttons in it are the keyboard's way in, dropping is the mouse's.
  const drop = h("section", { class: "skills-drop", "data-testid": "skills-drop", "aria-labelledby": "skills-drop-title" },
    h("p", { id: "skills-drop-title" }, h("strong", { text: "Drop a project folder or a .claude folder here" })),
    h("p", { class: "calc-hint", text: "Only CLAUDE.md files, .claude/, .mcp.json and *.tools.json are read; other files are only counted. Nothing is uploaded." }),
    h("div", { class: "skills-pickers" }, pickFolder, pickFiles, exampleButton));
  const num = (mode) => h("input", { type: "text", inputmode: mode, autocomplete: "off" });
  const generalSlot = errorSlot("general");
  const modelSelect = h("select", {});
  const search = h("input", { type: "checkbox" });
  const form = h("form", { class: "calc-form", novalidate: true, "aria-label": "Skills Browser options", onsubmit: (e) => e.preventDefault() },
    h("div", { class: "skills-grid" },
      field("turns_per_day", "Turns per day", num("decimal"), "Model requests a day; every tool-use step is one."),
      field("gap_minutes", "Typical gap between turns (minutes)", num("decimal"), "Sets how often the cache is still warm."),
      field("model", "Price savings on", modelSelect, ""),
      field("mcp_tokens", "MCP tool tokens to add", num("numeric"), "For example the MCP figure /context shows."),
      field("at", "Prices in force on", h("input", { type: "date", min: "2023-01-01", max: "2099-12-31" }), "Empty = today (UTC)."),
      h("div", { class: "calc-field calc-field-mcp_tool_search" },
        h("label", {}, search, " MCP tool search is on"),
        h("small", { class: "calc-hint", text: "On by default in current Claude Code: only tool names load up front." }))),
    generalSlot);
  search.name = "mcp_tool_search";
  fields.mcp_tool_search = search;

  const shareNote = h("span", { class: "calc-share-note", "data-testid": "share-note", role: "status", "aria-live": "polite", text: "The folder itself never goes into a link." });
  const progress = h("p", { class: "calc-hint", "data-testid": "skills-progress", role: "status", "aria-live": "polite", hidden: true });
  // Messages about the folder as a whole (and any without a field of their own).
  const message = h("p", { class: "skills-error", role: "alert", "data-testid": "skills-error", hidden: true });
  const staleNote = h("p", { class: "calc-stale-note", "data-testid": "stale-note", role: "status", hidden: true });
  const output = h("div", { class: "skills-results", "data-testid": "results" });
  const announce = h("p", { class: "calc-sr-only", role: "status", "aria-live": "polite" });

  const ctl = createController({
    root, api, codec: CODEC, defaults, output, staleNote, errors, fields, generalError: message, shareNote,
    same: (a, b) => a.folder === b.folder && CODEC.same(a, b),
    fromHash: (partial) => ({ ...defaults, ...partial, folder: folder.id }),
    debounceMs: DEBOUNCE_MS,
    compute,
    render: (r) => render(r),
    describe: (s) => (s.folder === 0 ? "the example" : "the last folder and options that could be analysed"),
    notes: { failedEmpty: () => "Live recalculation is not available, so a folder cannot be analysed here." },
  });
  const share = ctl.shareControls("Link to these options");
  form.append(h("p", { class: "calc-share-row" }, share.button, " ", share.link, " ", shareNote));

  root.classList.add("calc-widget", "skills-widget");
  const staticFigures = root.querySelector(".calc-prerendered");
  root.append(drop, dirInput, fileInput, form, progress, message, h("section", { "aria-label": "What loads every turn" }, staleNote, announce, output));
  if (staticFigures) staticFigures.remove();

  // ---- form <-> options ----------------------------------------------------------------------------------
  function fillModels(costs, selected) {
    const current = modelSelect.value || selected;
    modelSelect.replaceChildren(...costs.map((c) => h("option", { value: c.model, text: c.model_name })));
    const wanted = costs.find((c) => c.model === current) ? current : selected;
    modelSelect.value = wanted;
  }

  function writeForm(state) {
    for (const name of ["turns_per_day", "gap_minutes", "mcp_tokens", "at"]) fields[name].value = state[name] ?? "";
    search.checked = Boolean(state.mcp_tool_search);
    modelSelect.value = state.model;
    if (!modelSelect.value && result) modelSelect.value = result.selected_model.id; // (a family name: "sonnet")
  }

  function readForm() {
    const next = { ...ctl.state };
    for (const name of ["turns_per_day", "gap_minutes", "mcp_tokens", "at"]) next[name] = fields[name].value;
    next.model = modelSelect.value || next.model;
    next.mcp_tool_search = search.checked;
    return next;
  }

  // ---- rendering -------------------------------------------------------------------------------------------
  function table(testid, caption, head, rows) {
    return h("div", { class: "calc-table-wrap", tabindex: "0", role: "region", "aria-label": caption },
      h("table", { class: "calc-table", "data-testid": testid },
      h("caption", { text: caption }),
      h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col", text: c })))),
      h("tbody", {}, rows)));
  }

  function render(r) {
    fillModels(r.costs, r.selected_model.id);
    const sel = r.costs.find((c) => c.selected) || r.costs[0];
    const parts = [];
    parts.push(h("p", { class: "calc-hint", "data-testid": "skills-source" },
      `${folder.label === "the example" ? "The example" : folder.label} (${r.layout}): ${int(r.files.listed)} files, ${int(r.files.read)} read.`));
    for (const note of r.notes) parts.push(h("p", { class: "calc-hint", "data-testid": "skills-note", text: note }));
    const a = r.always_range;
    const d = r.on_demand_range;
    parts.push(h("div", { class: "skills-figures" },
      h("div", { class: "skills-figure" }, h("span", { text: "Always loaded, every turn" }),
        h("strong", { "data-testid": "always-total", "data-value": r.always_tokens_total, text: `about ${int(r.always_tokens_total)} tokens` }),
        h("small", { text: `${int(a.low)}–${int(a.high)}` })),
      h("div", { class: "skills-figure" }, h("span", { text: "Loaded on demand" }),
        h("strong", { "data-testid": "on-demand-total", "data-value": r.on_demand_tokens_total, text: `about ${int(r.on_demand_tokens_total)} tokens` }),
        h("small", { text: `${int(d.low)}–${int(d.high)}` })),
      sel ? h("div", { class: "skills-figure" }, h("span", { text: `A month on ${sel.model_name}, cached` }), money("monthly-cached", sel.monthly_cached),
        h("small", {}, "uncached: ", money("monthly-uncached", sel.monthly_uncached))) : null));
    parts.push(h("p", { class: "calc-hint", text: r.token_note }));

    const w = r.workload;
    parts.push(h("h3", { text: "What the always-loaded part costs a month" }));
    parts.push(table("costs", `${int(w.turns_per_day)} turns a day (${int(w.turns_per_month)} a month), ${w.gap_minutes} minute(s) apart: about ${(Number(w.cache_hit_rate) * 100).toFixed(1)}% of turns read the cache. Prices of ${r.at}.`,
      ["Model", "Tokens", "Uncached", "Cached", "Fixing every warning saves (cached / uncached)"],
      r.costs.map((c) => h("tr", { "data-testid": "cost-row", "data-model": c.model, class: c.selected ? "skills-selected" : "" },
        h("th", { scope: "row", text: c.model_name + (c.note ? ` (${c.note})` : "") }),
        h("td", { text: int(c.tokens) }),
        h("td", {}, money("cost-uncached", c.monthly_uncached)),
        h("td", {}, money("cost-cached", c.monthly_cached)),
        h("td", {}, money("saving-cached", c.saving_cached), " / ", money("saving-uncached", c.saving_uncached))))));

    parts.push(h("h3", { text: "File by file" }));
    parts.push(table("items", "Tokens are estimates (older tokenizer); the cost table applies each model's own.",
      ["Path", "Kind", "Loads", "Always", "On demand", "Notes"],
      r.items.map((it) => h("tr", { "data-testid": "item-row", "data-path": it.path, "data-kind": it.kind, class: it.loads === "always" ? "" : "skills-off" },
        h("td", {}, h("code", { text: it.path }), it.name ? h("small", { text: ` ${it.name}` }) : null),
        h("td", { text: it.kind }),
        h("td", { text: it.loads }),
        h("td", { "data-testid": "item-always", "data-value": it.always_tokens, text: int(it.always_tokens) }),
        h("td", { "data-testid": "item-on-demand", "data-value": it.on_demand_tokens, text: int(it.on_demand_tokens) }),
        h("td", { text: it.detail })))));

    const warned = r.items.flatMap((it) => it.warnings.map((wn) => [it, wn]));
    parts.push(h("h3", { text: warned.length ? `Warnings (${warned.length})` : "Warnings" }));
    parts.push(warned.length
      ? h("ul", { "data-testid": "warnings" }, warned.map(([it, wn]) => h("li", { "data-warning": wn.id, "data-path": it.path },
        h("code", { text: it.path }), `: ${wn.message}`,
        wn.saving_tokens ? h("span", {}, ` Saves about ${int(wn.saving_tokens)} tokens a turn: `, money("warning-saving-cached", wn.saving_monthly.cached),
          ` a month cached, `, money("warning-saving-uncached", wn.saving_monthly.uncached), ` uncached, on ${r.selected_model.name}.`) : null)))
      : h("p", { "data-testid": "warnings", text: "Nothing to trim: no description is too long, no CLAUDE.md too large, nothing repeated." }));

    output.replaceChildren(...parts);
    announce.textContent = `About ${int(r.always_tokens_total)} tokens load every turn; ${warned.length} warning(s).`;
    root.dispatchEvent(new CustomEvent("calc:rendered", { detail: { always: r.always_tokens_total } }));
  }

  // ---- talking to Python -----------------------------------------------------------------------------------
  async function call(name, inputs) {
    const response = await api.call(name, inputs);
    if (!response.ok) {
      const err = new Error(response.errors.map((e) => e.message).join(" "));
      err.fields = response.errors;
      throw err;
    }
    return response.result;
  }

  function whenLive() {
    if (api.status === "live") return Promise.resolve();
    if (api.status === "failed") return Promise.reject(new Error("live recalculation is not available on this page, so a folder cannot be analysed here"));
    progress.hidden = false;
    progress.textContent = "Waiting for Python to load…";
    return new Promise((resolve, reject) => {
      const stop = api.onStatus((status) => {
        if (status === "live") { if (stop) stop(); resolve(); }
        if (status === "failed") { if (stop) stop(); reject(new Error("live recalculation could not start, so a folder cannot be analysed here")); }
      });
    });
  }

  async function readText(file) {
    return file.slice(0, MAX_FILE_BYTES).text();
  }

  // One analysis for the controller: the options with the folder, again with any file a CLAUDE.md imports that
  // Python asks for (a dropped folder only: the example has every file already).
  async function compute(state, signal) {
    const f = folder;
    try {
      for (let round = 0; ; round += 1) {
        const response = await api.call("skills", { ...state, folder: undefined, root_name: f.root_name, files: f.files, paths: f.paths });
        if (!response.ok || signal.aborted || round === 5) return response;
        const missing = handles ? response.result.need.filter((p) => handles.has(p) && !(p in f.files)) : [];
        if (!missing.length) return response;
        progress.hidden = false;
        progress.textContent = `Reading ${missing.length} imported file(s)…`;
        for (const p of missing) f.files[p] = await readText(handles.get(p));
      }
    } finally {
      progress.hidden = true;
    }
  }

  let generation = 0;

  async function takeFolder(entries, rootName, label) {
    // entries: [relative path, File]
    const mine = ++generation;
    ctl.clearErrors();
    progress.hidden = false;
    try {
      await whenLive();
      const map = new Map(entries.filter(([p]) => !skipped(p)));
      const paths = [...map.keys()];
      if (!paths.length) throw new Error("The folder is empty (or holds only folders this tool skips, such as node_modules and .git).");
      progress.textContent = `Listing ${int(paths.length)} files…`;
      const plan = await call("skills_plan", { paths, root_name: rootName });
      const files = {};
      let n = 0;
      for (const p of plan.read) {
        n += 1;
        if (n % 50 === 0) progress.textContent = `Reading ${int(n)} of ${int(plan.read.length)} files…`;
        files[p] = await readText(map.get(p));
      }
      if (mine !== generation) return;
      handles = map;
      folder = { id: ++folders, root_name: rootName, files, paths, label: label || rootName || "your files" };
      progress.hidden = true;
      ctl.update({ ...ctl.state, folder: folder.id }, 0);
    } catch (err) {
      if (mine !== generation) return;
      ctl.showErrors(err.fields || [{ field: "general", message: err.message }]);
      progress.hidden = true;
    }
  }

  function fromInput(list) {
    const files = Array.from(list);
    if (!files.length) return;
    const rel = files.map((f) => f.webkitRelativePath || f.name);
    const top = rel[0].includes("/") ? rel[0].split("/")[0] : "";
    const sameTop = top && rel.every((p) => p.startsWith(top + "/"));
    const entries = files.map((f, i) => [sameTop ? rel[i].slice(top.length + 1) : rel[i], f]);
    takeFolder(entries, sameTop ? top : "", sameTop ? top : `${files.length} file(s)`);
  }

  async function walk(entry, prefix, out) {
    if (entry.isFile) {
      const file = await new Promise((res, rej) => entry.file(res, rej));
      out.push([prefix + entry.name, file]);
      return;
    }
    if (SKIP_DIRS.has(entry.name)) return;
    const reader = entry.createReader();
    for (;;) {
      const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
      if (!batch.length) break;
      for (const child of batch) await walk(child, `${prefix}${entry.name}/`, out);
    }
  }

  async function fromDrop(dataTransfer) {
    const items = Array.from(dataTransfer.items || []);
    const entries = items.map((i) => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null)).filter(Boolean);
    if (entries.length === 1 && entries[0].isDirectory) {
      const dir = entries[0];
      const out = [];
      const reader = dir.createReader();
      for (;;) {
        const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const child of batch) await walk(child, "", out);
      }
      takeFolder(out, dir.name, dir.name);
    } else if (entries.length) {
      const out = [];
      for (const entry of entries) await walk(entry, "", out);
      takeFolder(out, "", `${out.length} file(s)`);
    } else {
      fromInput(dataTransfer.files || []);
    }
  }

  pickFolder.addEventListener("click", (e) => { e.stopPropagation(); dirInput.click(); });
  pickFiles.addEventListener("click", (e) => { e.stopPropagation(); fileInput.click(); });
  exampleButton.addEventListener("click", (e) => {
    e.stopPropagation();
    generation += 1; // (a folder still being read is dropped)
    handles = null;
    folder = { id: 0, root_name: example.root_name || "", files: { ...(example.files || {}) }, paths: [...(example.paths || [])], label: "the example" };
    ctl.update({ ...ctl.state, folder: 0 }, 0);
  });
  dirInput.addEventListener("change", () => { fromInput(dirInput.files); dirInput.value = ""; });
  fileInput.addEventListener("change", () => { fromInput(fileInput.files); fileInput.value = ""; });
  drop.addEventListener("click", () => dirInput.click());
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.dataset.over = "true"; });
  drop.addEventListener("dragleave", () => { drop.dataset.over = "false"; });
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.dataset.over = "false";
    fromDrop(e.dataTransfer).catch((err) => ctl.showErrors([{ field: "general", message: `Could not read the folder: ${err.message}` }]));
  });

  // A choice (the model, the tool-search box) applies at once; typing waits for a pause.
  form.addEventListener("input", (e) => ctl.update(readForm(), e.target === modelSelect || e.target === search ? 0 : undefined));
  ctl.onHashChange(writeForm);

  // ---- first paint: the build's figures, then live ---------------------------------------------------------
  if (result) render(result);
  else output.append(h("p", { text: "The analysis appears when live recalculation is ready." }));
  writeForm(ctl.start({ shownState: result ? defaults : null }));
}
