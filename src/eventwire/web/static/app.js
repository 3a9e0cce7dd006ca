/* eventwire dashboard. Data comes from the JSON API of the same server; every
   text from the database is inserted with textContent (never as HTML). */
"use strict";

const QUADS = {
  1: ["Verbal cooperation", "#5aa0e0"],
  2: ["Material cooperation", "#1f5fa8"],
  3: ["Verbal conflict", "#e8913a"],
  4: ["Material conflict", "#c0392b"],
};
const QCOL = { 1: "verbal_cooperation", 2: "material_cooperation", 3: "verbal_conflict", 4: "material_conflict" };
const MARK_NAMES = { trigger: "event words", source: "source", target: "target", date: "date", place: "place" };
const PLOT_CONFIG = { displayModeBar: false, responsive: true };

/* -- small helpers ---------------------------------------------------------- */

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function $(id) { return document.getElementById(id); }

async function api(path, options) {
  const response = await fetch(path, options);
  let body = null;
  try { body = await response.json(); } catch (e) { body = null; }
  if (!response.ok) {
    const message = body && body.error ? body.error.message : `HTTP ${response.status}`;
    throw new Error(message);
  }
  return body;
}

function showError(target, error) {
  target.replaceChildren(el("p", { class: "error", role: "alert", text: String(error.message || error) }));
}

function actorLabel(actor) {
  if (!actor) return "—";
  const code = actor.code || "?";
  return actor.text && actor.text !== code ? `${code} (${actor.text})` : code;
}

function quadBadge(quad) {
  const [name] = QUADS[quad] || ["?"];
  return el("span", { class: `quad quad-${quad}`, title: name, text: name });
}

function params(obj) {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) if (v !== null && v !== undefined && v !== "") out.set(k, v);
  return out.toString();
}

function periodLabel(period, by) {
  if (by === "month") return period.slice(0, 7);
  if (by === "year") return period.slice(0, 4);
  return by === "week" ? `week of ${period}` : period;
}

function plot(id, traces, layout) {
  const base = {
    margin: { l: 48, r: 16, t: 8, b: 40 }, autosize: true, font: { size: 12 },
    legend: { orientation: "h", y: -0.2 }, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
  };
  if (!window.Plotly) { $(id).replaceChildren(el("p", { class: "error", text: "Chart library not loaded." })); return null; }
  return window.Plotly.newPlot(id, traces, Object.assign(base, layout || {}), PLOT_CONFIG);
}

/* The text with marks: spans [{start, end, kind}] are non-nesting within one
   event; across events they may overlap, so we split at every boundary. */
function markedText(text, spans, linkFor) {
  const cuts = new Set([0, text.length]);
  for (const s of spans) { cuts.add(Math.max(0, s.start)); cuts.add(Math.min(text.length, s.end)); }
  const points = [...cuts].sort((a, b) => a - b);
  const nodes = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    if (a === b) continue;
    const piece = text.slice(a, b);
    const covering = spans.filter((s) => s.start <= a && s.end >= b);
    const kinds = [...new Set(covering.filter((s) => s.kind !== "sentence").map((s) => s.kind))];
    let node = document.createTextNode(piece);
    if (kinds.length) {
      node = el("mark", { class: kinds.map((k) => `m-${k}`).join(" "), title: kinds.map((k) => MARK_NAMES[k] || k).join(", ") }, node);
    }
    // Link to the event whose words these are, else to the first event of the sentence.
    const owner = linkFor
      ? covering.find((s) => s.event_id && s.kind === "trigger") || covering.find((s) => s.event_id)
      : null;
    if (owner) node = el("a", { class: "ev", href: `/events/${owner.event_id}`, "data-event": owner.event_id }, node);
    nodes.push(node);
  }
  return nodes;
}

function legend() {
  return el("p", { class: "legend" }, Object.entries(MARK_NAMES).map(([k, name]) => el("mark", { class: `m-${k}`, text: name })));
}

function eventItem(event) {
  return el("li", { "data-event": event.event_id },
    el("div", { class: "meta" },
      `${event.date} · `, quadBadge(event.quad_class), " ",
      el("span", { class: "code", text: event.cameo }), ` ${event.cameo_label || ""}`),
    el("div", {},
      el("a", { href: `/events/${event.event_id}`, class: "event-link" },
        `${actorLabel(event.source)} → ${actorLabel(event.target)}`)),
    el("div", { class: "muted", text: event.sentence || "" }));
}

/* -- pages -------------------------------------------------------------------- */

