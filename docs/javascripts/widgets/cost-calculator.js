// The Cost Calculator widget. Every figure it shows is a string computed by Python (calculators.scenarios,
// bridge name "calculator"); this file only collects the form, sends it, and lays out the answer. It never
// does money arithmetic. Text goes into the page through textContent, so nothing needs escaping by hand.
import { formFields, h } from "./_dom.js";

const TOKEN_FIELDS = [
  ["input", "Uncached input tokens", "The part of the prompt not read from or written to the cache."],
  ["cache_write_5m", "Cache writes, 5-minute", "Prompt tokens written to the cache with the default lifetime."],
  ["cache_write_1h", "Cache writes, 1-hour", "Prompt tokens written to the cache with the 1-hour lifetime."],
  ["cache_read", "Cache reads", "Prompt tokens read from the cache."],
  ["output", "Output tokens", "Tokens the model writes, thinking included."],
  ["web_searches", "Web searches", "Server-side web search requests made by this request."],
];
const FIELD_NAMES = ["model", "at", ...TOKEN_FIELDS.map((f) => f[0]), "batch", "fast", "geo", "requests_per_month", "requests_per_day"];
const BOOL = new Set(["batch", "fast"]);

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

// ---------------------------------------------------------------------------------------------------------
// State <-> URL (the share link carries the whole state in the fragment, so it never reaches a server)
// ---------------------------------------------------------------------------------------------------------

