// The Prompt-Pricing Recommender widget. Python (calculators.recommend, bridge name "recommend") does all the
// work: the token estimate, the features, the routing rules, the levers and every dollar figure. This file
// only collects the form, sends it (debounced, to the shared worker), and lays out the answer. It never does
// money arithmetic: it shows the display strings Python sends and keeps the exact decimals in data-value.
// Text goes into the page through textContent, so nothing needs escaping by hand.
import { formFields, h } from "./_dom.js";

const FIELDS = ["system", "prompt", "tools", "requests_per_day", "repeats", "gap_minutes", "mode", "output_tokens", "turns", "at"];
const DEBOUNCE_MS = 350;
const MAX_SHARE_CHARS = 60000; // longer links are refused by some browsers and chat tools

let uid = 0;


function money(testid, m, extra = {}) {
  return h("span", { class: "calc-money", "data-testid": testid, "data-value": m.usd, ...extra, text: m.display });
}

function fmtInt(n) {
  return Number(n).toLocaleString("en-US");
}

const STYLE = `
.rec-widget textarea { width: 100%; min-height: 6em; font-family: var(--md-code-font-family, monospace); font-size: .75rem; }
.rec-widget .rec-form fieldset { border: 1px solid var(--md-default-fg-color--lightest); border-radius: .2rem; margin: 0 0 .8rem; padding: .4rem .8rem .6rem; }
.rec-widget .rec-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: .4rem .8rem; }
.rec-widget .calc-field { display: flex; flex-direction: column; margin: .3rem 0; }
.rec-widget .calc-field label { font-weight: 600; font-size: .75rem; }
.rec-widget .calc-hint { color: var(--md-default-fg-color--light); font-size: .65rem; }
.rec-widget .calc-field-error { color: var(--md-typeset-a-color, #c62828); font-size: .7rem; margin: .2rem 0 0; }
.rec-widget [aria-invalid="true"] { outline: 2px solid #c62828; }
.rec-widget .rec-headline { font-size: 1rem; }
.rec-widget .rec-figures { display: flex; flex-wrap: wrap; gap: 1.2rem; }
.rec-widget .rec-figure { display: flex; flex-direction: column; }
.rec-widget .rec-figure .calc-money { font-size: 1.2rem; font-weight: 700; }
.rec-widget .rec-stale { opacity: .55; }
.rec-widget .rec-lever-off { color: var(--md-default-fg-color--light); }
.rec-widget .rec-decisive { font-weight: 600; }
.rec-widget .rec-evidence { color: var(--md-default-fg-color--light); font-size: .7rem; }
.rec-widget .rec-recommended { background: var(--md-accent-fg-color--transparent, rgba(255,109,0,.1)); }
.rec-widget pre { white-space: pre; overflow-x: auto; }
.rec-widget .rec-sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

function ensureStyle() {
  if (document.getElementById("rec-widget-style")) return;
  document.head.append(h("style", { id: "rec-widget-style", text: STYLE }));
}

// ---------------------------------------------------------------------------------------------------------
// State <-> URL fragment (the share link carries the state; a fragment never reaches a server)
// ---------------------------------------------------------------------------------------------------------

function readHash() {
  const raw = location.hash.replace(/^#/, "");
  if (!raw || !raw.includes("=")) return null;
  const params = new URLSearchParams(raw);
  const state = {};
  for (const name of FIELDS) if (params.has(name)) state[name] = params.get(name);
  return Object.keys(state).length ? state : null;
}

function stateToHash(state, withText = true) {
  const params = new URLSearchParams();
  for (const name of FIELDS) {
    if (!withText && (name === "system" || name === "prompt" || name === "tools")) continue;
    if (state[name] !== undefined && state[name] !== null) params.set(name, String(state[name]));
  }
  return "#" + params.toString();
}

function normalise(inputs) {
  const state = {};
  for (const name of FIELDS) {
    const value = inputs ? inputs[name] : undefined;
    state[name] = value === null || value === undefined ? "" : String(value);
  }
  return state;
}

function same(a, b) {
  return FIELDS.every((name) => String(a[name] ?? "") === String(b[name] ?? ""));
}

// ---------------------------------------------------------------------------------------------------------
// The widget
// ---------------------------------------------------------------------------------------------------------

export function mount(root, api) {
  ensureStyle();
  const pre = api.prerendered;
  let result = pre && pre.response && pre.response.ok ? pre.response.result : null;
  const defaults = normalise(pre ? pre.inputs : {});
  const shared = readHash();
  let state = { ...defaults, ...(shared || {}) };
  const id = `rec${++uid}`;

  const { fields, errors, errorSlot, field } = formFields(id);

  const text = (rows) => h("textarea", { rows, spellcheck: "false", autocomplete: "off" });
  const num = (mode) => h("input", { type: "text", inputmode: mode, autocomplete: "off", spellcheck: "false" });
  const select = (options) => h("select", {}, options.map(([value, label]) => h("option", { value, text: label })));

  const toolsDetails = h("details", { class: "rec-tools" },
    h("summary", { text: "Tool definitions (optional)" }),
    field("tools", "Tool definitions (JSON)", text(5), "The tools array you send with the request, if any."));

  const form = h("form", { class: "rec-form calc-form", novalidate: true, "aria-label": "Recommender inputs", onsubmit: (e) => e.preventDefault() },
    h("fieldset", {},
      h("legend", { text: "The prompt" }),
      field("system", "System prompt", text(8), "Paste it as you send it."),
      field("prompt", "User message", text(5), "A typical user message (with any pasted documents)."),
      toolsDetails,
      errorSlot("general")),
    h("fieldset", {},
      h("legend", { text: "Workload" }),
      h("div", { class: "rec-grid" },
        field("requests_per_day", "Requests per day", num("decimal"), "A month counts as 30 days."),
        field("repeats", "What repeats across requests", select([["none", "Nothing"], ["system", "System prompt (and tools)"], ["system_and_documents", "System prompt and documents"]]),
          "Documents = the user message up to its last paragraph."),
        field("gap_minutes", "Typical gap between requests (minutes)", num("decimal"), "Between requests that share that prefix."),
        field("mode", "Does someone wait for the answer?", select([["interactive", "Yes (interactive)"], ["offline", "No (offline work)"]]), ""),
        field("output_tokens", "Expected output (tokens)", num("numeric"), "Leave empty if unknown."),
        field("turns", "Turns per conversation", num("numeric"), "1 for single-turn work."),
        field("at", "Prices in force on", h("input", { type: "date", min: "2023-01-01", max: "2099-12-31" }), "Empty = today (UTC)."))));
  fields.output_tokens.placeholder = "unknown";

  const shareLink = h("a", { class: "calc-share-link", "data-testid": "share-link", href: "#", text: "Link to this analysis" });
  const shareNote = h("span", { class: "calc-share-note", "data-testid": "share-note", role: "status", "aria-live": "polite" });
  const shareButton = h("button", { type: "button", class: "md-button", "data-testid": "share-button", text: "Copy share link" });
  form.append(h("p", { class: "calc-share-row" }, shareButton, " ", shareLink, " ", shareNote));

  const staleNote = h("p", { class: "calc-stale-note", "data-testid": "stale-note", role: "status", hidden: true });
  const busy = h("p", { class: "rec-busy calc-hint", "data-testid": "busy", hidden: true, text: "Analysing…" });
  const output = h("div", { class: "rec-results", "data-testid": "results" });
  // A short summary for screen readers after each analysis (the whole result would be too much to read out).
  const announce = h("p", { class: "rec-sr-only", "data-testid": "announce", role: "status", "aria-live": "polite" });
  root.classList.add("rec-widget");
  const staticFigures = root.querySelector(".calc-prerendered");
  root.append(form, h("section", { "aria-label": "Recommendation" }, staleNote, busy, announce, output));
  if (staticFigures) staticFigures.remove();

  // ---- state <-> form ----------------------------------------------------------------------------------
  function writeForm() {
    for (const name of FIELDS) fields[name].value = state[name] ?? "";
    if (!fields.repeats.value) fields.repeats.value = "system";
    if (!fields.mode.value) fields.mode.value = "interactive";
    if (state.tools) toolsDetails.open = true;
  }

  function readForm() {
    const next = {};
    for (const name of FIELDS) next[name] = fields[name].value;
    return next;
  }

  function updateShare() {
    let hash = stateToHash(state);
    let note = "";
    if (hash.length > MAX_SHARE_CHARS) {
      hash = stateToHash(state, false);
      note = "The prompt is too long for a link: the link carries the workload only.";
    }
    shareLink.href = hash;
    shareNote.textContent = note;
    if (location.hash !== hash && (location.hash || !same(state, defaults))) {
      history.replaceState(history.state, "", hash);
    }
  }

  // ---- errors ------------------------------------------------------------------------------------------
  function clearErrors() {
    for (const [name, slot] of Object.entries(errors)) {
      slot.hidden = true;
      slot.textContent = "";
      if (fields[name]) fields[name].removeAttribute("aria-invalid");
    }
  }

  function showErrors(list) {
    clearErrors();
    const byField = new Map();
    for (const { field: name, message } of list) {
      const key = errors[name] && name !== "general" ? name : "general";
      byField.set(key, [...(byField.get(key) || []), message]);
    }
    for (const [name, messages] of byField) {
      errors[name].textContent = messages.join(" ");
      errors[name].hidden = false;
      if (fields[name]) fields[name].setAttribute("aria-invalid", "true");
      if (name === "tools") toolsDetails.open = true;
    }
  }

  function setStale(msg) {
    output.classList.toggle("rec-stale", Boolean(msg));
    output.dataset.stale = msg ? "true" : "false";
    staleNote.hidden = !msg;
    staleNote.textContent = msg || "";
  }

  // ---- rendering ---------------------------------------------------------------------------------------
  function render(r) {
    const parts = [];
    const t = r.tokens;
    if (r.error) {
      parts.push(h("p", { class: "calc-field-error rec-error", "data-testid": "recommend-error", role: "alert", text: r.error }));
    } else {
      const s = r.saving;
      parts.push(h("p", { class: "rec-headline" },
        "Recommended: ",
        h("strong", { "data-testid": "recommended-model", "data-value": r.model, text: r.model_name }),
        ` (${r.tier_label.toLowerCase()} tier).`));
      parts.push(h("div", { class: "rec-figures" },
        h("div", { class: "rec-figure" }, h("span", { text: "Per month, with the levers" }), money("monthly-usd", s.recommended_monthly)),
        h("div", { class: "rec-figure" }, h("span", { text: "Per month, without them" }), money("monthly-without-usd", s.recommended_without_levers)),
        h("div", { class: "rec-figure" }, h("span", { text: `Saved against everything on ${s.baseline_model_name}` }),
          money("saving-usd", s.saving_monthly), h("small", { "data-testid": "saving-percent", text: `${s.saving_percent} of ${s.baseline_monthly.display}` }))));
      parts.push(h("p", { class: "calc-hint", "data-testid": "monthly-range" },
        `With the token range below, the monthly cost on ${r.model_name} lies between ${r.monthly_range.low.display} and ${r.monthly_range.high.display}.`));
      if (r.runner_up) {
        const ru = r.runner_up;
        const diff = ru.monthly_difference;
        parts.push(h("p", { "data-testid": "runner-up", "data-value": ru.model },
          "Runner-up: ", h("strong", { text: ru.model_name }),
          diff ? ` (${diff.cheaper ? diff.display + " a month cheaper" : diff.display + " a month dearer"})` : "",
          ` lost because ${ru.why}.`));
      }
    }

    parts.push(h("h3", { text: "Token estimate" }));
    parts.push(h("p", { "data-testid": "tokens-estimate", "data-low": t.newer_tokenizer.low, "data-high": t.newer_tokenizer.high },
      `${fmtInt(t.newer_tokenizer.low)}–${fmtInt(t.newer_tokenizer.high)} tokens on the newer tokenizer (${fmtInt(t.older_tokenizer.low)}–${fmtInt(t.older_tokenizer.high)} on the older one); output ${fmtInt(t.output)} tokens (${t.output_source}).`));
    parts.push(h("p", { class: "calc-hint", text: t.note }));

    parts.push(h("h3", { text: "What the prompt looks like" }));
    parts.push(r.features.length
      ? h("ul", { "data-testid": "features" }, r.features.map((f) => h("li", { "data-feature": f.id },
        h("strong", { text: f.label }), f.detail ? `: ${f.detail}` : "",
        f.evidence.length ? h("div", { class: "rec-evidence" }, f.evidence.map((e) => h("div", {}, h("em", { text: e.where }), " — ", h("code", { text: e.text })))) : null)))
      : h("p", { "data-testid": "features", text: "No task-specific feature found: the default rule applies." }));

    parts.push(h("h3", { text: "Rules that fired" }));
    parts.push(h("ol", { "data-testid": "rules" }, r.rules.map((rule) => h("li", { "data-rule": rule.id, class: rule.decisive ? "rec-decisive" : "" },
      h("code", { text: rule.id }), ` (${rule.kind} → ${rule.tier} tier) when: ${rule.when}; why: ${rule.why}.`,
      rule.decisive ? " Decisive." : "", rule.overridden ? ` Overridden: ${rule.overridden}.` : ""))));

    if (!r.error) {
      parts.push(h("h3", { text: "Levers" }));
      parts.push(h("div", { class: "calc-table-wrap" }, h("table", { "data-testid": "levers" },
        h("thead", {}, h("tr", {}, ["Lever", "Saving a month", "Why"].map((x) => h("th", { scope: "col", text: x })))),
        h("tbody", {}, r.levers.map((lv) => h("tr", { "data-lever": lv.id, "data-applies": lv.applies ? "true" : "false", class: lv.applies ? "" : "rec-lever-off" },
          h("th", { scope: "row", text: lv.label }),
          h("td", {}, lv.applies ? money(`lever-${lv.id}-usd`, lv.saving_monthly) : "does not apply",
            lv.applies && lv.id === "output_cap" ? h("small", { text: " (caps the worst case)" }) : null),
          h("td", { text: lv.detail })))))));

      parts.push(h("h3", { text: "Every current model, per month" }));
      parts.push(h("div", { class: "calc-table-wrap" }, h("table", { "data-testid": "costs" },
        h("thead", {}, h("tr", {}, ["Model", "Without levers", "With levers", ""].map((x) => h("th", { scope: "col", text: x })))),
        h("tbody", {}, r.costs.map((row) => h("tr", { "data-testid": "cost-row", "data-model": row.model, class: row.recommended ? "rec-recommended" : "" },
          h("th", { scope: "row", text: row.model_name }),
          row.without_levers ? h("td", {}, money("cost-without-usd", row.without_levers)) : h("td", { text: "—" }),
          row.with_levers ? h("td", {}, money("cost-with-usd", row.with_levers)) : h("td", { text: "—" }),
          h("td", { text: [row.recommended ? "Recommended" : "", row.reason || "", row.note || ""].filter(Boolean).join("; ") })))))));
      parts.push(h("p", { class: "calc-hint", text: `${fmtInt(r.workload.requests_per_month)} requests a month (${fmtInt(r.workload.requests_per_day)} a day × 30); prices in force on ${r.at} (pricing.toml checked ${r.pricing_checked}).` }));

      parts.push(h("h3", { text: "Request code (Python SDK)" }));
      const copyNote = h("span", { class: "calc-hint", role: "status", "aria-live": "polite" });
      const copy = h("button", { type: "button", class: "md-button", "data-testid": "copy-code", text: "Copy code" });
      copy.addEventListener("click", async () => {
        try {
          await navigator.clipboard.writeText(r.code.python);
          copyNote.textContent = " Copied.";
        } catch {
          copyNote.textContent = " Select the code and copy it (the clipboard is not available here).";
        }
      });
      parts.push(h("p", {}, copy, copyNote));
      parts.push(h("pre", {}, h("code", { class: "language-python", "data-testid": "code-python", text: r.code.python })));
    }

    parts.push(h("details", { class: "rec-rule-table" }, h("summary", { text: "The whole routing table" }),
      h("div", { class: "calc-table-wrap" }, h("table", { "data-testid": "rule-table" },
        h("thead", {}, h("tr", {}, ["Rule", "Kind", "Tier", "When", "Why"].map((x) => h("th", { scope: "col", text: x })))),
        h("tbody", {}, r.rule_table.map((rule) => h("tr", {}, h("td", {}, h("code", { text: rule.id })), h("td", { text: rule.kind }),
          h("td", { text: rule.tier }), h("td", { text: rule.when }), h("td", { text: rule.why }))))))));
    for (const note of r.notes || []) parts.push(h("p", { class: "calc-hint", text: note }));

    output.replaceChildren(...parts);
    announce.textContent = r.error ? r.error
      : `Recommended ${r.model_name}, ${r.saving.recommended_monthly.display} a month with the levers.`;
    root.dispatchEvent(new CustomEvent("calc:rendered", { detail: { model: r.model } }));
  }

  // ---- talking to Python (debounced; one request in flight, the latest state wins) ---------------------
  let timer = null;
  let inflight = false;
  let queued = false;
  let waitingForLive = false;

  function schedule(delay = DEBOUNCE_MS) {
    clearTimeout(timer);
    if (api.status === "failed") return;
    if (api.status !== "live") {
      waitingForLive = true;
      return;
    }
    timer = setTimeout(() => {
      if (inflight) queued = true;
      else run();
    }, delay);
  }

  async function run() {
    inflight = true;
    busy.hidden = false;
    const sent = { ...state };
    try {
      const response = await api.call("recommend", sent);
      if (!same(sent, state)) return; // superseded by newer typing; the queued run renders
      if (response.ok) {
        result = response.result;
        clearErrors();
        render(result);
        setStale("");
      } else {
        showErrors(response.errors);
        setStale(result ? "These figures are for your last valid input. Fix the marked field to update them." : "");
      }
    } catch (err) {
      showErrors([{ field: "general", message: `Could not recalculate: ${err.message}` }]);
      setStale(result ? "These figures are for your last valid input." : "");
    } finally {
      inflight = false;
      busy.hidden = true;
      if (queued || !same(sent, state)) {
        queued = false;
        run();
      }
    }
  }

  form.addEventListener("input", () => {
    state = readForm();
    updateShare();
    if (result) output.classList.add("rec-stale"); // dimmed until the new analysis arrives
    schedule();
  });

  shareButton.addEventListener("click", async () => {
    updateShare();
    const url = new URL(shareLink.getAttribute("href"), location.href).href;
    try {
      await navigator.clipboard.writeText(url);
      shareNote.textContent = "Link copied.";
    } catch {
      shareNote.textContent = "Copy this link: " + url;
    }
  });

  window.addEventListener("hashchange", () => {
    const next = readHash();
    if (!next) return;
    const merged = { ...defaults, ...next };
    if (same(merged, state)) return;
    state = merged;
    writeForm();
    schedule(0);
  });

  // ---- first paint: the build's figures, then live -----------------------------------------------------
  writeForm();
  if (result) render(result);
  else output.append(h("p", { text: "The recommendation appears when live recalculation is ready." }));
  updateShare();
  if (shared && !same(state, defaults)) {
    setStale(result ? "Showing the default example; your linked prompt is analysed as soon as live recalculation is ready." : "");
    waitingForLive = true;
  } else {
    setStale("");
  }

  api.onStatus((status) => {
    if (status === "live" && waitingForLive) {
      waitingForLive = false;
      schedule(0);
    } else if (status === "live" && !inflight) {
      // Warm up: the first call imports the recommender in the worker; do it now, not on the first keystroke.
      api.call("recommend", { ...defaults }).catch(() => undefined);
    } else if (status === "failed" && waitingForLive && result) {
      setStale("Showing the default example: live recalculation is not available, so your linked prompt cannot be analysed here.");
    }
  });
}