async function overviewPage() {
  const summary = $("summary");
  try {
    const s = await api("/api/summary");
    const card = (value, label) => el("div", { class: "card" }, el("b", { text: String(value) }), el("span", { text: label }));
    summary.replaceChildren(
      card(s.articles, "articles"), card(s.events, "events"),
      card(s.first_date || "—", "first event"), card(s.last_date || "—", "last event"),
      ...s.quad_classes.map((q) => card(q.events, (QUADS[q.quad_class] || ["?"])[0])));
  } catch (e) { showError(summary, e); }

  const jobs = [
    api("/api/series?by=month").then((t) => {
      const traces = [1, 2, 3, 4].map((q) => ({
        type: "bar", name: QUADS[q][0], marker: { color: QUADS[q][1] },
        x: t.rows.map((r) => r.period), y: t.rows.map((r) => r[QCOL[q]]),
      }));
      plot("chart-timeline", traces, { barmode: "stack", xaxis: { type: "date" }, yaxis: { title: { text: "events" } } });
    }).catch((e) => showError($("chart-timeline"), e)),
    api("/api/dyads/top?limit=10").then((d) => {
      const rows = d.dyads.slice().reverse();
      plot("chart-dyads", [{ type: "bar", orientation: "h", marker: { color: "#14213d" },
        x: rows.map((r) => r.events), y: rows.map((r) => `${r.source} → ${r.target}`) }],
        { margin: { l: 130, r: 16, t: 8, b: 32 } });
      $("list-dyads").replaceChildren(...d.dyads.map((r) => el("li", {},
        el("a", { href: `/dyads?${params({ source: r.source, target: r.target })}`, class: "dyad-link" }, `${r.source} → ${r.target}`),
        ` (${r.events})`)));
    }).catch((e) => showError($("chart-dyads"), e)),
    api("/api/actors/top?limit=10").then((a) => {
      const rows = a.actors.slice().reverse();
      plot("chart-actors", [{ type: "bar", orientation: "h", marker: { color: "#fca311" },
        x: rows.map((r) => r.events), y: rows.map((r) => r.actor) }], { margin: { l: 90, r: 16, t: 8, b: 32 } });
    }).catch((e) => showError($("chart-actors"), e)),
    api("/api/countries?limit=25").then((c) => {
      const traces = [1, 2, 3, 4].map((q) => ({
        type: "bar", name: QUADS[q][0], marker: { color: QUADS[q][1] },
        x: c.countries.map((r) => r.country), y: c.countries.map((r) => r[QCOL[q]]),
      }));
      plot("chart-countries", traces, { barmode: "stack", yaxis: { title: { text: "events" } } });
    }).catch((e) => showError($("chart-countries"), e)),
    api("/api/articles?limit=20").then((a) => {
      $("articles").replaceChildren(...a.articles.map((r) => el("li", {},
        el("a", { href: `/articles/${encodeURIComponent(r.id)}`, class: "article-link" }, r.title || `${(r.snippet || r.id).slice(0, 90)}…`),
        ` · ${r.date} · ${r.events} events`)));
    }).catch((e) => showError($("articles"), e)),
  ];
  await Promise.all(jobs);
}

const dyadState = { rows: [], query: null, cursor: null };

async function dyadsPage() {
  const form = $("dyad-form");
  const url = new URLSearchParams(location.search);
  for (const key of ["source", "target"]) if (url.get(key)) $(key).value = url.get(key);
  if (url.get("by")) $("interval").value = url.get("by");
  $("both").checked = url.get("directed") === "false";
  form.addEventListener("submit", (ev) => { ev.preventDefault(); showDyad(true); });
  $("period-more").addEventListener("click", () => loadPeriod(null, true));
  api("/api/dyads/top?limit=12").then((d) => {
    $("dyad-suggest").replaceChildren(...d.dyads.map((r) => el("button", {
      type: "button", class: "dyad-chip", "data-source": r.source, "data-target": r.target,
      onclick: () => { $("source").value = r.source; $("target").value = r.target; showDyad(true); },
    }, `${r.source} → ${r.target} (${r.events})`)));
  }).catch((e) => showError($("dyad-suggest"), e));
  api("/api/actors/top?limit=100").then((a) => {
    $("actor-codes").replaceChildren(...a.actors.map((r) => el("option", { value: r.actor })));
  }).catch(() => {});
  if ($("source").value && $("target").value) await showDyad(false);
}

