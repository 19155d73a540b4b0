// The Cost Calculator widget. Every figure it shows is a string computed by Python (calculators.scenarios,
// bridge name "calculator"); this file only collects the form, sends it, and lays out the answer. It never
// does money arithmetic. Text goes into the page through textContent, so nothing needs escaping by hand.
import { createController, hashCodec } from "./_controller.js";
import { formFields, h, money } from "./_dom.js";
import { PLATFORMS, REGIONAL_PLATFORMS, TOOL_CHOICES, TOOLS } from "./_choices.js";
import { download, projection, sideBySide } from "./_calc-extras.js";

const TOKEN_FIELDS = [
  ["input", "Uncached input tokens", "The part of the prompt not read from or written to the cache."],
  ["cache_write_5m", "Cache writes, 5-minute", "Prompt tokens written to the cache with the default lifetime."],
  ["cache_write_1h", "Cache writes, 1-hour", "Prompt tokens written to the cache with the 1-hour lifetime."],
  ["cache_read", "Cache reads", "Prompt tokens read from the cache."],
  ["output", "Output tokens", "Tokens the model writes, thinking included."],
  ["web_searches", "Web searches", "Server-side web search requests made by this request."],
];
const FIELD_NAMES = ["model", "at", ...TOKEN_FIELDS.map((f) => f[0]), "batch", "fast", "geo", "requests_per_month", "requests_per_day",
  "platform", "endpoint", "tools", "tool_choice", "container_hours", "session_hours", "with_search_or_fetch", "name"];
const BOOL = new Set(["batch", "fast", "with_search_or_fetch"]);
// Settings of the page rather than of one scenario: the projection and the display currency.
const PAGE_FIELDS = ["months", "growth", "budget", "currency", "rate"];
// Scenario A's fields are the link's plain fields (so older links still open); B, C and D each travel as one
// field holding their own fields, and "active" says which one the form shows.
const LETTERS = ["A", "B", "C", "D"];
const SLOTS = ["b", "c", "d"];

function encodeScenario(obj) {
  const params = new URLSearchParams();
  for (const name of FIELD_NAMES) {
    const value = obj[name];
    if (value === undefined || value === null) continue;
    params.set(name, BOOL.has(name) ? (value ? "1" : "0") : String(value));
  }
  return params.toString();
}

function pick(obj, names) {
  const out = {};
  for (const name of names) if (name in obj) out[name] = obj[name];
  return out;
}

let uid = 0;


function morph(from, to) {
  // Make `from` look like `to`, touching only what differs: a recalculation then changes a few text nodes
  // instead of rebuilding the tables, which keeps style and layout work (and input latency) small.
  if (from.nodeType !== to.nodeType || from.nodeName !== to.nodeName) {
    from.replaceWith(to);
    return;
  }
  if (from.nodeType === Node.TEXT_NODE) {
    if (from.nodeValue !== to.nodeValue) from.nodeValue = to.nodeValue;
    return;
  }
  if (from.nodeType !== Node.ELEMENT_NODE) return;
  // A disclosure the reader opened stays open across recalculations.
  for (const { name } of [...from.attributes]) if (!to.hasAttribute(name) && !(name === "open" && from.nodeName === "DETAILS")) from.removeAttribute(name);
  for (const { name, value } of [...to.attributes]) if (from.getAttribute(name) !== value) from.setAttribute(name, value);
  morphChildren(from, [...to.childNodes]);
}

function morphChildren(parent, next) {
  const current = [...parent.childNodes];
  next.forEach((node, i) => (i < current.length ? morph(current[i], node) : parent.append(node)));
  for (let i = next.length; i < current.length; i++) current[i].remove();
}

// The share link carries the whole state in the URL fragment (_controller.js), so it never reaches a server.
const CODEC = hashCodec([...FIELD_NAMES, ...PAGE_FIELDS, "active", ...SLOTS], { bools: [...BOOL] });

function normalise(inputs) {
  // The prerendered inputs as form values (numbers become strings, the volume field is chosen).
  const state = {};
  for (const name of [...FIELD_NAMES, ...PAGE_FIELDS]) {
    if (!(name in inputs)) continue;
    const value = inputs[name];
    state[name] = BOOL.has(name) ? Boolean(value) : value === null ? "" : Array.isArray(value) ? value.join(",") : String(value);
  }
  return state;
}

