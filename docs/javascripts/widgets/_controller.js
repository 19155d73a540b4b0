// The behaviour every widget shares (not a widget itself: no mount point is named "_controller").
//
// A widget owns its form and its figures; the controller owns what happens between them:
// - the state in the URL fragment (share links; a fragment never reaches a server), read on load and on
//   hashchange, written back (throttled) as the form changes;
// - recalculation: debounced, one request in flight, the newest inputs win, `data-busy` on the mount point is
//   "1" while anything is pending (tests and the benchmark wait for "0");
// - staleness: the controller remembers which inputs the figures on screen were computed for. Whenever they
//   differ from the form, or live recalculation is not available, the figures are dimmed, `data-stale` is
//   "true" (`data-stale-reason` says why: pending, loading, invalid, failed) and a note says what the figures
//   are for. Figures that do not match the inputs are never shown unmarked;
// - errors: each message next to its field (the slots made by formFields in _dom.js), the rest in a general
//   slot.
// Python computes everything; nothing here touches money.
import { h } from "./_dom.js";

const SHARE_THROTTLE_MS = 300; // browsers throttle frequent history updates

// ---------------------------------------------------------------------------------------------------------
// State <-> URL fragment
// ---------------------------------------------------------------------------------------------------------

export function hashCodec(fieldNames, { bools = [], longFields = [] } = {}) {
  const BOOL = new Set(bools);
  const LONG = new Set(longFields);

  function read() {
    const raw = location.hash.replace(/^#/, "");
    if (!raw || !raw.includes("=")) return null;
    const params = new URLSearchParams(raw);
    const state = {};
    for (const name of fieldNames) {
      if (!params.has(name)) continue;
      const value = params.get(name);
      state[name] = BOOL.has(name) ? value === "1" || value === "true" || value === "on" : value;
    }
    return Object.keys(state).length ? state : null;
  }

  function encode(state, withLong = true) {
    const params = new URLSearchParams();
    for (const name of fieldNames) {
      if (!withLong && LONG.has(name)) continue;
      const value = state[name];
      if (value === undefined || value === null) continue;
      params.set(name, BOOL.has(name) ? (value ? "1" : "0") : String(value));
    }
    return "#" + params.toString();
  }

  return { read, encode, same: (a, b) => encode(a) === encode(b) };
}

// ---------------------------------------------------------------------------------------------------------
// The controller
// ---------------------------------------------------------------------------------------------------------

const NOTES = {
  loading: (what) => `Your change is calculated as soon as live recalculation is ready; until then the figures below are for ${what}.`,
  invalid: (what) => `These figures are for your last valid input (${what}), not for the form as it is. Fix the marked field to update them.`,
  failed: (what) => `Live recalculation is not available, so these figures are for ${what}, not for the form as it is.`,
  failedSame: () => "Live recalculation is not available: these figures were computed when the site was built, not recalculated here.",
  cancelled: (what) => `Stopped before the new figures were ready: the figures below are still for ${what}.`,
};

/**
 * opts:
 *   root, api                    the mount point and the page's runtime API (calculators.js)
 *   codec                        hashCodec(...) for the URL fragment, or null
 *   same(a, b)                   whether two states give the same figures (default: codec.same; a widget whose
 *                                inputs include more than the link carries, such as a dropped folder, says so)
 *   defaults                     the form state the prerendered figures are for
 *   fromHash(partial)            a full state from the fields a link carries (default: defaults + partial)
 *   output                       the element holding the figures (dimmed when stale)
 *   staleNote                    the element showing why the figures are stale
 *   errors, fields               error slots and controls by field name (formFields in _dom.js)
 *   generalError                 the slot for messages without a field of their own
 *   busyEl                       optional element shown while a calculation runs
 *   compute(state, signal)       -> Promise of a bridge response {ok, result} / {ok: false, errors}
 *   render(result, state)        lays out a result computed for `state`
 *   describe(state)              words for "the inputs these figures are for" (used in stale notes)
 *   notes                        optional overrides of NOTES (same keys)
 *   canRun(state)                false while there is nothing to compute (default: always true)
 *   debounceMs                   wait after the last change before computing (default 0)
 *   maxShareChars                a longer fragment drops codec's longFields (the note says so)
 *   shareNote                    element for that note (and "Link copied.")
 *   onPaint(info)                called after each repaint with {reason, busy, waiting, running, status}
 */
export function createController(opts) {
  const { root, api, codec, output, staleNote, generalError, busyEl } = opts;
  const errors = opts.errors || {};
  const fields = opts.fields || {};
  const describe = opts.describe || (() => "your previous inputs");
  const notes = { ...NOTES, ...(opts.notes || {}) };
  const canRun = opts.canRun || (() => true);
  const same = opts.same || (codec ? codec.same : (a, b) => JSON.stringify(a) === JSON.stringify(b));
  const fromHash = opts.fromHash || ((partial) => ({ ...opts.defaults, ...partial }));

  let state = { ...opts.defaults };
  let shown = null; // the inputs the figures on screen were computed for
  let badFor = null; // inputs whose last answer was an error
  let cancelledFor = null; // inputs whose calculation was stopped by the reader
  const links = []; // share links to keep up to date
  let refreshOnLive = false; // figures that match the form but need a live answer (another day's build)
  let timer = 0;
  let inflight = null; // {state, abort}
  let urlTimer = 0;
  let staleReason = "";

  // ---- errors --------------------------------------------------------------------------------------------
  function clearErrors() {
    for (const [name, slot] of Object.entries(errors)) {
      slot.hidden = true;
      slot.textContent = "";
      if (fields[name]) fields[name].removeAttribute("aria-invalid");
    }
    if (generalError) {
      generalError.hidden = true;
      generalError.textContent = "";
    }
  }

  function showErrors(list) {
    clearErrors();
    const byField = new Map();
    for (const { field: name, message } of list) {
      const key = errors[name] && name !== "general" ? name : "";
      byField.set(key, [...(byField.get(key) || []), message]);
    }
    for (const [name, messages] of byField) {
      const slot = name ? errors[name] : generalError || errors.general;
      if (!slot) continue;
      slot.textContent = messages.join(" ");
      slot.hidden = false;
      if (!name) continue;
      if (fields[name]) fields[name].setAttribute("aria-invalid", "true");
      const wrap = slot.closest(".calc-field");
      if (wrap) wrap.hidden = false; // a toggle hidden for this model still shows its message
      const details = slot.closest("details");
      if (details) details.open = true;
    }
  }

  // ---- staleness and busy ----------------------------------------------------------------------------------
  function paint() {
    const differs = !shown || !same(shown, state);
    const status = api.status;
    let reason = "";
    let note = "";
    if (shown && status === "failed") {
      reason = "failed";
      note = differs ? notes.failed(describe(shown)) : notes.failedSame(describe(shown));
    } else if (shown && differs) {
      if (cancelledFor && same(cancelledFor, state) && !inflight && !timer) {
        reason = "cancelled";
        note = notes.cancelled(describe(shown));
      } else if (badFor && same(badFor, state) && !inflight && !timer) {
        reason = "invalid";
        note = notes.invalid(describe(shown));
      } else if (status === "loading") {
        reason = "loading";
        note = notes.loading(describe(shown));
      } else {
        reason = "pending"; // being recalculated: dimmed (after a short delay, in CSS), no note
      }
    } else if (!shown && status === "failed" && canRun(state) && notes.failedEmpty) {
      reason = "failed";
      note = notes.failedEmpty();
    }
    staleReason = reason;
    if (output) {
      output.classList.toggle("calc-stale", Boolean(reason) && Boolean(shown));
      output.dataset.stale = reason && shown ? "true" : "false";
      if (reason) output.dataset.staleReason = reason;
      else delete output.dataset.staleReason;
    }
    if (staleNote) {
      staleNote.hidden = !note;
      staleNote.textContent = note;
    }
    const waiting = differs && canRun(state) && status === "loading";
    const busy = Boolean(timer || inflight || (waiting && status !== "failed") || (refreshOnLive && status === "loading"));
    root.dataset.busy = busy ? "1" : "0";
    if (busyEl) busyEl.hidden = !inflight;
    if (opts.onPaint) opts.onPaint({ reason, busy, waiting, running: Boolean(inflight), status });
  }

  // ---- running -------------------------------------------------------------------------------------------
  function needsRun() {
    if (cancelledFor && same(cancelledFor, state)) return false;
    return canRun(state) && (!shown || !same(shown, state) || refreshOnLive);
  }

  function schedule(delay = opts.debounceMs || 0) {
    clearTimeout(timer);
    timer = 0;
    if (api.status === "live" && needsRun()) {
      if (inflight) {
        // The answer in flight is for older inputs; its end starts the next run.
      } else if (delay > 0) {
        timer = setTimeout(() => {
          timer = 0;
          if (!inflight) run();
          paint();
        }, delay);
      } else {
        run();
      }
    }
    paint();
  }

  async function run() {
    const sent = { ...state };
    const abort = new AbortController();
    const mine = { state: sent, abort };
    inflight = mine;
    paint();
    try {
      const response = await opts.compute(sent, abort.signal);
      if (abort.signal.aborted) return;
      // An answer for inputs that have changed since is still shown when it is a result (the figures then say
      // which inputs they are for, and the newer inputs run next); its errors are not, they may be fixed already.
      const current = same(sent, state);
      if (current) refreshOnLive = false;
      if (response.ok) {
        if (current) {
          clearErrors();
          badFor = null;
        }
        shown = sent;
        opts.render(response.result, sent);
      } else if (current) {
        badFor = sent;
        showErrors(response.errors);
      }
    } catch (err) {
      if (abort.signal.aborted || (err && err.name === "AbortError")) return;
      badFor = sent;
      if (api.status !== "failed") showErrors([{ field: "", message: `Could not recalculate: ${err.message}` }]);
    } finally {
      if (inflight === mine) inflight = null;
      if (!inflight && !timer && api.status === "live" && needsRun() && !(badFor && same(badFor, state))) run();
      paint();
    }
  }

  // ---- the URL fragment --------------------------------------------------------------------------------------
  function share() {
    if (!codec) return "";
    let hash = codec.encode(state);
    let note = "";
    if (opts.maxShareChars && hash.length > opts.maxShareChars) {
      hash = codec.encode(state, false);
      note = "The text is too long for a link: the link carries the other fields only.";
    }
    for (const link of links) link.setAttribute("href", hash);
    if (opts.shareNote && (note || opts.shareNote.dataset.kind === "length")) {
      opts.shareNote.textContent = note;
      opts.shareNote.dataset.kind = note ? "length" : "";
    }
    clearTimeout(urlTimer);
    urlTimer = setTimeout(() => {
      if (location.hash !== hash && (location.hash || !same(state, opts.defaults))) {
        history.replaceState(history.state, "", hash);
      }
    }, SHARE_THROTTLE_MS);
    return hash;
  }

  const listeners = { hash: [] };
  if (codec) {
    window.addEventListener("hashchange", () => {
      const partial = codec.read();
      if (!partial) return;
      const next = fromHash(partial);
      if (same(next, state)) return;
      state = next;
      for (const cb of listeners.hash) cb(state);
      schedule(0);
    });
  }

  api.onStatus((status) => {
    if (status === "live") schedule(0);
    else {
      if (status === "failed") {
        clearTimeout(timer);
        timer = 0;
      }
      paint();
    }
  });

  function shareLink() {
    const hash = share();
    return { hash, url: new URL(hash, location.href).href };
  }

  function shareControls(linkText) {
    const link = h("a", { class: "calc-share-link", "data-testid": "share-link", href: "#", text: linkText });
    const button = h("button", { type: "button", class: "md-button calc-share", "data-testid": "share-button", text: "Copy share link" });
    button.addEventListener("click", async () => {
      const { url } = shareLink();
      const note = opts.shareNote;
      try {
        await navigator.clipboard.writeText(url);
        if (note) note.textContent = "Link copied.";
      } catch {
        if (note) note.textContent = "Copy this link: " + url;
      }
    });
    links.push(link);
    link.setAttribute("href", codec ? codec.encode(state) : "#");
    return { link, button };
  }

  return {
    get state() {
      return state;
    },
    get shown() {
      return shown;
    },
    get staleReason() {
      return staleReason;
    },
    get inflight() {
      return Boolean(inflight);
    },
    /** The first state: from the link if there is one. `shownState` is what the figures on screen are for. */
    start({ shownState = null, refresh = false } = {}) {
      const partial = codec ? codec.read() : null;
      state = partial ? fromHash(partial) : { ...opts.defaults };
      shown = shownState;
      refreshOnLive = refresh;
      share();
      schedule(0);
      return state;
    },
    /** The form changed: `next` is the whole new state. */
    update(next, delay) {
      state = next;
      cancelledFor = null;
      share();
      schedule(delay);
    },
    /** Compute again even if the inputs did not change (new files for the same options). */
    invalidate({ forget = false } = {}) {
      if (forget) shown = null;
      cancelledFor = null;
      badFor = null;
      refreshOnLive = true;
      if (inflight) inflight.abort.abort();
      schedule(0);
    },
    /** Stop the calculation in flight (its figures are not shown). */
    cancel() {
      clearTimeout(timer);
      timer = 0;
      refreshOnLive = false;
      if (inflight) inflight.abort.abort();
      inflight = null;
      cancelledFor = { ...state };
      paint();
    },
    onHashChange(cb) {
      listeners.hash.push(cb);
    },
    shareLink,
    shareControls,
    showErrors,
    clearErrors,
    paint,
    schedule,
  };
}