async function showDyad(push) {
  const source = $("source").value.trim().toUpperCase();
  const target = $("target").value.trim().toUpperCase();
  if (!source || !target) return;
  const by = $("interval").value;
  const directed = !$("both").checked;
  const query = { source, target, by, directed };
  if (push) history.replaceState(null, "", `/dyads?${params(query)}`);
  const panel = $("series-panel");
  panel.hidden = false;
  $("period-panel").hidden = true;
  $("series-title").textContent = `${source} ${directed ? "→" : "↔"} ${target}, per ${by}`;
  try {
    const data = await api(`/api/dyads/series?${params(query)}`);
    dyadState.rows = data.rows;
    dyadState.query = query;
    const body = $("periods").querySelector("tbody");
    if (!data.rows.length) {
      $("chart-series").replaceChildren(el("p", { class: "muted", text: "No events for this dyad." }));
      body.replaceChildren();
      return;
    }
    const x = data.rows.map((r) => periodLabel(r.period, by));
    const idx = data.rows.map((_, i) => i);
    const traces = [1, 2, 3, 4].map((q) => ({
      type: "bar", name: QUADS[q][0], marker: { color: QUADS[q][1] }, x, y: data.rows.map((r) => r[QCOL[q]]),
      customdata: idx, hovertemplate: `%{y} ${QUADS[q][0].toLowerCase()}<extra></extra>`,
    }));
    traces.push({
      type: "scatter", mode: "lines+markers", name: "Mean Goldstein", yaxis: "y2", x, customdata: idx,
      y: data.rows.map((r) => r.goldstein_mean), line: { color: "#14213d" },
    });
    await plot("chart-series", traces, {
      barmode: "stack", xaxis: { type: "category", automargin: true }, yaxis: { title: { text: "events" } },
      yaxis2: { title: { text: "Goldstein" }, overlaying: "y", side: "right", range: [-10, 10], dtick: 5, zeroline: false },
      margin: { l: 48, r: 48, t: 8, b: 40 },
    });
    const chart = $("chart-series");
    if (chart.on) chart.on("plotly_click", (ev) => { if (ev.points && ev.points.length) loadPeriod(ev.points[0].customdata, false); });
    body.replaceChildren(...data.rows.map((r, i) => el("tr", { "data-period": r.period, tabindex: "0",
      onclick: () => loadPeriod(i, false), onkeydown: (e) => { if (e.key === "Enter") loadPeriod(i, false); } },
      el("td", { text: periodLabel(r.period, by) }), el("td", { text: String(r.events) }),
      ...[1, 2, 3, 4].map((q) => el("td", { text: String(r[QCOL[q]]) })),
      el("td", { text: r.goldstein_mean === null ? "—" : r.goldstein_mean.toFixed(1) }))));
  } catch (e) { showError($("chart-series"), e); }
}

async function loadPeriod(index, more) {
  const panel = $("period-panel");
  const list = $("period-events");
  if (!more) {
    const row = dyadState.rows[index];
    if (!row) return;
    document.querySelectorAll("#periods tbody tr").forEach((tr, i) => tr.classList.toggle("selected", i === index));
    dyadState.period = row;
    dyadState.cursor = null;
    list.replaceChildren();
    $("period-title").textContent = `Events, ${periodLabel(row.period, dyadState.query.by)} (${row.events})`;
  }
  panel.hidden = false;
  const { source, target, directed } = dyadState.query;
  const row = dyadState.period;
  try {
    const page = await api(`/api/events?${params({
      source, target, directed, date_from: row.period, date_to: row.period_end, within: true,
      limit: 50, cursor: more ? dyadState.cursor : null,
    })}`);
    list.append(...page.events.map(eventItem));
    dyadState.cursor = page.next_cursor;
    $("period-more").hidden = !dyadState.cursor;
    if (!more) panel.scrollIntoView({ behavior: "smooth", block: "start" });
  } catch (e) { showError(list, e); }
}