function dayBefore(iso) {
  const d = new Date(iso + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------------------
// The widget
// ---------------------------------------------------------------------------------------------------------

export function mount(root, api) {
  const pre = api.prerendered;
  let result = pre && pre.response && pre.response.ok ? pre.response.result : null;
  const defaults = normalise(pre ? pre.inputs : {});
  if (!("requests_per_month" in defaults) && !("requests_per_day" in defaults)) defaults.requests_per_month = "0";
  let supports = new Map();
  const id = `calc${++uid}`;
  const scenarioDefaults = pick(defaults, FIELD_NAMES);
  let presets = new Map();

  // ---- scenarios: A in the plain fields, B to D in one field each ---------------------------------------
  function decodeScenario(text) {
    const params = new URLSearchParams(text || "");
    const partial = {};
    for (const name of FIELD_NAMES) {
      if (params.has(name)) partial[name] = BOOL.has(name) ? ["1", "true", "on"].includes(params.get(name)) : params.get(name);
    }
    const obj = { ...scenarioDefaults, ...partial };
    if ("requests_per_day" in partial) delete obj.requests_per_month;
    return obj;
  }
  function scenarioCount(state) {
    let n = 1;
    while (n <= SLOTS.length && state[SLOTS[n - 1]]) n++;
    return n;
  }
  function activeIndex(state) {
    return Math.min(Math.max(LETTERS.indexOf(state.active || "A"), 0), scenarioCount(state) - 1);
  }
  function scenarioList(state) {
    const list = [pick(state, FIELD_NAMES)];
    for (let i = 1; i < scenarioCount(state); i++) list.push(decodeScenario(state[SLOTS[i - 1]]));
    return list;
  }
  function fromList(state, list, active) {
    const next = { ...pick(state, PAGE_FIELDS), ...list[0] };
    list.slice(1).forEach((obj, i) => { next[SLOTS[i]] = encodeScenario(obj); });
    if (active > 0) next.active = LETTERS[active];
    return next;
  }

  // ---- form ------------------------------------------------------------------------------------------
  const { fields, errors, errorSlot, field } = formFields(id);

  const modelSelect = h("select", { name: "model" });
  const atInput = h("input", { type: "date", name: "at", min: "2023-01-01", max: "2099-12-31" });
  const tokenInputs = TOKEN_FIELDS.map(([name, label, hint]) =>
    field(name, label, h("input", { type: "text", name, inputmode: "numeric", autocomplete: "off", spellcheck: "false" }), hint));
  const batchBox = h("input", { type: "checkbox", name: "batch" });
  const fastBox = h("input", { type: "checkbox", name: "fast" });
  const geoSelect = h("select", { name: "geo" }, h("option", { value: "global", text: "Global (default)" }), h("option", { value: "us", text: "US only (inference_geo: us)" }));
  const volumeInput = h("input", { type: "text", name: "requests_per_month", inputmode: "decimal", autocomplete: "off" });
  const unitSelect = h("select", { name: "volume_unit", "aria-label": "Volume unit" }, h("option", { value: "month", text: "per month" }), h("option", { value: "day", text: "per day (× 30)" }));

  const platformSelect = h("select", { name: "platform" }, PLATFORMS.map(([value, text]) => h("option", { value, text })));
  const endpointSelect = h("select", { name: "endpoint" }, h("option", { value: "global", text: "Global" }), h("option", { value: "regional", text: "Regional or multi-region" }));
  const platformField = field("platform", "Platform", platformSelect, "Global endpoints cost the Claude API's list prices on every platform.");
  const endpointField = field("endpoint", "Endpoint", endpointSelect, "Bedrock and Vertex AI regional endpoints cost more on newer models.");

  // The tools: one checkbox each, all named "tools" (the bridge takes them as a list); the first one carries
  // the group's error state.
  const toolBoxes = TOOLS.map(([value]) => h("input", { type: "checkbox", name: "tools", value, id: `${id}-tool-${value}` }));
  fields.tools = toolBoxes[0];
  for (const box of toolBoxes) box.setAttribute("aria-describedby", `${id}-tools-error ${id}-tools-hint`);
  const toolsField = h("fieldset", { class: "calc-field calc-field-tools calc-checks", "data-field": "tools" },
    h("legend", { text: "Tools defined" }),
    toolBoxes.map((box, i) => h("label", { for: box.id, class: "calc-check" }, box, " ", TOOLS[i][1])),
    h("small", { class: "calc-hint", id: `${id}-tools-hint`, text: "Each adds its input tokens (and the tool-use system prompt) to every request." }),
    errorSlot("tools"));
  const toolChoiceSelect = h("select", { name: "tool_choice" }, TOOL_CHOICES.map(([value, text]) => h("option", { value, text })));
  const toolChoiceField = field("tool_choice", "Tool choice", toolChoiceSelect, "any and tool use a longer system prompt.");
  const hoursInput = (name) => h("input", { type: "text", name, inputmode: "decimal", autocomplete: "off", spellcheck: "false" });
  const containerField = field("container_hours", "Code execution, container-hours", hoursInput("container_hours"), "Per request; billed for at least 5 minutes. 0 for none.");
  const sessionField = field("session_hours", "Managed Agents, session-hours", hoursInput("session_hours"), "Per request; 0 for none.");
  const searchBox = h("input", { type: "checkbox", name: "with_search_or_fetch" });

  const toggle = (name, box, label, hint) => {
    box.id = `${id}-${name}`;
    box.setAttribute("aria-describedby", `${id}-${name}-error ${id}-${name}-hint`);
    fields[name] = box;
    return h("div", { class: `calc-field calc-toggle calc-field-${name}`, "data-field": name },
      h("label", { for: box.id }, box, " ", label),
      h("small", { class: "calc-hint", id: `${id}-${name}-hint`, text: hint }),
      errorSlot(name));
  };

  const batchField = toggle("batch", batchBox, "Batch API", "Asynchronous Message Batches: every token at the batch discount.");
  const fastField = toggle("fast", fastBox, "Fast mode", "Premium-speed output where the model offers it.");
  const searchField = toggle("with_search_or_fetch", searchBox, "Web search or fetch tool (2026-02-09 or later) in the request", "Code execution is then free.");
  const geoField = field("geo", "Inference region", geoSelect, "US-only inference costs more on the models that offer it.");
  fields.requests_per_day = volumeInput;
  const volumeField = h("div", { class: "calc-field calc-field-volume", "data-field": "requests_per_month" },
    h("label", { for: `${id}-volume`, text: "Requests" }),
    h("div", { class: "calc-volume" }, volumeInput, unitSelect),
    h("small", { class: "calc-hint", id: `${id}-volume-hint`, text: "How many such requests you send; a day counts as 1/30 of a month." }),
    errorSlot("requests_per_month"));
  volumeInput.id = `${id}-volume`;
  volumeInput.setAttribute("aria-describedby", `${id}-requests_per_month-error ${id}-volume-hint`);
  errors.requests_per_day = errors.requests_per_month;

  // Picking a retired model moves the date to its last priced day: said here, with a way back.
  const dateNote = h("p", { class: "calc-date-note", "data-testid": "date-note", role: "status", hidden: true });
  const dateField = field("at", "Prices in force on", atInput, "Leave empty for today (UTC); pick a past day for historical prices.");
  dateField.append(dateNote);

  // Projection and display currency: settings of the page, the same for every scenario.
  const textInput = (name, mode) => h("input", { type: "text", name, inputmode: mode, autocomplete: "off", spellcheck: "false" });
  const monthsField = field("months", "Months to project", textInput("months", "numeric"), "From the month of the price date; at most 120.");
  const growthField = field("growth", "Growth, % per month", textInput("growth", "decimal"), "Requests grow by this much each month (compounded); negative for a decline.");
  const budgetField = field("budget", "Monthly budget, USD", textInput("budget", "decimal"), "Optional: drawn as a line; months above it are marked.");
  const currencyField = field("currency", "Currency code", textInput("currency", "text"), "Optional, such as EUR: figures are also shown converted.");
  const rateField = field("rate", "Units per US dollar", textInput("rate", "decimal"), "Your exchange rate; US dollars stay the exact figures.");
  fields.currency.setAttribute("maxlength", "3");
  fields.currency.setAttribute("autocapitalize", "characters");

  // Scenarios: one tab per scenario (the form shows the active one), and add / duplicate / remove.
  const tabs = h("div", { class: "calc-scenario-tabs", role: "group", "aria-label": "Scenarios" });
  const addButton = h("button", { type: "button", class: "md-button calc-small-button", "data-testid": "add-scenario", text: "Add scenario" });
  const dupButton = h("button", { type: "button", class: "md-button calc-small-button", "data-testid": "duplicate-scenario", text: "Duplicate" });
  const removeButton = h("button", { type: "button", class: "md-button calc-small-button", "data-testid": "remove-scenario", text: "Remove" });
  const scenarioStatus = h("span", { class: "calc-sr-only", role: "status", "aria-live": "polite", "data-testid": "scenario-status" });
  const scenarioBar = h("div", { class: "calc-scenario-bar", "data-testid": "scenario-bar" },
    h("span", { class: "calc-scenario-title", id: `${id}-scenarios-title`, text: "Scenarios" }), tabs,
    h("span", { class: "calc-scenario-actions" }, addButton, " ", dupButton, " ", removeButton), scenarioStatus);
  tabs.setAttribute("aria-labelledby", `${id}-scenarios-title`);

  // A scenario's own name (shown once there are two or more): on its tab, in the side-by-side table and the exports.
  const nameInput = h("input", { type: "text", name: "name", maxlength: "40", autocomplete: "off", spellcheck: "false", "data-testid": "scenario-name" });
  const nameField = field("name", "Scenario name (optional)", nameInput, "Up to 40 characters; shown on its tab, in the side-by-side table and in the exports.");
  nameField.classList.add("calc-scenario-name");

  // Presets: starting scenarios (data from Python), with their assumptions shown.
  const presetSelect = h("select", { id: `${id}-preset`, "data-testid": "preset-select", "aria-describedby": `${id}-preset-note` },
    h("option", { value: "", text: "Choose a starting point…" }));
  const presetNote = h("div", { class: "calc-preset-note", id: `${id}-preset-note`, "data-testid": "preset-assumptions", hidden: true });
  const presetField = h("div", { class: "calc-field calc-field-preset" },
    h("label", { for: presetSelect.id, text: "Start from a preset" }), presetSelect, presetNote);

  // A pasted usage object or API response, read by the CLI's own reader.
  const pasteArea = h("textarea", { id: `${id}-usage-text`, rows: "6", spellcheck: "false", autocomplete: "off", "data-testid": "usage-text",
    "aria-describedby": `${id}-usage-error ${id}-usage-hint` });
  const pasteButton = h("button", { type: "button", class: "md-button calc-small-button", "data-testid": "usage-apply", text: "Use these counts" });
  const pasteError = h("p", { class: "calc-field-error", id: `${id}-usage-error`, "data-testid": "error-usage_text", role: "alert", hidden: true });
  const pasteNote = h("p", { class: "calc-hint", "data-testid": "usage-summary", role: "status" });
  const pasteBox = h("details", { class: "calc-paste", "data-testid": "usage-paste" },
    h("summary", { text: "Paste a usage object or API response" }),
    h("div", { class: "calc-field" },
      h("label", { for: pasteArea.id, text: "Usage JSON" }), pasteArea,
      h("small", { class: "calc-hint", id: `${id}-usage-hint`, text: "A Messages API usage object, a whole response, or a batch result line. The form takes its model and token counts." }),
      pasteButton, pasteError, pasteNote));

  const generalError = h("p", { class: "calc-field-error calc-general-error", "data-testid": "error-general", role: "alert", hidden: true });
  const shareNote = h("span", { class: "calc-share-note", role: "status", "aria-live": "polite" });
  const resetButton = h("button", { type: "button", class: "md-button calc-share calc-reset", "data-testid": "reset-button", text: "Reset" });

  // ---- results -----------------------------------------------------------------------------------------
  const staleNote = h("p", { class: "calc-stale-note", "data-testid": "stale-note", role: "status", hidden: true });
  const output = h("div", { class: "calc-results", "data-testid": "results", "aria-live": "polite" });
  // tabindex: on wide screens this panel scrolls on its own, so it must be reachable from the keyboard.
  const exportScope = h("select", { id: `${id}-export-scope`, "data-testid": "export-scope" });
  const exportCsv = h("button", { type: "button", class: "md-button calc-small-button", "data-testid": "export-csv", text: "Download CSV" });
  const exportJson = h("button", { type: "button", class: "md-button calc-small-button", "data-testid": "export-json", text: "Download JSON" });
  const exportNote = h("span", { class: "calc-hint", role: "status", "aria-live": "polite", "data-testid": "export-note" });
  const exportRow = h("div", { class: "calc-export", "data-testid": "export" },
    h("label", { for: exportScope.id, text: "Export" }), exportScope, exportCsv, exportJson, exportNote);
  const printButton = h("button", { type: "button", class: "md-button calc-small-button", "data-testid": "print", text: "Print", onclick: () => window.print() });
  exportRow.append(printButton);
  const results = h("section", { class: "calc-results-wrap", id: `${id}-results`, "aria-label": "Results", tabindex: "0" }, staleNote, output, exportRow);

  const ctl = createController({
    root, api, codec: CODEC, defaults, output, staleNote, errors, fields, generalError, shareNote,
    fromHash: (partial) => {
      const next = { ...defaults, ...partial };
      if ("requests_per_day" in partial) delete next.requests_per_month;
      return next;
    },
    compute: (state) => {
      const list = scenarioList(state);
      const active = activeIndex(state);
      const inputs = { ...list[active], ...pick(state, PAGE_FIELDS), active };
      if (list.length > 1) inputs.scenarios = list;
      return api.call("calculator", inputs);
    },
    render: (r) => {
      result = r;
      updateSupports(r.groups);
      fillPresets(r.presets);
      render(r);
      renderTabs(ctl.state);
      showToggles();
    },
    describe,
  });
  const share = ctl.shareControls("Link to this scenario");

  const form = h("form", { class: "calc-form", novalidate: true, "aria-label": "Cost calculator inputs", onsubmit: (e) => e.preventDefault() },
    scenarioBar,
    nameField,
    h("fieldset", {}, h("legend", { text: "Start from" }), presetField, pasteBox),
    h("fieldset", {},
      h("legend", { text: "Model and date" }),
      field("model", "Model", modelSelect, ""),
      dateField),
    h("fieldset", {}, h("legend", { text: "Tokens per request" }), tokenInputs),
    h("fieldset", {}, h("legend", { text: "Pricing options" }), batchField, fastField, geoField),
    h("fieldset", {}, h("legend", { text: "Where it runs" }), platformField, endpointField),
    h("fieldset", {}, h("legend", { text: "Tools in this request" }), toolsField, toolChoiceField, containerField, sessionField, searchField),
    h("fieldset", {}, h("legend", { text: "Volume" }), volumeField),
    h("fieldset", { class: "calc-page-settings" }, h("legend", { text: "Projection (all scenarios)" }), monthsField, growthField, budgetField),
    h("fieldset", { class: "calc-page-settings" }, h("legend", { text: "Display currency (all scenarios)" }), currencyField, rateField),
    generalError,
    h("p", { class: "calc-share-row" }, share.button, " ", resetButton, " ", share.link, " ", shareNote));

  const staticFigures = root.querySelector(".calc-prerendered");
  root.classList.add("calc-widget");
  root.append(h("div", { class: "calc-layout" }, form, results));
  if (staticFigures) staticFigures.remove();

  function modelName(modelId) {
    const m = supports.get(modelId);
    return m ? m.name : modelId;
  }

  function describe(s) {
    // What the figures on screen are for, in the reader's words (used by the stale notes).
    if (CODEC.same(s, defaults)) return "the default scenario";
    const one = scenarioList(s)[activeIndex(s)];
    const day = one.at || "today";
    const which = scenarioCount(s) > 1 ? `scenario ${LETTERS[activeIndex(s)]}: ` : "";
    return `${which}${modelName(one.model)}, prices in force on ${day}`;
  }

  // ---- model list --------------------------------------------------------------------------------------
  function fillModels(groups, chosen = ctl.state.model) {
    modelSelect.replaceChildren();
    supports = new Map();
    for (const group of groups) {
      const og = h("optgroup", { label: group.label });
      for (const m of group.models) {
        supports.set(m.id, m);
        let text = m.name;
        if (m.status === "deprecated") text += " (deprecated)";
        if (m.retired) text += ` (retired ${m.retired})`;
        if (m.availability && m.availability !== "general") text += ` (${m.availability} availability)`;
        og.append(h("option", { value: m.id, text }));
      }
      modelSelect.append(og);
    }
    if (chosen && !supports.has(chosen)) {
      // An id we do not list (an alias, or a typo in a shared link): keep it so Python can say which.
      modelSelect.append(h("option", { value: chosen, text: chosen }));
    }
    modelSelect.value = chosen;
  }

  function updateSupports(groups) {
    for (const group of groups) for (const m of group.models) supports.set(m.id, m);
  }

  function showToggles() {
    const m = supports.get(fields.model.value);
    const s = m ? m.supports : { batch: true, us: true, fast: "priced" };
    fastField.hidden = !s.fast && !fastBox.checked;
    // US-only inference is a Claude API and Foundry setting; the regional endpoint is Bedrock's and Vertex's.
    // A field whose value would be refused stays visible, so its message can be read where it applies.
    const regionalPlatform = REGIONAL_PLATFORMS.has(platformSelect.value);
    geoField.hidden = (!s.us || regionalPlatform) && geoSelect.value !== "us";
    endpointField.hidden = !regionalPlatform && endpointSelect.value !== "regional";
    const fastHint = fastField.querySelector(".calc-hint");
    fastHint.textContent = s.fast === "standard"
      ? "Accepted on this model, but it runs and is billed at standard speed and rates."
      : "Premium-speed output where the model offers it.";
    const modelHint = m
      ? [m.status === "current" ? "Current model" : m.status === "retired" ? `Retired on ${m.retired}: priced for days before that` : `${m.status[0].toUpperCase()}${m.status.slice(1)} model`,
        m.context_window ? `${m.context_window.toLocaleString("en-US")}-token context window` : "context window not published",
        m.supports.us ? null : "no US-only inference",
        m.supports.fast ? null : "no fast mode"].filter(Boolean).join("; ") + "."
      : "";
    let hint = fields.model.parentElement.querySelector(".calc-hint");
    if (!hint) {
      hint = h("small", { class: "calc-hint", id: `${id}-model-hint` });
      fields.model.after(hint);
      fields.model.setAttribute("aria-describedby", `${id}-model-error ${id}-model-hint`);
    }
    hint.textContent = modelHint;
  }

  // ---- state <-> form ----------------------------------------------------------------------------------
  function writeForm(state) {
    writeScenario(scenarioList(state)[activeIndex(state)]);
    for (const name of PAGE_FIELDS) fields[name].value = state[name] ?? "";
    renderTabs(state);
  }

  function readPage() {
    const out = {};
    for (const name of PAGE_FIELDS) out[name] = fields[name].value;
    return out;
  }

  function renderTabs(state) {
    const list = scenarioList(state);
    const active = activeIndex(state);
    const focused = tabs.contains(document.activeElement) ? document.activeElement.dataset.scenario : null;
    tabs.replaceChildren(...list.map((s, i) => h("button", {
      type: "button", class: "calc-scenario-tab", "data-testid": "scenario-tab", "data-scenario": LETTERS[i],
      "aria-pressed": i === active ? "true" : "false", onclick: () => selectScenario(i),
    }, h("span", { class: "calc-scenario-letter", text: LETTERS[i] }), " ", s.name ? s.name : modelName(s.model))));
    if (focused) {
      const again = tabs.querySelector(`[data-scenario="${focused}"]`);
      if (again) again.focus();
    }
    tabs.hidden = list.length < 2;
    nameField.hidden = list.length < 2;
    addButton.disabled = dupButton.disabled = list.length >= LETTERS.length;
    removeButton.disabled = list.length < 2;
    const scope = exportScope.value;
    exportScope.replaceChildren(
      list.length > 1 ? h("option", { value: "all", text: `All ${list.length} scenarios` }) : null,
      ...list.map((s, i) => h("option", { value: String(i), text: list.length > 1 ? `Scenario ${LETTERS[i]}${s.name ? ` (${s.name})` : ""} only` : "This scenario" })));
    // The reader's own choice stays while it exists; otherwise everything there is.
    const keep = exportScope.dataset.chosen === "1" && [...exportScope.options].some((o) => o.value === scope);
    exportScope.value = keep ? scope : exportScope.options[0].value;
  }

  function setScenarios(list, active, said) {
    const next = fromList({ ...ctl.state, ...readPage() }, list, active);
    writeForm(next);
    lastModel = modelSelect.value;
    lastDate = atInput.value;
    autoDate = null;
    sayDate("");
    clearPreset();
    ctl.update(next);
    scenarioStatus.textContent = said;
  }

  function selectScenario(i) {
    const list = scenarioList(ctl.state);
    if (i === activeIndex(ctl.state)) return;
    setScenarios(list, i, `Editing scenario ${LETTERS[i]}.`);
  }

  addButton.addEventListener("click", () => {
    const list = scenarioList(ctl.state);
    if (list.length >= LETTERS.length) return;
    list.push({ ...scenarioDefaults });
    setScenarios(list, list.length - 1, `Scenario ${LETTERS[list.length - 1]} added with the default inputs; the form now shows it.`);
    fields.model.focus();
  });
  dupButton.addEventListener("click", () => {
    const list = scenarioList(ctl.state);
    if (list.length >= LETTERS.length) return;
    const from = activeIndex(ctl.state);
    const copy = { ...list[from] };
    delete copy.name; // (a copy is a new scenario: the reader names it)
    list.push(copy);
    setScenarios(list, list.length - 1, `Scenario ${LETTERS[list.length - 1]} is a copy of ${LETTERS[from]}; the form now shows it.`);
    fields.model.focus();
  });
  removeButton.addEventListener("click", () => {
    const list = scenarioList(ctl.state);
    if (list.length < 2) return;
    const gone = activeIndex(ctl.state);
    list.splice(gone, 1);
    const next = Math.max(0, gone - 1);
    setScenarios(list, next, `Scenario ${LETTERS[gone]} removed; the form shows scenario ${LETTERS[next]}${gone < list.length ? " (the later ones moved up a letter)" : ""}.`);
    const tab = tabs.querySelector(`[data-scenario="${LETTERS[next]}"]`);
    (tab && !tabs.hidden ? tab : fields.model).focus();
  });

  // ---- presets --------------------------------------------------------------------------------------------
  function fillPresets(list) {
    if (!list || presets.size) return;
    presets = new Map(list.map((p) => [p.key, p]));
    presetSelect.append(...list.map((p) => h("option", { value: p.key, text: p.label })));
  }

  function clearPreset() {
    presetSelect.value = "";
    presetNote.hidden = true;
    presetNote.replaceChildren();
  }

  function applyPreset() {
    const p = presets.get(presetSelect.value);
    if (!p) return clearPreset();
    const obj = { ...scenarioDefaults, ...normalise(p.inputs) };
    if ("requests_per_day" in p.inputs) delete obj.requests_per_month;
    autoDate = null;
    sayDate("");
    writeScenario(obj);
    presetNote.replaceChildren(h("p", {}, h("strong", { text: `${p.label}: ` }), p.summary),
      h("ul", {}, p.assumptions.map((a) => h("li", { text: a }))),
      h("p", { class: "calc-hint", text: "A starting point: change any field to match your workload." }));
    presetNote.hidden = false;
    changed();
  }

  // ---- a pasted usage object ------------------------------------------------------------------------------
  async function applyUsage() {
    pasteError.hidden = true;
    pasteArea.removeAttribute("aria-invalid");
    pasteNote.textContent = api.status === "live" ? "Reading…" : "Reading as soon as live recalculation is ready…";
    let response;
    try {
      response = await api.call("calculator_usage", { text: pasteArea.value, model: fields.model.value });
    } catch (err) {
      pasteNote.textContent = "";
      pasteError.textContent = `Cannot read it: live recalculation is not available (${err.message}).`;
      pasteError.hidden = false;
      return;
    }
    if (!response.ok) {
      pasteNote.textContent = "";
      pasteError.textContent = response.errors.map((e) => e.message).join(" ");
      pasteError.hidden = false;
      pasteArea.setAttribute("aria-invalid", "true");
      return;
    }
    const r = response.result;
    const obj = { ...readScenario(), tools: "", tool_choice: "auto", container_hours: "0", session_hours: "0",
      with_search_or_fetch: false, platform: "anthropic", endpoint: "global", ...normalise(r.fields) };
    clearPreset();
    writeScenario(obj);
    pasteNote.textContent = [r.summary, ...r.notes].join(" ");
    changed();
  }
  pasteButton.addEventListener("click", applyUsage);

  // ---- export ---------------------------------------------------------------------------------------------
  async function exportAs(format) {
    const list = scenarioList(ctl.state);
    const scope = exportScope.value;
    const chosen = scope === "all" ? list : [list[Number(scope)]];
    const labels = scope === "all" ? LETTERS.slice(0, list.length) : [LETTERS[Number(scope)]];
    exportNote.textContent = "Preparing the file…";
    try {
      const settings = Object.fromEntries(["months", "growth", "budget"].map((k) => [k, ctl.state[k] ?? ""]));
      const response = await api.call("calculator_export", { format, scenarios: chosen, labels, projection: settings });
      if (!response.ok) {
        exportNote.textContent = `Not exported: ${response.errors.map((e) => e.message).join(" ")}`;
        return;
      }
      const { text, filename, mime } = response.result;
      download(text, filename, mime);
      exportNote.textContent = `Downloaded ${filename}.`;
    } catch (err) {
      exportNote.textContent = `Export needs live recalculation, which is not available (${err.message}).`;
    }
  }
  exportScope.addEventListener("change", () => { exportScope.dataset.chosen = "1"; });
  exportCsv.addEventListener("click", () => exportAs("csv"));
  exportJson.addEventListener("click", () => exportAs("json"));

  function writeScenario(state) {
    nameInput.value = state.name || "";
    fields.model.value = state.model || "";
    if (fields.model.value !== state.model && state.model) fillModels(result ? result.groups : [], state.model);
    atInput.value = state.at || "";
    for (const [name] of TOKEN_FIELDS) fields[name].value = state[name] ?? "0";
    batchBox.checked = Boolean(state.batch);
    fastBox.checked = Boolean(state.fast);
    geoSelect.value = state.geo === "us" ? "us" : "global";
    platformSelect.value = state.platform || "anthropic";
    if (platformSelect.value !== (state.platform || "anthropic")) {
      // A value we do not list (a typo in a shared link): keep it so Python can say what is wrong.
      platformSelect.append(h("option", { value: state.platform, text: state.platform }));
      platformSelect.value = state.platform;
    }
    endpointSelect.value = state.endpoint === "regional" ? "regional" : "global";
    const tools = new Set(String(state.tools || "").split(",").map((t) => t.trim()).filter(Boolean));
    for (const box of toolBoxes) box.checked = tools.has(box.value);
    toolChoiceSelect.value = TOOL_CHOICES.some(([v]) => v === state.tool_choice) ? state.tool_choice : "auto";
    fields.container_hours.value = state.container_hours ?? "0";
    fields.session_hours.value = state.session_hours ?? "0";
    searchBox.checked = Boolean(state.with_search_or_fetch);
    const perDay = "requests_per_day" in state;
    unitSelect.value = perDay ? "day" : "month";
    volumeInput.name = perDay ? "requests_per_day" : "requests_per_month";
    volumeInput.value = perDay ? state.requests_per_day : state.requests_per_month ?? "";
    showToggles();
  }

  function readScenario() {
    const next = { model: fields.model.value, at: atInput.value };
    if (nameInput.value.trim()) next.name = nameInput.value;
    for (const [name] of TOKEN_FIELDS) next[name] = fields[name].value;
    next.batch = batchBox.checked;
    next.fast = fastBox.checked;
    next.geo = geoSelect.value;
    next.platform = platformSelect.value;
    next.endpoint = endpointSelect.value;
    next.tools = toolBoxes.filter((box) => box.checked).map((box) => box.value).join(",");
    next.tool_choice = toolChoiceSelect.value;
    next.container_hours = fields.container_hours.value;
    next.session_hours = fields.session_hours.value;
    next.with_search_or_fetch = searchBox.checked;
    if (unitSelect.value === "day") next.requests_per_day = volumeInput.value;
    else next.requests_per_month = volumeInput.value;
    return next;
  }

  // ---- rendering a result ------------------------------------------------------------------------------
  function render(r) {
    const per = r.per_request;
    const volume = r.volume_display;
    const saving = r.saving;
    const savingText = saving.sign > 0
      ? ["Your levers save ", money("saving-monthly-usd", saving.monthly), " a month (", saving.percent, "%) against the no-lever baseline of ", money("baseline-monthly-usd", r.baseline.monthly), "."]
      : saving.sign < 0
        ? ["This setup costs ", money("saving-monthly-usd", saving.monthly, { text: saving.monthly.display.replace(/^-/, "") }), " a month more than the no-lever baseline of ", money("baseline-monthly-usd", r.baseline.monthly), " (cache writes that are not read back often enough)."]
        : ["No lever is in use: this is the baseline, ", money("baseline-monthly-usd", r.baseline.monthly), " a month, saving ", money("saving-monthly-usd", saving.monthly), "."];

    const cur = r.currency;
    const approx = (testid, text) => (cur ? h("span", { class: "calc-approx", "data-testid": testid, text }) : null);
    const sbs = r.side_by_side;
    const letter = sbs ? `Scenario ${sbs.rows.find((row) => row.active).label}: ` : "";
    const summary = h("div", { class: "calc-summary" },
      h("div", { class: "calc-figure" }, h("span", { class: "calc-figure-label", text: `${letter}Per request` }), money("total-usd", per.total),
        approx("total-approx", cur && cur.per_request)),
      h("div", { class: "calc-figure" }, h("span", { class: "calc-figure-label", text: "Per month" }), money("monthly-usd", r.monthly),
        approx("monthly-approx", cur && cur.monthly)),
      cur ? h("p", { class: "calc-hint calc-currency-note", "data-testid": "currency-note", text: cur.note }) : null,
      h("p", { class: "calc-figure-caption" }, `${per.model_name} on ${r.platform_display}, ${volume}.`),
      h("p", { class: "calc-saving", "data-testid": "saving" }, savingText));

    const notes = per.notes.length ? h("ul", { class: "calc-notes", "data-testid": "notes" }, per.notes.map((n) => h("li", { text: n }))) : null;

    const items = h("table", { class: "calc-items", "data-testid": "line-items" },
      h("caption", { text: "Line items" }),
      h("thead", {}, h("tr", {}, ["Bucket", "Tokens or time", "Rate", "Per request", "Per month"].map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", {}, per.items.map((it) => h("tr", { "data-bucket": it.bucket, class: it.empty ? "calc-zero" : "" },
        h("th", { scope: "row", text: it.label }),
        h("td", { text: it.tokens_display }),
        h("td", { text: it.rate_display }),
        h("td", {}, money(`item-${it.bucket}-usd`, it)),
        h("td", {}, money(`item-${it.bucket}-monthly-usd`, it.monthly))))),
      h("tfoot", {}, h("tr", {}, h("th", { scope: "row", text: "Total" }), h("td"), h("td"),
        h("td", { text: per.total.display }), h("td", { text: r.monthly.display }))));

    const compare = h("table", { class: "calc-compare", "data-testid": "comparison" },
      h("caption", { text: "The same workload on every current model (cheapest first)" }),
      h("thead", {}, h("tr", {}, ["Model", "Per request", "Per month", "Notes"].map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", {}, r.comparison.map((row) => h("tr", {
        "data-testid": "compare-row", "data-model": row.model,
        class: [row.cheapest ? "calc-cheapest" : "", row.selected ? "calc-selected" : ""].join(" ").trim(),
      },
      h("th", { scope: "row" }, row.model_name, row.status !== "current" ? ` (${row.status})` : ""),
      row.per_request ? h("td", {}, money("compare-per-request-usd", row.per_request)) : h("td", { text: "—" }),
      row.monthly ? h("td", {}, money("compare-monthly-usd", row.monthly)) : h("td", { text: "—" }),
      h("td", {},
        row.cheapest ? h("strong", { class: "calc-badge", "data-testid": "cheapest", text: "Cheapest" }) : null,
        row.selected ? h("span", { class: "calc-badge calc-badge-selected", text: "Your model" }) : null,
        row.reason ? h("span", { class: "calc-reason", text: row.reason }) : null)))));

    const be = r.break_even;
    const breakEven = h("div", { class: "calc-break-even", "data-testid": "break-even" },
      h("h2", { class: "calc-h", text: "Caching break-even" }),
      be.reads_5m === null
        ? h("p", { text: be.note })
        : h("p", {},
          "On ", per.model_name, ", a 5-minute cache write pays for itself after ",
          h("strong", { "data-testid": "break-even-5m", "data-value": String(be.reads_5m), text: `${be.reads_5m} cache read${be.reads_5m === 1 ? "" : "s"}` }),
          " of the same prefix, and a 1-hour write after ",
          h("strong", { "data-testid": "break-even-1h", "data-value": String(be.reads_1h), text: `${be.reads_1h} read${be.reads_1h === 1 ? "" : "s"}` }),
          " (the extra cost of one write divided by the saving of one read)."));

    const prices = r.prices;
    const dated = h("p", { class: "calc-dated", "data-testid": "prices-dated" },
      `Prices in force on ${per.at} (${per.model_name} price period from ${prices.period_from}${prices.period_to ? ` to ${prices.period_to}` : ""}; checked ${prices.checked} against `,
      h("a", { href: prices.source, rel: "noopener", text: "the official price list" }),
      "). ", r.tokenizer_note);

    const printed = r.describe ? h("p", { class: "calc-print-only", "data-testid": "inputs-summary" }, h("strong", { text: "Inputs: " }), r.describe) : null;
    const chartWidth = Math.max(280, Math.min(Math.round(output.clientWidth || 640), 960));
    lastWidth = chartWidth;
    morphChildren(output, [printed, summary, notes, ...(sbs ? sideBySide(sbs) : []), h("div", { class: "calc-table-wrap" }, items),
      ...(r.projection ? projection(r.projection, chartWidth) : []),
      h("h2", { class: "calc-h", text: "Compared with every current model" }), h("div", { class: "calc-table-wrap" }, compare),
      breakEven, dated].filter(Boolean));
    root.dispatchEvent(new CustomEvent("calc:rendered", { detail: { total: per.total.usd, monthly: r.monthly.usd } }));
  }

  // Charts are drawn at the width they are shown at, so their labels keep their size on a phone.
  let lastWidth = 0;
  if (typeof ResizeObserver === "function") {
    new ResizeObserver(() => {
      const w = Math.max(280, Math.min(Math.round(output.clientWidth || 640), 960));
      if (result && Math.abs(w - lastWidth) > 24) render(result);
    }).observe(output);
  }

  // ---- the date a retired model needs --------------------------------------------------------------------
  // autoDate: the date this widget set for a retired model, and the model and date from before, so that the
  // change can be undone, and is undone by itself when the reader moves on to a model priced on the old date.
  let autoDate = null;

  function sayDate(text, undo) {
    dateNote.replaceChildren(text);
    if (undo) {
      dateNote.append(" ", h("button", { type: "button", class: "calc-link-button", "data-testid": "date-undo", text: "Undo", onclick: undo }));
    }
    dateNote.hidden = !text;
  }

  function onModelPicked(previousModel, previousDate) {
    const m = supports.get(modelSelect.value);
    if (m && m.retired && (!atInput.value || atInput.value >= m.retired)) {
      const day = dayBefore(m.retired);
      autoDate = { model: m.id, set: day, previousModel, previousDate };
      atInput.value = day;
      sayDate(`Date set to ${day}, the last day ${m.name} was priced (it was retired on ${m.retired}).`, () => {
        const back = autoDate;
        autoDate = null;
        modelSelect.value = back.previousModel;
        atInput.value = back.previousDate;
        sayDate(`Back to ${modelName(back.previousModel)} on ${back.previousDate || "today"}.`);
        changed();
      });
    } else if (autoDate && atInput.value === autoDate.set && !(m && m.retired)) {
      const back = autoDate.previousDate;
      autoDate = null;
      atInput.value = back;
      sayDate(`Date back to ${back || "today"} (it was moved for a retired model).`);
    } else if (autoDate) {
      autoDate = null;
      sayDate("");
    }
  }

  // ---- reading the form -------------------------------------------------------------------------------------
  let lastModel = "";
  let lastDate = "";

  function changed() {
    lastModel = modelSelect.value;
    lastDate = atInput.value;
    showToggles();
    const state = ctl.state;
    const list = scenarioList(state);
    const active = activeIndex(state);
    list[active] = readScenario();
    const next = fromList({ ...state, ...readPage() }, list, active);
    ctl.update(next);
    renderTabs(next);
  }

  form.addEventListener("input", (event) => {
    if (event.target === unitSelect) {
      const value = volumeInput.value;
      volumeInput.name = unitSelect.value === "day" ? "requests_per_day" : "requests_per_month";
      volumeInput.value = value;
    }
    if (event.target === pasteArea || event.target === exportScope) return;
    if (event.target === presetSelect) return applyPreset();
    if (event.target === modelSelect) onModelPicked(lastModel, lastDate);
    else if (event.target === atInput && autoDate) {
      autoDate = null; // the reader chose a date: it is theirs now
      sayDate("");
    }
    changed();
  }); // fires for text, select, checkbox and date alike

  resetButton.addEventListener("click", () => {
    autoDate = null;
    sayDate("");
    clearPreset();
    writeForm(defaults);
    ctl.update({ ...defaults });
    lastModel = modelSelect.value;
    lastDate = atInput.value;
    shareNote.textContent = "Back to the default scenario (one scenario, no projection growth, no currency).";
  });

  ctl.onHashChange((state) => {
    autoDate = null;
    sayDate("");
    writeForm(state);
    lastModel = modelSelect.value;
    lastDate = atInput.value;
  });

  // ---- first paint: the build's figures, then live ---------------------------------------------------
  if (result) {
    fillModels(result.groups);
    fillPresets(result.presets);
    render(result);
  } else {
    output.append(h("p", { text: "Figures appear when live recalculation is ready." }));
  }
  // Built on another day, the prerendered figures use that day's prices; "today" needs a fresh answer.
  const builtForToday = !result || result.inputs.at === api.today;
  const state = ctl.start({ shownState: result ? defaults : null, refresh: result && !defaults.at && !builtForToday });
  writeForm(state);
  lastModel = modelSelect.value;
  lastDate = atInput.value;
}