function readHash() {
  const raw = location.hash.replace(/^#/, "");
  if (!raw || !raw.includes("=")) return null;
  const params = new URLSearchParams(raw);
  const state = {};
  for (const name of FIELD_NAMES) {
    if (!params.has(name)) continue;
    const value = params.get(name);
    state[name] = BOOL.has(name) ? value === "1" || value === "true" || value === "on" : value;
  }
  return Object.keys(state).length ? state : null;
}

function stateToHash(state) {
  const params = new URLSearchParams();
  for (const name of FIELD_NAMES) {
    if (!(name in state) || state[name] === undefined) continue;
    params.set(name, BOOL.has(name) ? (state[name] ? "1" : "0") : String(state[name]));
  }
  return "#" + params.toString();
}

function normalise(inputs) {
  // The prerendered inputs as form values (numbers become strings, the volume field is chosen).
  const state = {};
  for (const name of FIELD_NAMES) {
    if (!(name in inputs)) continue;
    const value = inputs[name];
    state[name] = BOOL.has(name) ? Boolean(value) : value === null ? "" : String(value);
  }
  return state;
}

function sameState(a, b) {
  return stateToHash(a) === stateToHash(b);
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
  const shared = readHash();
  let state = { ...defaults, ...(shared || {}) };
  if ("requests_per_day" in (shared || {})) delete state.requests_per_month;
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

  const generalError = h("p", { class: "calc-field-error calc-general-error", "data-testid": "error-general", role: "alert", hidden: true });
  const shareLink = h("a", { class: "calc-share-link", "data-testid": "share-link", href: "#", text: "Link to this scenario" });
  const shareNote = h("span", { class: "calc-share-note", role: "status", "aria-live": "polite" });
  const shareButton = h("button", { type: "button", class: "md-button calc-share", "data-testid": "share-button", text: "Copy share link" });
  const resetButton = h("button", { type: "button", class: "md-button calc-share calc-reset", "data-testid": "reset-button", text: "Reset" });

  const form = h("form", { class: "calc-form", novalidate: true, "aria-label": "Cost calculator inputs", onsubmit: (e) => e.preventDefault() },
    h("fieldset", {},
      h("legend", { text: "Model and date" }),
      field("model", "Model", modelSelect, ""),
      field("at", "Prices in force on", atInput, "Leave empty for today (UTC); pick a past day for historical prices.")),
    h("fieldset", {}, h("legend", { text: "Tokens per request" }), tokenInputs),
    h("fieldset", {}, h("legend", { text: "Pricing options" }), batchField, fastField, geoField),
    h("fieldset", {}, h("legend", { text: "Volume" }), volumeField),
    generalError,
    h("p", { class: "calc-share-row" }, shareButton, " ", resetButton, " ", shareLink, " ", shareNote));

  // ---- results -----------------------------------------------------------------------------------------
  const staleNote = h("p", { class: "calc-stale-note", "data-testid": "stale-note", role: "status", hidden: true });
  const output = h("div", { class: "calc-results", "data-testid": "results", "aria-live": "polite" });
  // tabindex: on wide screens this panel scrolls on its own, so it must be reachable from the keyboard.
  const results = h("section", { class: "calc-results-wrap", id: `${id}-results`, "aria-label": "Results", tabindex: "0" }, staleNote, output);

  const staticFigures = root.querySelector(".calc-prerendered");
  root.classList.add("calc-widget");
  root.append(h("div", { class: "calc-layout" }, form, results));
  if (staticFigures) staticFigures.remove();

  // ---- model list --------------------------------------------------------------------------------------
  function fillModels(groups) {
    const chosen = state.model;
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
    geoField.hidden = !s.us && geoSelect.value !== "us";
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
  function writeForm() {
    fields.model.value = state.model || "";
    if (fields.model.value !== state.model && state.model) fillModels(result ? result.groups : []);
    atInput.value = state.at || "";
    for (const [name] of TOKEN_FIELDS) fields[name].value = state[name] ?? "0";
    batchBox.checked = Boolean(state.batch);
    fastBox.checked = Boolean(state.fast);
    geoSelect.value = state.geo === "us" ? "us" : "global";
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
    if (unitSelect.value === "day") next.requests_per_day = volumeInput.value;
    else next.requests_per_month = volumeInput.value;
    return next;
  }

  let urlTimer = 0;
  function updateShare() {
    const hash = stateToHash(state);
    shareLink.href = hash;
    // The address bar follows too (so a reload keeps the scenario), at most every 300 ms: browsers throttle
    // frequent history updates.
    clearTimeout(urlTimer);
    urlTimer = setTimeout(() => {
      if (location.hash !== hash && (location.hash || !sameState(state, defaults))) {
        history.replaceState(history.state, "", hash);
      }
    }, 300);
  }

  // ---- errors and staleness ----------------------------------------------------------------------------
  function clearErrors() {
    for (const [name, slot] of Object.entries(errors)) {
      slot.hidden = true;
      slot.textContent = "";
      if (fields[name]) fields[name].removeAttribute("aria-invalid");
    }
    generalError.hidden = true;
    generalError.textContent = "";
  }

  function showErrors(list) {
    clearErrors();
    const byField = new Map();
    for (const { field: name, message } of list) {
      const key = errors[name] ? name : "";
      byField.set(key, [...(byField.get(key) || []), message]);
    }
    for (const [name, messages] of byField) {
      const slot = name ? errors[name] : generalError;
      slot.textContent = messages.join(" ");
      slot.hidden = false;
      if (name && fields[name]) {
        fields[name].setAttribute("aria-invalid", "true");
        const wrap = fields[name].closest(".calc-field");
        if (wrap) wrap.hidden = false;
      }
    }
  }

  function setStale(text) {
    output.classList.toggle("calc-stale", Boolean(text));
    output.dataset.stale = text ? "true" : "false";
    staleNote.hidden = !text;
    staleNote.textContent = text || "";
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
      h("p", { class: "calc-figure-caption" }, `${per.model_name}, ${volume}.`),
      h("p", { class: "calc-saving", "data-testid": "saving" }, savingText));

    const notes = per.notes.length ? h("ul", { class: "calc-notes", "data-testid": "notes" }, per.notes.map((n) => h("li", { text: n }))) : null;

    const items = h("table", { class: "calc-items", "data-testid": "line-items" },
      h("caption", { text: "Line items" }),
      h("thead", {}, h("tr", {}, ["Bucket", "Tokens", "Rate", "Per request", "Per month"].map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", {}, per.items.map((it) => h("tr", { "data-bucket": it.bucket, class: it.tokens ? "" : "calc-zero" },
        h("th", { scope: "row", text: it.label }),
        h("td", { text: it.tokens_display }),
        h("td", { text: it.rate_display }),
        h("td", {}, money(`item-${it.bucket}-usd`, it)),
        h("td", {}, money(`item-${it.bucket}-monthly-usd`, it.monthly))))),
      h("tfoot", {}, h("tr", {}, h("th", { scope: "row", text: "Total" }), h("td"), h("td"),
        h("td", { text: per.total.display }), h("td", { text: r.monthly.display }))));

    const compare = h("table", { class: "calc-compare", "data-testid": "comparison" },
      h("caption", { text: "The same workload on every current model (cheapest first)" }),
      h("thead", {}, h("tr", {}, ["Model", "Per request", "Per month", ""].map((t) => h("th", { scope: "col", text: t })))),
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
      h("h3", { text: "Caching break-even" }),
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
      h("h3", { text: "Compared with every current model" }), h("div", { class: "calc-table-wrap" }, compare),
      breakEven, dated].filter(Boolean));
    root.dispatchEvent(new CustomEvent("calc:rendered", { detail: { total: per.total.usd, monthly: r.monthly.usd } }));
  }

  // ---- talking to Python -------------------------------------------------------------------------------
  let inflight = false;
  let queued = false;
  let waitingForLive = false;

  function setBusy() {
    // "1" while a recalculation is pending or running; tests and the benchmark wait for "0".
    root.dataset.busy = inflight || queued || (waitingForLive && api.status === "loading") ? "1" : "0";
  }

  function schedule() {
    if (api.status === "failed") return;
    if (api.status !== "live") {
      waitingForLive = true;
      setBusy();
      return;
    }
    if (inflight) {
      queued = true;
      setBusy();
      return;
    }
    run();
  }

  async function run() {
    inflight = true;
    setBusy();
    const sent = { ...state };
    try {
      const response = await api.call("calculator", sent);
      if (response.ok) {
        result = response.result;
        updateSupports(result.groups);
        clearErrors();
        render(result);
        setStale("");
        showToggles();
      } else {
        showErrors(response.errors);
        setStale(result ? "These figures are for your last valid input. Fix the marked field to update them." : "");
      }
    } catch (err) {
      generalError.textContent = `Could not recalculate: ${err.message}`;
      generalError.hidden = false;
      setStale(result ? "These figures are for your last valid input." : "");
    } finally {
      inflight = false;
      if (queued) {
        queued = false;
        run();
      }
      setBusy();
    }
  }

  function onChange(event) {
    if (event && event.target === unitSelect) {
      const value = volumeInput.value;
      volumeInput.name = unitSelect.value === "day" ? "requests_per_day" : "requests_per_month";
      volumeInput.value = value;
    }
    if (event && event.target === modelSelect) {
      const m = supports.get(modelSelect.value);
      if (m && m.retired && (!atInput.value || atInput.value >= m.retired)) atInput.value = dayBefore(m.retired);
    }
    state = readForm();
    showToggles();
    updateShare();
    if (api.status === "failed" && result) {
      setStale("Live recalculation is not available, so these figures are still the ones computed when the site was built.");
    }
    schedule();
  }

  form.addEventListener("input", onChange); // fires for text, select, checkbox and date alike

  shareButton.addEventListener("click", async () => {
    updateShare();
    const url = new URL(stateToHash(state), location.href).href;
    try {
      await navigator.clipboard.writeText(url);
      shareNote.textContent = "Link copied.";
    } catch {
      shareNote.textContent = "Copy the link: " + url;
    }
  });

  resetButton.addEventListener("click", () => {
    state = { ...defaults };
    writeForm();
    updateShare();
    shareNote.textContent = "Back to the default scenario.";
    schedule();
  });

  window.addEventListener("hashchange", () => {
    const next = readHash();
    if (!next || sameState({ ...defaults, ...next }, state)) return;
    state = { ...defaults, ...next };
    if ("requests_per_day" in next) delete state.requests_per_month;
    writeForm();
    schedule();
  });

  // ---- first paint: the build's figures, then live ---------------------------------------------------
  if (result) {
    fillModels(result.groups);
    render(result);
  }
  writeForm();
  updateShare();
  const needsCompute = shared && !sameState(state, defaults);
  if (needsCompute) {
    setStale(result ? "Showing the default scenario; your linked scenario is calculated as soon as live recalculation is ready." : "");
    waitingForLive = true;
  } else {
    setStale("");
  }
  if (!result) output.append(h("p", { text: "Figures appear when live recalculation is ready." }));

  setBusy();
  // Built on another day, the prerendered figures use that day's prices; "today" needs a fresh answer.
  const today = new Date().toISOString().slice(0, 10);
  if (result && !state.at && result.inputs.at !== today) waitingForLive = true;

  api.onStatus((status) => {
    if (status === "live" && waitingForLive) {
      waitingForLive = false;
      schedule();
    } else if (status === "failed" && waitingForLive && result) {
      setStale("Showing the default scenario: live recalculation is not available, so your linked scenario cannot be calculated here.");
    }
    setBusy();
  });
}
