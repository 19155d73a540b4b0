// The Diff Summarizer widget. Python (calculators.diffsum, bridge name "diff_summary") parses the diff, builds
// the compact version and the summary, estimates the tokens and prices every model; this file collects the
// form (a pasted diff or a dropped file, read here: nothing is uploaded), sends it to the shared worker
// (debounced; the latest input wins) and lays out the answer. It never does money arithmetic: amounts are the
// display strings Python sends, with the exact decimals in data-value. Diff text goes into the page through
// textContent only.
import { createController, hashCodec } from "./_controller.js";
import { formFields, h, money } from "./_dom.js";

const FIELDS = ["diff", "context_lines", "task", "output_tokens", "at"];
const DEBOUNCE_MS = 400;
const MAX_SHARE_CHARS = 40000; // a longer link (a long diff, or one from a file) carries the options only
const MAX_SHOWN = 1000000; // a dropped file larger than this is analysed but not copied into the text box
const MAX_READ = 10 * 1000 * 1000 * 4; // bytes read from a dropped file (Python analyses the first 10 MB of text)
let uid = 0;

// The share link carries the diff and the options in the URL fragment (_controller.js).
const CODEC = hashCodec(FIELDS, { longFields: ["diff"] });

function int(n) {
  return Number(n).toLocaleString("en-US");
}

function range(r) {
  return `${int(r.low)}–${int(r.high)}`;
}

function normalise(inputs) {
  const state = {};
  for (const name of FIELDS) {
    const value = inputs ? inputs[name] : undefined;
    state[name] = value === null || value === undefined ? "" : String(value);
  }
  return state;
}

