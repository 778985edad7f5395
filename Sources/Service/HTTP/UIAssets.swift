/// The web UI: one page, its script and its style, compiled into the binary so the page works
/// offline and the executable needs no files beside it. The script polls the JSON API every two
/// seconds and draws the charts of Spark's Structured Streaming tab as SVG.
enum UIAssets {
    static let indexHTML = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Sluice</title>
        <link rel="stylesheet" href="/ui.css">
        </head>
        <body>
        <header><h1>Sluice</h1><span id="updated"></span></header>
        <main>
        <section>
        <h2>Queries</h2>
        <table id="queries"><thead><tr>
        <th>name</th><th>status</th><th>last batch</th><th>input rows/s</th><th>processed rows/s</th><th>watermark</th><th></th>
        </tr></thead><tbody></tbody></table>
        </section>
        <section id="detail" hidden>
        <h2 id="detail-title"></h2>
        <p id="detail-meta"></p>
        <pre id="last-error" hidden></pre>
        <div id="charts"></div>
        <h3>Recent batches</h3>
        <table id="batches"><thead><tr>
        <th>batch</th><th>time</th><th>input rows</th><th>output rows</th><th>duration ms</th><th>watermark</th><th>malformed</th><th>late</th>
        </tr></thead><tbody></tbody></table>
        <h3>Recent progress records</h3>
        <div id="records"></div>
        </section>
        </main>
        <script src="/ui.js"></script>
        </body>
        </html>
        """#

    static let stylesheet = #"""
        body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2733; background: #f6f7f9; }
        header { display: flex; align-items: baseline; gap: 1em; padding: 0.6em 1.2em; background: #1d3b5a; color: #fff; }
        header h1 { margin: 0; font-size: 1.3em; }
        #updated { font-size: 0.85em; opacity: 0.8; }
        main { padding: 0.5em 1.2em 2em; }
        h2 { font-size: 1.1em; margin: 1em 0 0.4em; }
        h3 { font-size: 1em; margin: 1.2em 0 0.4em; }
        table { border-collapse: collapse; background: #fff; }
        th, td { padding: 0.25em 0.7em; border-bottom: 1px solid #e1e4e8; text-align: right; white-space: nowrap; }
        th:first-child, td:first-child { text-align: left; }
        #queries tbody tr { cursor: pointer; }
        #queries tbody tr.selected { background: #e8f0fb; }
        .status { font-weight: 600; }
        .status.running { color: #1a7f37; } .status.stopping { color: #9a6700; }
        .status.stopped { color: #57606a; } .status.failed { color: #cf222e; }
        #charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 0.8em; }
        .chart-box { background: #fff; border: 1px solid #e1e4e8; padding: 0.4em 0.6em; }
        .chart-box h4 { margin: 0 0 0.2em; font-size: 0.9em; font-weight: 600; }
        svg.chart { width: 100%; height: 150px; }
        svg.chart .line { fill: none; stroke: #2f6fb3; stroke-width: 1.6; }
        svg.chart .line.second { stroke: #d1741f; }
        svg.chart .area { fill: #2f6fb3; opacity: 0.08; }
        svg.chart text { font-size: 10px; fill: #57606a; }
        svg.chart .axis { stroke: #d0d7de; }
        #last-error { background: #fff0f0; border: 1px solid #f5c2c2; padding: 0.6em; white-space: pre-wrap; }
        details { background: #fff; border: 1px solid #e1e4e8; margin: 0.2em 0; padding: 0.2em 0.6em; }
        details pre { font-size: 12px; overflow-x: auto; }
        button { font: inherit; padding: 0.1em 0.8em; }
        .legend { font-size: 0.8em; color: #57606a; }
        """#

    static let script = #"""
        "use strict";
        const state = { selected: null, token: sessionStorage.getItem("sluice-token") };

        function el(tag, attrs, ...children) {
          const e = document.createElement(tag);
          for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
          for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
          return e;
        }
        function svg(tag, attrs) {
          const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
          for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
          return e;
        }
        function fmt(v) {
          if (v === null || v === undefined || Number.isNaN(v)) return "–";
          const a = Math.abs(v);
          if (a >= 1e9) return (v / 1e9).toFixed(1) + "G";
          if (a >= 1e6) return (v / 1e6).toFixed(1) + "M";
          if (a >= 1e4) return (v / 1e3).toFixed(1) + "k";
          return Number.isInteger(v) ? String(v) : v.toFixed(a < 10 ? 2 : 1);
        }
        function millis(iso) { const t = Date.parse(iso); return Number.isNaN(t) ? null : t; }

        // A line chart of one or two series over the batches; points are [batchId, value].
        function chart(id, title, unit, series) {
          const W = 380, H = 150, L = 44, R = 8, T = 8, B = 20;
          const all = series.flatMap(s => s.points).filter(p => p[1] !== null);
          const box = el("div", { class: "chart-box" }, el("h4", {}, title + (unit ? " (" + unit + ")" : "")));
          const s = svg("svg", { class: "chart", id: "chart-" + id, viewBox: `0 0 ${W} ${H}`, "data-points": String(all.length) });
          s.append(svg("line", { class: "axis", x1: L, y1: H - B, x2: W - R, y2: H - B }));
          s.append(svg("line", { class: "axis", x1: L, y1: T, x2: L, y2: H - B }));
          if (all.length > 0) {
            const xs = all.map(p => p[0]), ys = all.map(p => p[1]);
            const x0 = Math.min(...xs), x1 = Math.max(...xs);
            const y0 = Math.min(0, ...ys), y1 = Math.max(...ys) || 1;
            const X = x => L + (x1 === x0 ? (W - L - R) / 2 : (x - x0) / (x1 - x0) * (W - L - R));
            const Y = y => H - B - (y - y0) / (y1 - y0) * (H - T - B);
            series.forEach((ser, i) => {
              const drawn = ser.points.filter(p => p[1] !== null);
              const pts = drawn.map(p => `${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`);
              if (pts.length === 0) return;
              if (i === 0 && pts.length > 1) {
                const first = X(drawn[0][0]), last = X(drawn[drawn.length - 1][0]);
                s.append(svg("polygon", { class: "area", points: `${first},${Y(y0)} ${pts.join(" ")} ${last},${Y(y0)}` }));
              }
              s.append(svg("polyline", { class: "line" + (i ? " second" : ""), points: pts.join(" ") }));
              if (pts.length === 1) { const [cx, cy] = pts[0].split(","); s.append(svg("circle", { cx, cy, r: 2.5, fill: i ? "#d1741f" : "#2f6fb3" })); }
            });
            const label = (x, y, text, anchor) => { const t = svg("text", { x, y, "text-anchor": anchor }); t.textContent = text; s.append(t); };
            label(L - 4, T + 8, fmt(y1), "end");
            label(L - 4, H - B, fmt(y0), "end");
            label(L, H - 6, "batch " + x0, "start");
            label(W - R, H - 6, "batch " + x1, "end");
          }
          box.append(s);
          if (series.length > 1) box.append(el("div", { class: "legend" }, series.map((x, i) => (i ? "orange: " : "blue: ") + x.name).join(", ")));
          return box;
        }

        function renderCharts(records) {
          const by = f => records.map(p => [p.batchId, f(p)]);
          const lag = key => p => {
            const t = millis(p.timestamp), e = p.eventTime && millis(p.eventTime[key]);
            return t !== null && e ? (t - e) / 1000 : null;
          };
          const charts = document.getElementById("charts");
          charts.replaceChildren(
            chart("input-rate", "Input rate", "rows/s", [{ name: "input", points: by(p => p.inputRowsPerSecond) }]),
            chart("process-rate", "Process rate", "rows/s", [{ name: "processed", points: by(p => p.processedRowsPerSecond) }]),
            chart("input-rows", "Input rows", "rows", [{ name: "rows", points: by(p => p.numInputRows) }]),
            chart("batch-duration", "Batch duration", "ms", [{ name: "duration", points: by(p => (p.durationMs || {}).triggerExecution ?? null) }]),
            chart("lag", "Watermark and event-time lag", "s", [
              { name: "batch time − watermark", points: by(lag("watermark")) },
              { name: "batch time − max event time", points: by(lag("max")) }]),
            chart("state-rows", "State rows", "rows", [{ name: "state", points: by(p => (p.stateOperators || []).reduce((a, o) => a + o.numRowsTotal, 0)) }]),
          );
        }

        function renderDetail(q, records) {
          document.getElementById("detail").hidden = false;
          document.getElementById("detail-title").textContent = q.name;
          document.getElementById("detail-meta").textContent =
            `status ${q.status} · id ${q.id || "–"} · checkpoint ${q.checkpoint} · ${records.length} recent batch(es)`;
          const err = document.getElementById("last-error");
          err.hidden = !q.lastError;
          err.textContent = q.lastError ? "Last error: " + q.lastError : "";
          renderCharts(records);
          const rows = records.slice(-20).reverse().map(p => el("tr", {},
            el("td", {}, p.batchId), el("td", {}, p.timestamp), el("td", {}, p.numInputRows), el("td", {}, p.sink.numOutputRows),
            el("td", {}, (p.durationMs || {}).triggerExecution ?? "–"), el("td", {}, (p.eventTime || {}).watermark || "–"),
            el("td", {}, p.sources.reduce((a, s) => a + s.numMalformedRows, 0)),
            el("td", {}, (p.stateOperators || []).reduce((a, o) => a + o.numRowsDroppedByWatermark, 0))));
          document.querySelector("#batches tbody").replaceChildren(...rows);
          document.getElementById("records").replaceChildren(...records.slice(-5).reverse().map(p =>
            el("details", {}, el("summary", {}, "batch " + p.batchId + " · " + p.timestamp), el("pre", {}, JSON.stringify(p, null, 2)))));
        }

        async function stopQuery(name) {
          if (!state.token) {
            state.token = prompt("Bearer token to stop queries (printed by the service at start):");
            if (!state.token) return;
            sessionStorage.setItem("sluice-token", state.token);
          }
          const r = await fetch("/api/queries/" + encodeURIComponent(name) + "/stop",
            { method: "POST", headers: { Authorization: "Bearer " + state.token } });
          if (r.status === 401) { sessionStorage.removeItem("sluice-token"); state.token = null; alert("The token was refused."); }
          refresh();
        }

        async function refresh() {
          try {
            const queries = await (await fetch("/api/queries", { cache: "no-store" })).json();
            if (!state.selected || !queries.some(q => q.name === state.selected)) {
              state.selected = decodeURIComponent(location.hash.slice(1)) || (queries[0] && queries[0].name) || null;
            }
            const body = document.querySelector("#queries tbody");
            body.replaceChildren(...queries.map(q => {
              const stop = el("button", {}, "stop");
              stop.disabled = q.status !== "running";
              stop.addEventListener("click", ev => { ev.stopPropagation(); stopQuery(q.name); });
              const tr = el("tr", { class: q.name === state.selected ? "selected" : "", "data-name": q.name },
                el("td", {}, q.name), el("td", { class: "status " + q.status }, q.status), el("td", {}, q.lastBatchId ?? "–"),
                el("td", {}, fmt(q.inputRowsPerSecond)), el("td", {}, fmt(q.processedRowsPerSecond)), el("td", {}, q.watermark || "–"),
                el("td", {}, stop));
              tr.addEventListener("click", () => { state.selected = q.name; location.hash = encodeURIComponent(q.name); refresh(); });
              return tr;
            }));
            const q = queries.find(q => q.name === state.selected);
            if (q) {
              const records = await (await fetch("/api/queries/" + encodeURIComponent(q.name) + "/progress", { cache: "no-store" })).json();
              renderDetail(q, records);
            }
            document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
          } catch (e) {
            document.getElementById("updated").textContent = "cannot reach the service: " + e;
          }
        }

        refresh();
        setInterval(refresh, 2000);
        """#
}
