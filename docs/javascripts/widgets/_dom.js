// DOM helper shared by the widgets (not a widget itself: no mount point is named "_dom").
// h(tag, attrs, ...children): attrs "class" and "text" set className / textContent, "on<event>" adds a
// listener, false/null/undefined are skipped, true becomes an empty attribute. Children that are not
// nodes are inserted as text, so log text and user input are never parsed as HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// A money figure as Python sent it ({usd, display}): the display string shown, the exact amount in data-value
// (what the browser tests compare); "extra" attributes go last, so a caller may set its own class or text.
// Missing money (null) is a dash.
export function money(testid, m, extra = {}) {
  return m ? h("span", { class: "calc-money", "data-testid": testid, "data-value": m.usd, text: m.display, ...extra }) : h("span", { text: "—" });
}

const SVG_NS = "http://www.w3.org/2000/svg";

// An SVG element (charts): attributes set as strings, text through textContent.
export function svg(tag, attrs = {}, text = null) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== null) el.textContent = text;
  return el;
}

// The labelled fields of a widget's form. formFields(id) gives { fields, errors, errorSlot, field }: field(name, label,
// control, hint) wraps a control with its label, optional hint and error slot (ids "<id>-<name>", linked by
// aria-describedby) and records it in fields[name]; errorSlot(name) makes the hidden error paragraph alone
// (for controls laid out by hand) and records it in errors[name].
export function formFields(id) {
  const fields = {};
  const errors = {};

  function errorSlot(name) {
    errors[name] = h("p", { class: "calc-field-error", id: `${id}-${name}-error`, "data-testid": `error-${name}`, role: "alert", hidden: true });
    return errors[name];
  }

  function field(name, label, control, hint) {
    control.id = `${id}-${name}`;
    if (!control.name) control.name = name;
    control.setAttribute("aria-describedby", `${id}-${name}-error${hint ? ` ${id}-${name}-hint` : ""}`);
    fields[name] = control;
    return h("div", { class: `calc-field calc-field-${name}`, "data-field": name },
      h("label", { for: control.id, text: label }),
      control,
      hint ? h("small", { class: "calc-hint", id: `${id}-${name}-hint`, text: hint }) : null,
      errorSlot(name));
  }

  return { fields, errors, errorSlot, field };
}
