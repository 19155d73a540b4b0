// The Prompt-Pricing Recommender widget. Python (calculators.recommend, bridge name "recommend") does all the
// work: the token estimate, the features, the routing rules, the levers and every dollar figure. This file
// only collects the form, sends it (debounced, to the shared worker), and lays out the answer. It never does
// money arithmetic: it shows the display strings Python sends and keeps the exact decimals in data-value.
// Text goes into the page through textContent, so nothing needs escaping by hand.
import { createController, hashCodec } from "./_controller.js";
import { formFields, h, money } from "./_dom.js";
import { PLATFORMS, REGIONAL_PLATFORMS, TOOL_CHOICES, TOOLS as TOOL_SET } from "./_choices.js";

const FIELDS = ["system", "prompt", "tools", "requests_per_day", "repeats", "gap_minutes", "mode", "output_tokens", "turns", "at",
  "current_model", "platform", "endpoint", "tool_set", "tool_choice"];
// Workload fields whose example values mean nothing for another prompt: once the prompt is not the example's,
// they are marked "from the example" until the user sets them (the figures say so too).
const EXAMPLE_FIELDS = [["requests_per_day", "Requests per day"], ["gap_minutes", "Typical gap between requests"]];
const DEBOUNCE_MS = 350;
const MAX_SHARE_CHARS = 60000; // longer links are refused by some browsers and chat tools

let uid = 0;


function fmtInt(n) {
  return Number(n).toLocaleString("en-US");
}

// The share link carries the prompt and the workload in the URL fragment (_controller.js); a prompt too long for
// a link is left out of it.
const CODEC = hashCodec(FIELDS, { longFields: ["system", "prompt", "tools"] });

function normalise(inputs) {
  const state = {};
  for (const name of FIELDS) {
    const value = inputs ? inputs[name] : undefined;
    state[name] = value === null || value === undefined ? "" : String(value);
  }
  return state;
}

// ---------------------------------------------------------------------------------------------------------
// The widget
// ---------------------------------------------------------------------------------------------------------

