// The Cost Calculator widget. Every figure it shows is a string computed by Python (calculators.scenarios,
// bridge name "calculator"); this file only collects the form, sends it, and lays out the answer. It never
// does money arithmetic. Text goes into the page through textContent, so nothing needs escaping by hand.
import { createController, hashCodec } from "./_controller.js";
import { formFields, h } from "./_dom.js";

const TOKEN_FIELDS = [
  ["input", "Uncached input tokens", "The part of the prompt not read from or written to the cache."],
  ["cache_write_5m", "Cache writes, 5-minute", "Prompt tokens written to the cache with the default lifetime."],
  ["cache_write_1h", "Cache writes, 1-hour", "Prompt tokens written to the cache with the 1-hour lifetime."],
  ["cache_read", "Cache reads", "Prompt tokens read from the cache."],
  ["output", "Output tokens", "Tokens the model writes, thinking included."],
  ["web_searches", "Web searches", "Server-side web search requests made by this request."],
];
const PLATFORMS = [
  ["anthropic", "Claude API (Anthropic)"],
  ["bedrock", "Amazon Bedrock"],
  ["vertex", "Google Cloud Vertex AI"],
  ["foundry", "Microsoft Foundry"],
];
const REGIONAL_PLATFORMS = new Set(["bedrock", "vertex"]);
const TOOLS = [
  ["bash", "Bash"],
  ["text_editor", "Text editor"],
  ["computer_use", "Computer use"],
  ["browser", "Browser"],
  ["custom", "Your own tools"],
];
const TOOL_CHOICES = [
  ["auto", "auto (the model decides)"],
  ["none", "none"],
  ["any", "any (must use a tool)"],
  ["tool", "tool (a named tool)"],
];
const FIELD_NAMES = ["model", "at", ...TOKEN_FIELDS.map((f) => f[0]), "batch", "fast", "geo", "requests_per_month", "requests_per_day",
  "platform", "endpoint", "tools", "tool_choice", "container_hours", "session_hours", "with_search_or_fetch"];
const BOOL = new Set(["batch", "fast", "with_search_or_fetch"]);

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
  for (const { name } of [...from.attributes]) if (!to.hasAttribute(name)) from.removeAttribute(name);
  for (const { name, value } of [...to.attributes]) if (from.getAttribute(name) !== value) from.setAttribute(name, value);
  morphChildren(from, [...to.childNodes]);
}

function morphChildren(parent, next) {
  const current = [...parent.childNodes];
  next.forEach((node, i) => (i < current.length ? morph(current[i], node) : parent.append(node)));
  for (let i = next.length; i < current.length; i++) current[i].remove();
}

function money(testid, m, extra = {}) {
  return h("span", { class: "calc-money", "data-testid": testid, "data-value": m.usd, ...extra, text: m.display });
}

// The share link carries the whole state in the URL fragment (_controller.js), so it never reaches a server.
const CODEC = hashCodec(FIELD_NAMES, { bools: [...BOOL] });

function normalise(inputs) {
  // The prerendered inputs as form values (numbers become strings, the volume field is chosen).
  const state = {};
  for (const name of FIELD_NAMES) {
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

  const generalError = h("p", { class: "calc-field-error calc-general-error", "data-testid": "error-general", role: "alert", hidden: true });
  const shareNote = h("span", { class: "calc-share-note", role: "status", "aria-live": "polite" });
  const resetButton = h("button", { type: "button", class: "md-button calc-share calc-reset", "data-testid": "reset-button", text: "Reset" });

  // ---- results -----------------------------------------------------------------------------------------
  const staleNote = h("p", { class: "calc-stale-note", "data-testid": "stale-note", role: "status", hidden: true });
  const output = h("div", { class: "calc-results", "data-testid": "results", "aria-live": "polite" });
  // tabindex: on wide screens this panel scrolls on its own, so it must be reachable from the keyboard.
  const results = h("section", { class: "calc-results-wrap", id: `${id}-results`, "aria-label": "Results", tabindex: "0" }, staleNote, output);

  const ctl = createController({
    root, api, codec: CODEC, defaults, output, staleNote, errors, fields, generalError, shareNote,
    fromHash: (partial) => {
      const next = { ...defaults, ...partial };
      if ("requests_per_day" in partial) delete next.requests_per_month;
      return next;
    },
    compute: (state) => api.call("calculator", state),
    render: (r) => {
      result = r;
      updateSupports(r.groups);
      render(r);
      showToggles();
    },
    describe,
  });
  const share = ctl.shareControls("Link to this scenario");

  const form = h("form", { class: "calc-form", novalidate: true, "aria-label": "Cost calculator inputs", onsubmit: (e) => e.preventDefault() },
    h("fieldset", {},
      h("legend", { text: "Model and date" }),
      field("model", "Model", modelSelect, ""),
      dateField),
    h("fieldset", {}, h("legend", { text: "Tokens per request" }), tokenInputs),
    h("fieldset", {}, h("legend", { text: "Pricing options" }), batchField, fastField, geoField),
    h("fieldset", {}, h("legend", { text: "Where it runs" }), platformField, endpointField),
    h("fieldset", {}, h("legend", { text: "Tools in this request" }), toolsField, toolChoiceField, containerField, sessionField, searchField),
    h("fieldset", {}, h("legend", { text: "Volume" }), volumeField),
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
    const day = s.at || "today";
    return `${modelName(s.model)}, prices in force on ${day}`;
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

  function readForm() {
    const next = { model: fields.model.value, at: atInput.value };
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
        ? ["This setup costs ", h("span", { class: "calc-money", "data-testid": "saving-monthly-usd", "data-value": saving.monthly.usd, text: saving.monthly.display.replace(/^-/, "") }), " a month more than the no-lever baseline of ", money("baseline-monthly-usd", r.baseline.monthly), " (cache writes that are not read back often enough)."]
        : ["No lever is in use: this is the baseline, ", money("baseline-monthly-usd", r.baseline.monthly), " a month, saving ", money("saving-monthly-usd", saving.monthly), "."];

    const summary = h("div", { class: "calc-summary" },
      h("div", { class: "calc-figure" }, h("span", { class: "calc-figure-label", text: "Per request" }), money("total-usd", per.total)),
      h("div", { class: "calc-figure" }, h("span", { class: "calc-figure-label", text: "Per month" }), money("monthly-usd", r.monthly)),
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

    morphChildren(output, [summary, notes, h("div", { class: "calc-table-wrap" }, items),
      h("h2", { class: "calc-h", text: "Compared with every current model" }), h("div", { class: "calc-table-wrap" }, compare),
      breakEven, dated].filter(Boolean));
    root.dispatchEvent(new CustomEvent("calc:rendered", { detail: { total: per.total.usd, monthly: r.monthly.usd } }));
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
    ctl.update(readForm());
  }

  form.addEventListener("input", (event) => {
    if (event.target === unitSelect) {
      const value = volumeInput.value;
      volumeInput.name = unitSelect.value === "day" ? "requests_per_day" : "requests_per_month";
      volumeInput.value = value;
    }
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
    writeForm(defaults);
    changed();
    shareNote.textContent = "Back to the default scenario.";
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