export function mount(root, api) {
  const pre = api.prerendered;
  const result = pre && pre.response && pre.response.ok ? pre.response.result : null;
  const defaults = normalise(pre ? pre.inputs : {});
  const id = `diff${++uid}`;
  const { fields, errors, errorSlot, field } = formFields(id);

  const fileInput = h("input", { type: "file", hidden: true, accept: ".diff,.patch,.txt,text/x-diff,text/x-patch,text/plain", "data-testid": "diff-file-input" });
  const chooseFile = h("button", { type: "button", class: "md-button", "data-testid": "diff-choose-file", text: "Open a diff file…" });
  const example = h("button", { type: "button", class: "md-button", "data-testid": "diff-example", text: "Load the example" });
  const fileNote = h("p", { class: "calc-hint", "data-testid": "diff-file-note", role: "status", "aria-live": "polite" });
  const box = h("textarea", { rows: 14, spellcheck: "false", autocomplete: "off", wrap: "off",
    placeholder: "Paste the output of git diff or git show here, or drop a .diff / .patch file on this box." });
  const num = () => h("input", { type: "text", inputmode: "numeric", autocomplete: "off" });
  const select = (options) => h("select", {}, options.map(([value, label]) => h("option", { value, text: label })));
  const drop = h("div", { class: "diff-drop", "data-testid": "diff-drop" },
    field("diff", "Unified diff", box, "Nothing leaves this page: the diff is analysed in your browser."));

  const generalError = errorSlot("general");
  const form = h("form", { class: "calc-form", novalidate: true, "aria-label": "Diff Summarizer inputs", onsubmit: (e) => e.preventDefault() },
    drop,
    h("div", { class: "diff-buttons" }, chooseFile, example, fileInput),
    fileNote,
    h("div", { class: "diff-grid" },
      field("context_lines", "Context lines to keep", num(), "Unchanged lines around each change (0–20)."),
      field("task", "Sent for", select([["review", "a code review"], ["summary", "a summary (commit message)"], ["both", "both, minutes apart"]]), ""),
      field("output_tokens", "Expected answer (tokens)", num(), "Empty = the task's default."),
      field("at", "Prices in force on", h("input", { type: "date", min: "2023-01-01", max: "2099-12-31" }), "Empty = today (UTC).")),
    generalError);
  fields.output_tokens.placeholder = "default";

  const shareNote = h("span", { class: "calc-share-note", "data-testid": "share-note", role: "status", "aria-live": "polite" });
  const staleNote = h("p", { class: "calc-stale-note", "data-testid": "stale-note", role: "status", hidden: true });
  const busy = h("p", { class: "calc-hint", "data-testid": "busy", hidden: true, text: "Analysing…" });
  const output = h("div", { class: "diff-results", "data-testid": "results" });
  const announce = h("p", { class: "calc-sr-only", role: "status", "aria-live": "polite" });

  // A dropped file too large for the text box is kept in the state's diff (the box stays empty; typing in it
  // replaces the file). `source_chars` is the size of a file cut short on reading; it is not part of a link.
  let fromFile = false;
  let sourceChars = 0;

  const ctl = createController({
    root, api, codec: CODEC, defaults, output, staleNote, errors, fields, generalError, busyEl: busy, shareNote,
    debounceMs: DEBOUNCE_MS,
    maxShareChars: MAX_SHARE_CHARS,
    compute: (state) => api.call("diff_summary", sourceChars ? { ...state, source_chars: sourceChars } : state),
    render: (r) => render(r),
    describe: (s) => (CODEC.same(s, defaults) ? "the example diff" : "your previous diff and options"),
    notes: { failedEmpty: () => "Live recalculation is not available, so your diff cannot be analysed here." },
  });
  const share = ctl.shareControls("Link to this analysis");
  form.append(h("p", { class: "calc-share-row" }, share.button, " ", share.link, " ", shareNote));

  root.classList.add("calc-widget", "diff-widget");
  const staticFigures = root.querySelector(".calc-prerendered");
  root.append(form, h("section", { "aria-label": "Diff summary" }, staleNote, busy, announce, output));
  if (staticFigures) staticFigures.remove();

  // ---- state <-> form ----------------------------------------------------------------------------------
  function writeForm(state) {
    fromFile = false;
    sourceChars = 0;
    fileNote.textContent = "";
    for (const name of FIELDS) fields[name].value = state[name] ?? "";
    if (!fields.task.value) fields.task.value = "review";
  }

  function readForm() {
    const next = {};
    for (const name of FIELDS) next[name] = fields[name].value;
    if (fromFile) next.diff = ctl.state.diff;
    return next;
  }

  function download(name, text, type) {
    return h("a", { class: "md-button", href: URL.createObjectURL(new Blob([text], { type })), download: name, "data-testid": `download-${name.replace(/\W/g, "-")}`, text: `Download ${name}` });
  }

  function copyButton(testid, label, text) {
    const note = h("span", { class: "calc-hint", role: "status", "aria-live": "polite" });
    const button = h("button", { type: "button", class: "md-button", "data-testid": testid, text: label });
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(text);
        note.textContent = " Copied.";
      } catch {
        note.textContent = " Select the text and copy it (the clipboard is not available here).";
      }
    });
    return [button, note];
  }

  function table(testid, caption, head, rows) {
    return h("div", { class: "calc-table-wrap", tabindex: "0", role: "region", "aria-label": caption },
      h("table", { class: "calc-table", "data-testid": testid },
      h("caption", { text: caption }),
      h("thead", {}, h("tr", {}, head.map((c) => h("th", { scope: "col", text: c })))),
      h("tbody", {}, rows)));
  }

  function render(r) {
    const parts = [];
    for (const note of r.notes) parts.push(h("p", { class: "calc-hint", "data-testid": "diff-note", text: note }));
    const b = r.tokens_before_range;
    const a = r.tokens_after_range;
    parts.push(h("div", { class: "diff-figures" },
      h("div", { class: "diff-figure" }, h("span", { text: "Whole diff" }),
        h("strong", { "data-testid": "tokens-before", "data-value": r.tokens_before, text: `${range(b)} tokens` })),
      h("div", { class: "diff-figure" }, h("span", { text: `Compact version (${r.context_lines} context line${r.context_lines === 1 ? "" : "s"})` }),
        h("strong", { "data-testid": "tokens-after", "data-value": r.tokens_after, text: `${range(a)} tokens` })),
      h("div", { class: "diff-figure" }, h("span", { text: "Fewer tokens" }),
        h("strong", { "data-testid": "tokens-saved", "data-value": r.tokens_saved_percent, text: r.tokens_saved_percent }))));
    parts.push(h("p", { class: "calc-hint", "data-testid": "token-note", text: r.token_note }));

    parts.push(h("h3", { text: "What changed" }));
    parts.push(h("ul", { "data-testid": "summary" }, r.summary.map((s) => h("li", { text: s }))));

    parts.push(table("files", `${int(r.totals.files)} files, +${int(r.totals.added)} −${int(r.totals.removed)} lines`,
      ["File", "Kind", "Added", "Removed", "Tokens", "Compact version"],
      r.files.map((f) => h("tr", { "data-path": f.path, "data-kind": f.kind, class: f.compact === "omitted" ? "diff-omitted" : "" },
        h("td", {}, h("code", { text: f.display_path }), f.status !== "modified" ? h("small", { text: ` (${f.status})` }) : null),
        h("td", { "data-testid": "file-kind", text: f.kind }),
        h("td", { "data-testid": "file-added", "data-value": f.added, text: `+${int(f.added)}` }),
        h("td", { "data-testid": "file-removed", "data-value": f.removed, text: `−${int(f.removed)}` }),
        h("td", { "data-testid": "file-tokens", "data-value": f.tokens, text: `${int(f.tokens)} → ${int(f.tokens_after)}` }),
        h("td", { "data-testid": "file-compact", text: f.compact })))));

    parts.push(h("h3", { text: `What sending it costs: ${r.task_label}` }));
    const answer = Object.values(r.output_tokens).map((n) => `${int(n)} tokens`).join(" and ");
    parts.push(table("costs", `One ${r.task === "both" ? "review and one summary" : "request"} per diff; expected answer ${answer}; prices of ${r.at}`,
      ["Model", "Whole diff", "Compact", "Whole, batch", "Compact, batch", "Note"],
      r.costs.map((c) => h("tr", { "data-testid": "cost-row", "data-model": c.model },
        h("th", { scope: "row", text: c.model_name }),
        h("td", {}, money("cost-before", c.before)),
        h("td", {}, money("cost-after", c.after)),
        h("td", {}, money("cost-before-batch", c.before_batch)),
        h("td", {}, money("cost-after-batch", c.after_batch)),
        h("td", { text: [c.reason || "", c.caching || "", c.note || ""].filter(Boolean).join("; ") })))));

    const rec = r.recommended;
    parts.push(h("h3", { text: "Model, max_tokens and request code" }));
    if (rec.model) {
      parts.push(h("p", {}, "The recommender's rules pick ",
        h("strong", { "data-testid": "recommended-model", "data-value": rec.model, text: rec.model_name }),
        ` (${rec.tier_label.toLowerCase()} tier) with `,
        h("code", { "data-testid": "max-tokens", "data-value": rec.max_tokens, text: `max_tokens=${rec.max_tokens}` }),
        rec.rules.length ? `: ${rec.rules.map((x) => x.when).join("; ")}.` : "."));
      const [copy, note] = copyButton("copy-code", "Copy code", rec.code.python);
      parts.push(h("p", { class: "diff-buttons" }, copy, note));
      parts.push(h("pre", {}, h("code", { tabindex: "0", "aria-label": "Request code (Python)", class: "language-python", "data-testid": "code-python", text: rec.code.python })));
    } else {
      parts.push(h("p", { "data-testid": "recommend-error", text: rec.error }));
    }

    parts.push(h("h3", { text: "The compact version" }));
    const [copyDiff, diffNote] = copyButton("copy-compact", "Copy the compact diff", r.compact_diff);
    parts.push(h("p", { class: "diff-buttons" }, copyDiff, download("compact.diff", r.compact_diff, "text/x-diff"), diffNote));
    parts.push(h("pre", {}, h("code", { tabindex: "0", "aria-label": "The compact diff", "data-testid": "compact-diff", text: r.compact_diff })));

    output.replaceChildren(...parts);
    announce.textContent = `Compact version: ${r.tokens_saved_percent} fewer tokens.`;
    root.dispatchEvent(new CustomEvent("calc:rendered", { detail: { tokens_after: r.tokens_after } }));
  }

  form.addEventListener("input", (event) => {
    if (event.target === box && fromFile) {
      fromFile = false;
      sourceChars = 0;
      fileNote.textContent = "";
    }
    ctl.update(readForm());
  });

  async function takeFile(file) {
    if (!file) return;
    ctl.clearErrors();
    const cut = file.size > MAX_READ;
    const text = await file.slice(0, MAX_READ).text();
    const next = { ...readForm(), diff: text };
    sourceChars = cut ? file.size : 0;
    fromFile = text.length > MAX_SHOWN;
    box.value = fromFile ? "" : text;
    fileNote.textContent = fromFile
      ? `${file.name} (${(file.size / 1e6).toFixed(1)} MB) is analysed but too large to show in the box; type or paste in the box to replace it.`
      : `${file.name}: ${int(file.size)} bytes.`;
    if (CODEC.same(next, ctl.state)) ctl.invalidate(); // the same text again (a file cut at another place)
    else ctl.update(next, 0);
  }

  chooseFile.addEventListener("click", () => fileInput.click());
  fileInput.addEventListener("change", () => { takeFile(fileInput.files[0]); fileInput.value = ""; });
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.dataset.over = "true"; });
  drop.addEventListener("dragleave", () => { drop.dataset.over = "false"; });
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.dataset.over = "false";
    const files = Array.from((e.dataTransfer && e.dataTransfer.files) || []);
    if (files.length) takeFile(files[0]);
  });
  example.addEventListener("click", () => {
    writeForm(defaults);
    ctl.update({ ...defaults }, 0);
  });
  ctl.onHashChange(writeForm);

  // ---- first paint: the build's figures, then live -------------------------------------------------------
  if (result) render(result);
  else output.append(h("p", { text: "The analysis appears when live recalculation is ready." }));
  writeForm(ctl.start({ shownState: result ? defaults : null }));

  api.onStatus((status) => {
    if (status === "live" && !ctl.inflight && CODEC.same(ctl.state, defaults)) {
      // Warm up: the first call imports the module in the worker; do it now, not on the first keystroke.
      api.call("diff_summary", { ...defaults }).catch(() => undefined);
    }
  });
}
