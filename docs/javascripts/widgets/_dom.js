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