export function mount(root, api) {
  const pre = api.prerendered;
  let result = pre && pre.response && pre.response.ok ? pre.response.result : null;
  const defaults = normalise(pre ? pre.inputs : {});
  const id = `rec${++uid}`;

  const { fields, errors, errorSlot, field } = formFields(id);

  const text = (rows) => h("textarea", { rows, spellcheck: "false", autocomplete: "off" });
  const num = (mode) => h("input", { type: "text", inputmode: mode, autocomplete: "off", spellcheck: "false" });
  const select = (options) => h("select", {}, options.map(([value, label]) => h("option", { value, text: label })));

  const toolsDetails = h("details", { class: "rec-tools" },
    h("summary", { text: "Tool definitions (optional)" }),
    field("tools", "Tool definitions (JSON)", text(5), "The tools array you send with the request, if any."));

  // The model in use today: the saving is measured against it. The options come from Python (every model priced
  // on the day); "" is the default model.
  const currentSelect = h("select", {});
  const platformSelect = h("select", {}, PLATFORMS.map(([value, label]) => h("option", { value, text: label })));
  const endpointSelect = h("select", {}, h("option", { value: "global", text: "Global" }), h("option", { value: "regional", text: "Regional or multi-region" }));
  const endpointField = field("endpoint", "Endpoint", endpointSelect, "Regional endpoints on Bedrock and Vertex AI cost more on newer models.");
  // The tools: one checkbox each, all named "tool_set" (the bridge takes them as a list or comma-separated).
  const toolBoxes = TOOL_SET.map(([value]) => h("input", { type: "checkbox", name: "tool_set", value, id: `${id}-tool-${value}` }));
  fields.tool_set = toolBoxes[0];
  for (const box of toolBoxes) box.setAttribute("aria-describedby", `${id}-tool_set-error ${id}-tool_set-hint`);
  const toolsField = h("fieldset", { class: "calc-field calc-field-tool_set calc-checks", "data-field": "tool_set" },
    h("legend", { text: "Tools in each request" }),
    toolBoxes.map((box, i) => h("label", { for: box.id, class: "calc-check" }, box, " ", TOOL_SET[i][1])),
    h("small", { class: "calc-hint", id: `${id}-tool_set-hint`, text: "Each adds its input tokens, and the tool-use system prompt, to every request. Pasted tool definitions count as your own tools." }),
    errorSlot("tool_set"));

  const generalError = errorSlot("general");
  const form = h("form", { class: "rec-form calc-form", novalidate: true, "aria-label": "Recommender inputs", onsubmit: (e) => e.preventDefault() },
    h("fieldset", {},
      h("legend", { text: "The prompt" }),
      field("system", "System prompt", text(8), "Paste it as you send it."),
      field("prompt", "User message", text(5), "A typical user message (with any pasted documents)."),
      toolsDetails,
      generalError),
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
        field("at", "Prices in force on", h("input", { type: "date", min: "2023-01-01", max: "2099-12-31" }), "Empty = today (UTC)."))),
    h("fieldset", {},
      h("legend", { text: "Where it runs and what it carries" }),
      h("div", { class: "rec-grid" },
        field("current_model", "Model you use now", currentSelect, "The saving is measured against it."),
        field("platform", "Platform", platformSelect, "Global endpoints cost the Claude API's prices everywhere."),
        endpointField,
        field("tool_choice", "Tool choice", h("select", {}, TOOL_CHOICES.map(([value, label]) => h("option", { value, text: label }))),
          "any and tool use a longer tool-use system prompt.")),
      toolsField));
  fields.output_tokens.placeholder = "unknown";
  // "From the example" marks (see EXAMPLE_FIELDS): a hint under each field and a note above the figures.
  const exampleFlags = {};
  for (const [name] of EXAMPLE_FIELDS) {
    exampleFlags[name] = h("small", { class: "rec-example-flag", id: `${id}-${name}-example`, "data-testid": `example-flag-${name}`, hidden: true,
      text: "The example's figure: set yours." });
    fields[name].closest(".calc-field").insertBefore(exampleFlags[name], fields[name].nextSibling);
    fields[name].setAttribute("aria-describedby", `${fields[name].getAttribute("aria-describedby")} ${id}-${name}-example`);
  }
  const exampleNote = h("p", { class: "rec-example-note", "data-testid": "example-note", role: "note", hidden: true });
  const edited = new Set();

  const shareNote = h("span", { class: "calc-share-note", "data-testid": "share-note", role: "status", "aria-live": "polite" });
  const staleNote = h("p", { class: "calc-stale-note", "data-testid": "stale-note", role: "status", hidden: true });
  const busy = h("p", { class: "rec-busy calc-hint", "data-testid": "busy", hidden: true, text: "Analysing…" });
  const output = h("div", { class: "rec-results", "data-testid": "results" });
  // A short summary for screen readers after each analysis (the whole result would be too much to read out).
  const announce = h("p", { class: "calc-sr-only", "data-testid": "announce", role: "status", "aria-live": "polite" });

  const ctl = createController({
    root, api, codec: CODEC, defaults, output, staleNote, errors, fields, generalError, busyEl: busy, shareNote,
    debounceMs: DEBOUNCE_MS,
    maxShareChars: MAX_SHARE_CHARS,
    compute: (state) => api.call("recommend", state),
    render: (r) => {
      result = r;
      render(r);
    },
    describe: (s) => (CODEC.same(s, defaults) ? "the default example" : "your previous prompt and workload"),
  });
  const share = ctl.shareControls("Link to this analysis");
  form.append(h("p", { class: "calc-share-row" }, share.button, " ", share.link, " ", shareNote));

  root.classList.add("calc-widget", "rec-widget");
  const staticFigures = root.querySelector(".calc-prerendered");
  root.append(form, h("section", { class: "rec-output", "aria-label": "Recommendation" }, staleNote, exampleNote, busy, announce, output));

  // Printed, a text box shows only its visible rows: each prints as a copy of its whole text instead.
  const mirrors = [...form.querySelectorAll("textarea")].map((box) => {
    const copy = h("pre", { class: "calc-print-only rec-print-text", "aria-hidden": "true", "data-testid": "print-copy" });
    box.after(copy);
    box.addEventListener("input", () => { copy.textContent = box.value; });
    return [box, copy];
  });
  const syncMirrors = () => { for (const [box, copy] of mirrors) copy.textContent = box.value; };
  window.addEventListener("beforeprint", syncMirrors);
  if (staticFigures) staticFigures.remove();

  // ---- state <-> form ----------------------------------------------------------------------------------
  function setCurrentOptions(r, wanted) {
    // Keep the value the form holds (or the link asks for) even when this day's list does not name it: Python
    // then says what is wrong with it next to the field.
    const def = r && r.default_current_model;
    const options = [h("option", { value: "", text: def ? `${def.name} (the default)` : "The default model" })];
    for (const m of (r && r.model_choices) || []) {
      if (!def || m.id !== def.id) options.push(h("option", { value: m.id, text: m.name }));
    }
    if (wanted && !options.some((o) => o.value === wanted)) options.push(h("option", { value: wanted, text: wanted }));
    currentSelect.replaceChildren(...options);
    currentSelect.value = wanted || "";
  }

  function showEndpoint() {
    endpointField.hidden = !REGIONAL_PLATFORMS.has(platformSelect.value) && endpointSelect.value !== "regional";
  }

  function writeForm(state) {
    for (const name of FIELDS) {
      if (name === "tool_set" || name === "current_model") continue;
      fields[name].value = state[name] ?? "";
    }
    if (!fields.repeats.value) fields.repeats.value = "system";
    if (!fields.mode.value) fields.mode.value = "interactive";
    if (!platformSelect.value) platformSelect.value = "anthropic";
    if (!endpointSelect.value) endpointSelect.value = "global";
    if (!fields.tool_choice.value) fields.tool_choice.value = "auto";
    setCurrentOptions(result, state.current_model || "");
    const tools = new Set(String(state.tool_set || "").split(",").map((t) => t.trim()).filter(Boolean));
    for (const box of toolBoxes) box.checked = tools.has(box.value);
    if (state.tools) toolsDetails.open = true;
    showEndpoint();
    markExample(state);
    syncMirrors();
  }

  function readForm() {
    const next = {};
    for (const name of FIELDS) next[name] = fields[name].value;
    next.current_model = currentSelect.value;
    next.tool_set = toolBoxes.filter((box) => box.checked).map((box) => box.value).join(",");
    return next;
  }

  // The workload fields still hold the example's values while the prompt is the user's own.
  function markExample(state) {
    const ownPrompt = ["system", "prompt", "tools"].some((n) => (state[n] || "") !== (defaults[n] || ""));
    const flagged = EXAMPLE_FIELDS.filter(([n]) => ownPrompt && !edited.has(n) && String(state[n]) === String(defaults[n]));
    for (const [name] of EXAMPLE_FIELDS) {
      const on = flagged.some(([n]) => n === name);
      exampleFlags[name].hidden = !on;
      if (on) fields[name].setAttribute("data-from-example", "true");
      else fields[name].removeAttribute("data-from-example");
    }
    exampleNote.hidden = !flagged.length;
    exampleNote.textContent = flagged.length
      ? `The figures still use the example's ${flagged.map(([n, label]) => `${label.toLowerCase()} (${fmtInt(defaults[n])}${n === "gap_minutes" ? " min" : ""})`).join(" and ")}: set ${flagged.length > 1 ? "them" : "it"} to your own.`
      : "";
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
        s.saving_monthly
          ? h("div", { class: `rec-figure rec-${s.direction}` }, h("span", { "data-testid": "saving-label", text: s.label }),
            money("saving-usd", s.saving_monthly, { "data-direction": s.direction, text: s.amount.display }),
            h("small", { "data-testid": "saving-percent", text: `${s.saving_percent} of ${s.baseline_monthly.display}` }))
          : h("div", { class: "rec-figure" }, h("span", { "data-testid": "saving-label", text: s.label }))));
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

    parts.push(h("h2", { class: "calc-h", text: "Token estimate" }));
    parts.push(h("p", { "data-testid": "tokens-estimate", "data-low": t.newer_tokenizer.low, "data-high": t.newer_tokenizer.high },
      `${fmtInt(t.newer_tokenizer.low)}–${fmtInt(t.newer_tokenizer.high)} tokens on the newer tokenizer (${fmtInt(t.older_tokenizer.low)}–${fmtInt(t.older_tokenizer.high)} on the older one); output ${fmtInt(t.output)} tokens (${t.output_source}).`));
    parts.push(h("p", { class: "calc-hint", text: t.note }));
    if (t.tool_overhead && t.tool_overhead.text) parts.push(h("p", { "data-testid": "tool-overhead", "data-total": t.tool_overhead.total, text: t.tool_overhead.text }));

    parts.push(h("h2", { class: "calc-h", text: "What the prompt looks like" }));
    parts.push(r.features.length
      ? h("ul", { "data-testid": "features" }, r.features.map((f) => h("li", { "data-feature": f.id },
        h("strong", { text: f.label }), f.detail ? `: ${f.detail}` : "",
        f.evidence.length ? h("div", { class: "rec-evidence" }, f.evidence.map((e) => h("div", {}, h("em", { text: e.where }), " — ", h("code", { text: e.text })))) : null)))
      : h("p", { "data-testid": "features", text: "No task-specific feature found: the default rule applies." }));

    parts.push(h("h2", { class: "calc-h", text: "Rules that fired" }));
    parts.push(h("ol", { "data-testid": "rules" }, r.rules.map((rule) => h("li", { "data-rule": rule.id, class: rule.decisive ? "rec-decisive" : "" },
      h("code", { text: rule.id }), ` (${rule.kind} → ${rule.tier} tier) when: ${rule.when}; why: ${rule.why}.`,
      rule.decisive ? " Decisive." : "", rule.overridden ? ` Overridden: ${rule.overridden}.` : ""))));

    if (!r.error) {
      parts.push(h("h2", { class: "calc-h", text: "Levers" }));
      parts.push(h("div", { class: "calc-table-wrap" }, h("table", { "data-testid": "levers" },
        h("thead", {}, h("tr", {}, ["Lever", "Saving a month", "Why"].map((x) => h("th", { scope: "col", text: x })))),
        h("tbody", {}, r.levers.map((lv) => h("tr", { "data-lever": lv.id, "data-applies": lv.applies ? "true" : "false", class: lv.applies ? "" : "rec-lever-off" },
          h("th", { scope: "row", text: lv.label }),
          h("td", {}, lv.applies ? money(`lever-${lv.id}-usd`, lv.saving_monthly) : "does not apply",
            lv.applies && lv.id === "output_cap" ? h("small", { text: " (caps the worst case)" }) : null),
          h("td", { text: lv.detail })))))));

      parts.push(h("h2", { class: "calc-h", text: "Every current model, per month" }));
      parts.push(h("div", { class: "calc-table-wrap" }, h("table", { "data-testid": "costs" },
        h("thead", {}, h("tr", {}, ["Model", "Without levers", "With levers", "Notes"].map((x) => h("th", { scope: "col", text: x })))),
        h("tbody", {}, r.costs.map((row) => h("tr", { "data-testid": "cost-row", "data-model": row.model, "data-current": row.current ? "true" : "false", class: row.recommended ? "rec-recommended" : "" },
          h("th", { scope: "row", text: row.model_name }),
          row.without_levers ? h("td", {}, money("cost-without-usd", row.without_levers)) : h("td", { text: "—" }),
          row.with_levers ? h("td", {}, money("cost-with-usd", row.with_levers)) : h("td", { text: "—" }),
          h("td", { text: [row.recommended ? "Recommended" : "", row.current ? "Your current model" : "", row.reason || "", row.note || "",
            row.tool_tokens ? `tools add ${fmtInt(row.tool_tokens)} input tokens a request` : ""].filter(Boolean).join("; ") })))))));
      parts.push(h("p", { class: "calc-hint", "data-testid": "costs-basis", text: `${fmtInt(r.workload.requests_per_month)} requests a month (${fmtInt(r.workload.requests_per_day)} a day × 30) on ${r.placement.display}; prices in force on ${r.at} (pricing.toml checked ${r.pricing_checked}).` }));

      parts.push(h("h2", { class: "calc-h", text: "Request code (Python SDK)" }));
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
      // tabindex: a long line scrolls sideways, so the block must be reachable from the keyboard.
      parts.push(h("pre", {}, h("code", { class: "language-python", "data-testid": "code-python", tabindex: "0", text: r.code.python })));
    }

    parts.push(h("details", { class: "rec-rule-table" }, h("summary", { text: "The whole routing table" }),
      h("div", { class: "calc-table-wrap" }, h("table", { "data-testid": "rule-table" },
        h("thead", {}, h("tr", {}, ["Rule", "Kind", "Tier", "When", "Why"].map((x) => h("th", { scope: "col", text: x })))),
        h("tbody", {}, r.rule_table.map((rule) => h("tr", {}, h("td", {}, h("code", { text: rule.id })), h("td", { text: rule.kind }),
          h("td", { text: rule.tier }), h("td", { text: rule.when }), h("td", { text: rule.why }))))))));
    for (const note of r.notes || []) parts.push(h("p", { class: "calc-hint", text: note }));

    output.replaceChildren(...parts);
    if (r.model_choices) setCurrentOptions(r, currentSelect.value);
    announce.textContent = r.error ? r.error
      : `Recommended ${r.model_name}, ${r.saving.recommended_monthly.display} a month with the levers.`;
    root.dispatchEvent(new CustomEvent("calc:rendered", { detail: { model: r.model } }));
  }

  form.addEventListener("input", (event) => {
    if (event.target && EXAMPLE_FIELDS.some(([n]) => n === event.target.name)) edited.add(event.target.name);
    if (event.target === platformSelect) showEndpoint();
    const state = readForm();
    markExample(state);
    ctl.update(state);
  });
  ctl.onHashChange(writeForm);

  // ---- first paint: the build's figures, then live -----------------------------------------------------
  if (result) render(result);
  else output.append(h("p", { text: "The recommendation appears when live recalculation is ready." }));
  writeForm(ctl.start({ shownState: result ? defaults : null }));

  api.onStatus((status) => {
    if (status === "live" && !ctl.inflight && CODEC.same(ctl.state, defaults)) {
      // Warm up: the first call imports the recommender in the worker; do it now, not on the first keystroke.
      api.call("recommend", { ...defaults }).catch(() => undefined);
    }
  });
}
