// Parts of the Cost Calculator's results that are not the single-scenario figures: scenarios side by side, the
// monthly projection (chart and table) and file downloads. Not a widget itself (no mount point is named
// "_calc-extras"). Every amount, label, axis tick and bar height is a string computed by Python
// (calculators.scenario_set); this file only lays them out. Text goes in through textContent.
import { h, money, svg } from "./_dom.js";

// A money figure with its approximate conversion under it (when the reader gave a currency).
function moneyCell(testid, m) {
  return h("td", { class: "num" }, money(testid, m), m.approx ? h("span", { class: "calc-approx", text: m.approx }) : null);
}

// ---- scenarios side by side -------------------------------------------------------------------------------

export function sideBySide(sbs) {
  const rows = sbs.rows.map((row) => h("tr", {
    "data-testid": "scenario-row", "data-scenario": row.label,
    class: [row.active ? "calc-selected" : "", row.cheapest ? "calc-cheapest" : ""].join(" ").trim(),
  },
  h("th", { scope: "row" }, h("span", { class: "calc-scenario-letter", text: row.label }), " ",
    row.name ? [h("strong", { text: row.name }), " · "] : null, row.model_name,
    h("span", { class: "calc-reason", text: row.describe })),
  moneyCell("scenario-per-request-usd", row.per_request),
  moneyCell("scenario-monthly-usd", row.monthly),
  row.base ? h("td", { class: "num", text: "—" }) : moneyCell("scenario-diff-per-request-usd", row.diff_per_request),
  row.base ? h("td", { class: "num", text: "(the base)" })
    : h("td", { class: "num" }, money("scenario-diff-monthly-usd", row.diff_monthly),
      row.diff_monthly.approx ? h("span", { class: "calc-approx", text: row.diff_monthly.approx }) : null,
      row.diff_percent !== null ? h("span", { class: "calc-reason", text: `${row.diff_percent}%` }) : null)));
  return [
    h("h2", { class: "calc-h", text: "Scenarios side by side" }),
    h("ul", { class: "calc-notes", "data-testid": "scenario-summary" }, sbs.summary.map((s) => h("li", { text: s }))),
    h("div", { class: "calc-table-wrap", tabindex: "0", role: "region", "aria-label": "Scenarios side by side" },
      h("table", { class: "calc-scenarios", "data-testid": "side-by-side" },
        h("caption", { text: `Each scenario, and its difference from scenario ${sbs.base}` }),
        h("thead", {}, h("tr", {}, ["Scenario", "Per request", "Per month", `vs ${sbs.base}, per request`, `vs ${sbs.base}, per month`]
          .map((t, i) => h("th", { scope: "col", class: i ? "num" : "", text: t })))),
        h("tbody", {}, rows))),
  ];
}

// ---- the monthly projection ---------------------------------------------------------------------------------

function projectionSvg(p, width) {
  const left = 72;
  const right = 10;
  const top = 10;
  const plot = 170;
  const bottom = 26;
  const inner = width - left - right;
  const s = svg("svg", { viewBox: `0 0 ${width} ${plot + top + bottom}`, width, height: plot + top + bottom, role: "img",
    "data-testid": "projection-chart", "aria-label": `${p.summary} The table below the chart has every month.` });
  for (const t of p.axis.ticks) {
    const y = top + plot - Number(t.at) * plot;
    s.append(svg("line", { class: "grid", x1: left, x2: width - right, y1: y, y2: y }));
    s.append(svg("text", { x: left - 6, y: y + 4, "text-anchor": "end", "data-value": t.usd }, t.display));
  }
  s.append(svg("line", { class: "axis", x1: left, x2: left, y1: top, y2: top + plot }));
  s.append(svg("line", { class: "axis", x1: left, x2: width - right, y1: top + plot, y2: top + plot }));
  const n = Math.max(p.rows.length, 1);
  const bw = inner / n;
  p.rows.forEach((row, i) => {
    const bh = Math.max(Number(row.height) * plot, row.cost.usd === "0" ? 0 : 1);
    const w = Math.min(Math.max(bw * 0.75, 1), 40);
    const bar = svg("rect", { class: row.over_budget ? "bar over" : "bar", x: left + i * bw + (bw - w) / 2, y: top + plot - bh, width: w, height: bh });
    bar.append(svg("title", {}, `${row.label}: ${row.cost.display}${row.over_budget ? " (over budget)" : ""}`));
    s.append(bar);
  });
  if (p.budget) {
    const y = top + plot - Number(p.budget_at) * plot;
    s.append(svg("line", { class: "budget", "data-testid": "budget-line", x1: left, x2: width - right, y1: y, y2: y }));
    s.append(svg("text", { class: "budget-label", x: width - right, y: y - 4, "text-anchor": "end" }, `Budget ${p.budget.display}`));
  }
  // Month labels: as many as fit (about 64 px each), always the first and the last.
  const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(inner / 64))));
  p.rows.forEach((row, i) => {
    const last = i === n - 1;
    if ((i % every !== 0 && !last) || (!last && i !== 0 && n - 1 - i < every)) return;
    const anchor = n > 1 && i === 0 ? "start" : n > 1 && last ? "end" : "middle";
    const x = anchor === "start" ? left : anchor === "end" ? width - right : left + i * bw + bw / 2;
    s.append(svg("text", { x, y: top + plot + 18, "text-anchor": anchor }, row.label));
  });
  return s;
}

export function projection(p, width) {
  const table = h("table", { class: "calc-table", "data-testid": "projection-table" },
    h("caption", { text: "Cost by month (table)" }),
    h("thead", {}, h("tr", {}, [["Month", ""], ["Requests", "num"], ["Cost", "num"], ["Running total", "num"], ["Budget", ""]]
      .map(([t, c]) => h("th", { scope: "col", class: c, text: t })))),
    h("tbody", {}, p.rows.map((row) => h("tr", { "data-month": String(row.month), class: row.over_budget ? "calc-over" : "" },
      h("th", { scope: "row", text: row.label }),
      h("td", { class: "num", text: row.requests_display }),
      moneyCell("projection-month-usd", row.cost),
      moneyCell("projection-cumulative-usd", row.cumulative),
      h("td", { text: p.budget ? (row.over_budget ? "over" : "within") : "—" })))));
  return [
    h("h2", { class: "calc-h", text: "Monthly projection" }),
    h("p", { "data-testid": "projection-summary" }, p.summary, " ", money("projection-total-usd", p.total, { class: "calc-money calc-sr-only" })),
    h("figure", { class: "calc-figure-chart" },
      h("div", { class: "calc-chart" }, projectionSvg(p, width)),
      h("details", { class: "calc-chart-data" }, h("summary", { text: `Monthly values (${p.rows.length} months)` }),
        h("div", { class: "calc-table-wrap", tabindex: "0", role: "region", "aria-label": "Cost by month" }, table))),
    h("p", { class: "calc-hint", text: p.note }),
  ];
}

// ---- downloads ----------------------------------------------------------------------------------------------

export function download(text, filename, mime) {
  const url = URL.createObjectURL(new Blob([text], { type: `${mime};charset=utf-8` }));
  const a = h("a", { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