function facts(pairs) {
  return el("dl", { class: "facts" }, pairs.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", {}, v)]));
}

async function eventPage() {
  const root = $("event");
  const id = decodeURIComponent(location.pathname.split("/").pop());
  try {
    const data = await api(`/api/events/${encodeURIComponent(id)}`);
    const e = data.event;
    const place = e.location ? [e.location.name || e.location.text, e.location.country].filter(Boolean).join(", ") : "—";
    const article = data.article;
    document.title = `${e.cameo_label || e.cameo} · eventwire`;
    root.replaceChildren(
      el("h1", {}, `${actorLabel(e.source)} → ${actorLabel(e.target)}`),
      el("p", {}, quadBadge(e.quad_class), " ", el("span", { class: "code", text: e.cameo }), ` ${e.cameo_label || ""}`),
      legend(),
      el("blockquote", { class: "evidence", id: "evidence" }, markedText(e.sentence || "", data.highlights, false)),
      el("section", { class: "panel" }, el("h2", { text: "Event" }), facts([
        ["Date", `${e.date} (${e.date_precision}${e.date_text ? `, “${e.date_text}”` : ""})`],
        ["Source", actorLabel(e.source)],
        ["Target", actorLabel(e.target)],
        ["Event words", e.trigger || "—"],
        ["CAMEO", `${e.cameo} ${e.cameo_label || ""}`],
        ["PLOVER", [e.plover, e.plover_mode].filter(Boolean).join(" / ") || "—"],
        ["Quad class", (QUADS[e.quad_class] || ["?"])[0]],
        ["Goldstein", String(e.goldstein)],
        ["Place", place],
        ["Confidence", String(e.confidence)],
        ["Event id", el("span", { class: "code", text: e.event_id })],
      ])),
      el("section", { class: "panel" }, el("h2", { text: "Article" }),
        article ? el("p", {}, el("a", { href: `/articles/${encodeURIComponent(article.id)}`, id: "article-link" }, article.title || article.id),
          ` · ${article.date}${article.source ? ` · ${article.source}` : ""}`) : el("p", { class: "muted", text: "Article not stored." })),
      el("section", { class: "panel" }, el("h2", { text: `Other mentions (${data.mentions.length})` }),
        data.mentions.length ? el("ul", { class: "events", id: "mentions" }, data.mentions.map(eventItem))
          : el("p", { class: "muted", text: "No other report of this event is stored." })));
  } catch (err) { showError(root, err); }
}

async function articlePage() {
  const root = $("article");
  const id = decodeURIComponent(location.pathname.split("/").slice(2).join("/"));
  try {
    const data = await api(`/api/articles/${encodeURIComponent(id)}`);
    const a = data.article;
    document.title = `${a.title || a.id} · eventwire`;
    const spans = [];
    for (const e of data.events) {
      spans.push({ kind: "sentence", start: e.char_start, end: e.char_end, event_id: e.event_id });
      for (const m of e.marks) spans.push({ ...m, event_id: e.event_id });
    }
    root.replaceChildren(
      el("h1", { text: a.title || `Article of ${a.date}` }),
      el("p", { class: "muted" }, [a.date, a.source, a.dateline].filter(Boolean).join(" · "),
        a.url ? [" · ", el("a", { href: a.url, rel: "noopener noreferrer" }, "original")] : null),
      legend(),
      el("section", { class: "panel" }, el("div", { class: "article-text", id: "article-text" }, markedText(a.text, spans, true))),
      el("section", { class: "panel" }, el("h2", { text: `Events (${data.events.length})` }),
        el("ul", { class: "events", id: "article-events" }, data.events.map(eventItem))));
  } catch (err) { showError(root, err); }
}

async function tryPage() {
  const form = $("try-form");
  const date = $("try-date");
  if (!date.value) date.value = new Date().toISOString().slice(0, 10);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const button = $("try-submit");
    const status = $("try-status");
    const list = $("try-events");
    button.disabled = true;
    status.textContent = "Coding…";
    list.replaceChildren();
    try {
      const data = await api("/api/extract", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ text: $("try-text").value, date: date.value }),
      });
      status.textContent = data.count ? `${data.count} event${data.count === 1 ? "" : "s"} found.` : "No events found in this text.";
      list.replaceChildren(...data.events.map((e) => el("li", { class: "try-event" },
        el("div", { class: "meta" }, `${e.date} · `, quadBadge(e.quad_class), " ",
          el("span", { class: "code", text: e.cameo }), ` ${e.cameo_label || ""}`),
        el("div", {}, el("b", {}, `${actorLabel(e.source)} → ${actorLabel(e.target)}`)),
        el("div", { class: "evidence-small" }, markedText(e.sentence || "", e.highlights, false)))));
      if (data.count) list.prepend(el("li", {}, legend()));
    } catch (err) {
      status.textContent = "";
      showError(list, err);
    } finally { button.disabled = false; }
  });
}

const PAGES = { overview: overviewPage, dyads: dyadsPage, event: eventPage, article: articlePage, try: tryPage };

document.addEventListener("DOMContentLoaded", () => {
  const page = document.body.dataset.page;
  for (const a of document.querySelectorAll("[data-nav]")) if (a.dataset.nav === page) a.setAttribute("aria-current", "page");
  const run = PAGES[page];
  if (run) run().finally(() => { document.body.dataset.ready = "1"; });
});
