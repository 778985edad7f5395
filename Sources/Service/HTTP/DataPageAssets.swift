/// The dashboard and log-dump pages, compiled into the binary like the operations UI
/// (`UIAssets`) and styled by its `/ui.css`.
///
/// The dashboard page polls `GET /api/dashboards/{name}` every two seconds with the table
/// version it shows (`unlessVersion`), so it redraws exactly when a new version has landed.
/// Buckets after the watermark the table's writer recorded are provisional: drawn pale with a
/// dashed outline over a shaded band labelled with the watermark.
///
/// The log page's form fills itself from the URL (`/logs?table=&customer=&...`), so a dump can be
/// shared as a link; it reads `GET /api/logs` as a stream and shows the first 1,000 rows while
/// counting all of them.
enum DataPageAssets {
    static let nav = #"""
        <header><h1>Sluice</h1><nav><a href="/">Queries</a><a href="/dashboards">Dashboards</a><a href="/logs">Log dump</a></nav><span id="updated"></span></header>
        """#

    /// Zones offered in the time-zone fields (any IANA id or offset may be typed).
    static let zones = #"""
        <datalist id="zones"><option value="UTC"><option value="Europe/Paris"><option value="Europe/London"><option value="America/New_York"><option value="America/Los_Angeles"><option value="Asia/Tokyo"><option value="Asia/Kolkata"><option value="Australia/Sydney"></datalist>
        """#

    static let dashboardsHTML = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Sluice dashboards</title>
        <link rel="stylesheet" href="/ui.css">
        </head>
        <body>
        """# + nav + #"""
        <main>
        <form id="range" class="fields">
        <label>Dashboard <select id="dashboard" name="d"></select></label>
        <label>From <input id="from" name="from" placeholder="YYYY-MM-DD HH:MM" size="17"></label>
        <label>To <input id="to" name="to" placeholder="latest data" size="17"></label>
        <label>Time zone <input id="tz" name="tz" list="zones" size="18"></label>
        <button type="submit" id="show">Show</button>
        <button type="button" id="latest">Latest</button>
        </form>
        """# + zones + #"""
        <section id="dashboard-box" hidden>
        <h2 id="title"></h2>
        <p id="meta"></p>
        <div id="chart"></div>
        <div id="legend" class="legend"></div>
        <p id="scan" class="legend"></p>
        </section>
        <pre id="error" class="error" hidden></pre>
        </main>
        <script src="/dashboards.js"></script>
        </body>
        </html>
        """#

    static let logsHTML = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Sluice log dump</title>
        <link rel="stylesheet" href="/ui.css">
        </head>
        <body>
        """# + nav + #"""
        <main>
        <h2>Dump service logs</h2>
        <form id="dump" class="fields">
        <label>Table <select id="table" name="table"></select></label>
        <label>Customer <input id="customer" name="customer" size="14"></label>
        <label>Service <input id="service" name="service" size="14"></label>
        <label>Start <input id="from" name="from" placeholder="YYYY-MM-DD HH:MM[:SS]" size="19" required></label>
        <label>End <input id="to" name="to" placeholder="YYYY-MM-DD HH:MM[:SS]" size="19" required></label>
        <label>Time zone <input id="tz" name="tz" list="zones" size="18" required></label>
        <button type="submit" id="dump-button">Dump logs</button>
        </form>
        """# + zones + #"""
        <p id="status"></p>
        <p id="links" class="legend"></p>
        <pre id="error" class="error" hidden></pre>
        <div class="scroll"><table id="rows"><thead></thead><tbody></tbody></table></div>
        </main>
        <script src="/logs.js"></script>
        </body>
        </html>
        """#

    /// Helpers both pages' scripts start with.
    static let common = #"""
        "use strict";
        function el(tag, attrs, ...children) {
          const e = document.createElement(tag);
          for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
          for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
          return e;
        }
        function svg(tag, attrs, text) {
          const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
          for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
          if (text !== undefined) e.textContent = text;
          return e;
        }
        function $(id) { return document.getElementById(id); }
        // A query string with spaces as %20: URLSearchParams writes "+", which servers may read literally.
        function qs(p) { return p.toString().replace(/\+/g, "%20"); }
        function showError(message) { const e = $("error"); e.hidden = !message; e.textContent = message || ""; }
        function defaultZone() { try { return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (e) { return "UTC"; } }
        // A UTC ISO time as wall-clock time in `zone` (yyyy-MM-dd HH:mm:ss).
        function localTime(iso, zone) {
          try {
            return new Intl.DateTimeFormat("sv-SE", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
              hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false }).format(new Date(iso));
          } catch (e) { return iso; }
        }
        """#

    static let dashboardsScript = common + #"""
        const palette = ["#2f6fb3", "#d1741f", "#3a9d5d", "#b8428c", "#7a5cc2", "#c9a227", "#2aa3a3", "#8c564b", "#d62728", "#5f6b7a"];
        const state = { version: null, key: null };

        function fmt(v) {
          if (v === null || v === undefined) return "–";
          const a = Math.abs(v);
          if (a >= 1e6) return (v / 1e6).toFixed(1) + "M";
          if (a >= 1e4) return (v / 1e3).toFixed(1) + "k";
          return Number.isInteger(v) ? String(v) : v.toFixed(1);
        }

        function params() {
          const p = new URLSearchParams();
          if ($("from").value.trim()) p.set("from", $("from").value.trim());
          if ($("to").value.trim()) p.set("to", $("to").value.trim());
          p.set("tz", $("tz").value.trim() || "UTC");
          return p;
        }

        function render(d) {
          const W = 960, H = 320, L = 52, R = 12, T = 22, B = 42;
          const n = d.buckets.length, first = d.firstProvisionalBucket ?? n;
          const stacked = d.chart === "stackedBars";
          let top = 0;
          for (let i = 0; i < n; i++) {
            let sum = 0;
            for (const s of d.series) {
              const v = s.values[i] ?? 0;
              if (stacked) sum += Math.max(0, v); else top = Math.max(top, v);
            }
            if (stacked) top = Math.max(top, sum);
          }
          top = top || 1;
          const bw = (W - L - R) / Math.max(1, n);
          const X = i => L + i * bw, Y = v => H - B - v / top * (H - T - B);
          let total = 0;
          for (const s of d.series) for (const v of s.values) total += v ?? 0;
          const chart = svg("svg", { id: "dashboard-chart", class: "dashboard " + d.chart, viewBox: `0 0 ${W} ${H}`,
            "data-buckets": n, "data-series": d.series.length, "data-provisional": n - first, "data-version": d.tableVersion,
            "data-total": total });
          if (first < n) {
            chart.append(svg("rect", { class: "provisional-band", x: X(first), y: T, width: X(n) - X(first), height: H - T - B }));
            chart.append(svg("text", { class: "provisional-label", x: X(first) + 4, y: T - 6 },
              "provisional: after the watermark " + (d.watermark ? localTime(d.watermark, d.timeZone).slice(11, 16) : "")));
          }
          chart.append(svg("line", { class: "axis", x1: L, y1: H - B, x2: W - R, y2: H - B }));
          chart.append(svg("line", { class: "axis", x1: L, y1: T, x2: L, y2: H - B }));
          for (const f of [0, 0.5, 1]) {
            chart.append(svg("text", { x: L - 6, y: Y(top * f) + 4, "text-anchor": "end" }, fmt(top * f)));
            if (f > 0) chart.append(svg("line", { class: "grid", x1: L, y1: Y(top * f), x2: W - R, y2: Y(top * f) }));
          }
          const every = Math.max(1, Math.ceil(n / 12));
          for (let i = 0; i < n; i += every) {
            const label = d.labels[i];
            chart.append(svg("text", { x: X(i) + bw / 2, y: H - B + 14, "text-anchor": "middle" }, label.slice(11)));
            if (i === 0 || label.slice(0, 10) !== d.labels[i - every].slice(0, 10)) {
              chart.append(svg("text", { x: X(i) + bw / 2, y: H - B + 28, "text-anchor": "middle" }, label.slice(0, 10)));
            }
          }
          if (stacked) {
            const base = new Array(n).fill(0);
            d.series.forEach((s, k) => {
              for (let i = 0; i < n; i++) {
                const v = s.values[i];
                if (!v || v <= 0) continue;
                const r = svg("rect", { class: "bar" + (i >= first ? " provisional" : ""), x: X(i) + bw * 0.1, width: Math.max(1, bw * 0.8),
                  y: Y(base[i] + v), height: Y(base[i]) - Y(base[i] + v), fill: palette[k % palette.length] });
                r.append(svg("title", {}, `${d.labels[i]} ${s.key ?? "(none)"}: ${fmt(v)}${i >= first ? " (provisional)" : ""}`));
                chart.append(r);
                base[i] += v;
              }
            });
          } else {
            d.series.forEach((s, k) => {
              const part = (lo, hi) => {
                const pts = [];
                for (let i = lo; i < hi; i++) if (s.values[i] !== null) pts.push(`${(X(i) + bw / 2).toFixed(1)},${Y(s.values[i]).toFixed(1)}`);
                return pts;
              };
              const done = part(0, Math.min(n, first + 1)), open = part(Math.max(0, first - 1), n);
              if (done.length) chart.append(svg("polyline", { class: "series", points: done.join(" "), stroke: palette[k % palette.length] }));
              if (first < n && open.length) chart.append(svg("polyline", { class: "series provisional", points: open.join(" "), stroke: palette[k % palette.length] }));
            });
          }
          $("chart").replaceChildren(chart);
          $("legend").replaceChildren(...d.series.map((s, k) =>
            el("span", { class: "key" }, el("i", { style: "background:" + palette[k % palette.length] }), s.key ?? "(none)")));
          $("title").textContent = d.dashboard;
          $("meta").textContent = `${d.measure} per ${d.bucketMicros / 60e6} min, ${d.labels[0] || ""} to ${localTime(d.to, d.timeZone).slice(0, 16)} ${d.timeZone}` +
            ` · table version ${d.tableVersion}` + (d.watermark ? ` · watermark ${localTime(d.watermark, d.timeZone)}` : "") +
            (first < n ? ` · ${n - first} provisional bucket(s)` : "");
          const st = d.statistics;
          $("scan").textContent = `read ${st.filesRead} of ${st.filesConsidered} files (${st.filesPrunedByPartition} pruned by partition, ` +
            `${st.filesSkippedByStats} skipped by statistics), ${st.rowGroupsRead} row groups, ${st.bytesRead} bytes`;
          $("dashboard-box").hidden = false;
        }

        async function load(force) {
          const name = $("dashboard").value;
          if (!name) return;
          const p = params();
          const key = name + "?" + qs(p);
          if (!force && state.key === key && state.version !== null) p.set("unlessVersion", state.version);
          try {
            const r = await fetch("/api/dashboards/" + encodeURIComponent(name) + "?" + qs(p), { cache: "no-store" });
            $("updated").textContent = "checked " + new Date().toLocaleTimeString();
            if (r.status === 204) return;
            const body = await r.json();
            if (!r.ok) { showError(body.error || r.statusText); return; }
            showError("");
            state.version = body.tableVersion;
            state.key = key;
            render(body);
          } catch (e) {
            $("updated").textContent = "cannot reach the service: " + e;
          }
        }

        function remember() {
          const p = params();
          p.set("d", $("dashboard").value);
          history.replaceState(null, "", "/dashboards?" + qs(p));
        }

        async function init() {
          const q = new URLSearchParams(location.search);
          const list = await (await fetch("/api/dashboards", { cache: "no-store" })).json();
          $("dashboard").replaceChildren(...list.map(d => el("option", { value: d.name }, d.title)));
          if (list.length === 0) { showError("This service declares no dashboards."); return; }
          $("dashboard").value = q.get("d") || list[0].name;
          $("from").value = q.get("from") || "";
          $("to").value = q.get("to") || "";
          $("tz").value = q.get("tz") || defaultZone();
          $("range").addEventListener("submit", ev => { ev.preventDefault(); remember(); load(true); });
          $("dashboard").addEventListener("change", () => { remember(); load(true); });
          $("latest").addEventListener("click", () => { $("from").value = ""; $("to").value = ""; remember(); load(true); });
          await load(true);
          setInterval(() => load(false), 2000);
        }
        init();
        """#

    static let logsScript = common + #"""
        const shownRows = 1000;

        function params() {
          const p = new URLSearchParams();
          for (const f of ["table", "customer", "service", "from", "to", "tz"]) {
            const v = $(f).value.trim();
            if (v) p.set(f, v);
          }
          return p;
        }

        async function dump() {
          const p = params();
          history.replaceState(null, "", "/logs?" + qs(p));
          const zone = $("tz").value.trim();
          const started = performance.now();
          const status = $("status");
          status.removeAttribute("data-done");
          status.textContent = "reading…";
          showError("");
          $("links").replaceChildren(el("a", { href: "/api/logs?" + qs(p) }, "all rows as JSON lines"), " · ",
            el("a", { href: "/api/logs?" + qs(p) + "&format=csv" }, "as CSV"));
          const head = $("rows").querySelector("thead"), body = $("rows").querySelector("tbody");
          head.replaceChildren();
          body.replaceChildren();
          let count = 0, columns = null, summary = null;
          const r = await fetch("/api/logs?" + qs(p) + "&summary=1", { cache: "no-store" });
          if (!r.ok) {
            const e = await r.json().catch(() => ({ error: r.statusText }));
            showError(e.error);
            status.textContent = "";
            status.setAttribute("data-done", "error");
            return;
          }
          const reader = r.body.getReader(), decoder = new TextDecoder();
          let rest = "";
          const take = line => {
            if (!line) return;
            const row = JSON.parse(line);
            if (row["@summary"]) { summary = row["@summary"]; return; }
            if (row["@error"]) { showError(row["@error"]); return; }
            count++;
            if (!columns) {
              columns = Object.keys(row);
              head.append(el("tr", {}, el("th", {}, "local time (" + zone + ")"), ...columns.map(c => el("th", {}, c))));
            }
            if (count <= shownRows) {
              const first = columns.find(c => typeof row[c] === "string" && /^\d{4}-\d\d-\d\dT/.test(row[c]));
              body.append(el("tr", {}, el("td", {}, first ? localTime(row[first], zone) : ""),
                ...columns.map(c => el("td", {}, row[c] === null ? "null" : row[c]))));
            }
          };
          while (true) {
            const { value, done } = await reader.read();
            if (done) break;
            rest += decoder.decode(value, { stream: true });
            const lines = rest.split("\n");
            rest = lines.pop();
            lines.forEach(take);
            status.textContent = `${count} rows so far…`;
          }
          take(rest);
          const ms = Math.round(performance.now() - started);
          let text = `${count} row(s)` + (count > shownRows ? `, the first ${shownRows} shown` : "") + ` in ${ms} ms`;
          if (summary) {
            const s = summary.statistics;
            text += ` · files: ${s.filesConsidered} considered, ${s.filesPrunedByPartition} pruned by partition, ` +
              `${s.filesSkippedByStats} skipped by statistics, ${s.filesRead} read · row groups: ${s.rowGroupsConsidered} considered, ` +
              `${s.rowGroupsSkippedByStats} skipped, ${s.rowGroupsRead} read · ${s.bytesRead} of ${s.tableBytes} bytes`;
          }
          status.textContent = text;
          status.setAttribute("data-rows", String(count));
          status.setAttribute("data-done", "ok");
        }

        async function init() {
          const q = new URLSearchParams(location.search);
          const tables = await (await fetch("/api/logs/tables", { cache: "no-store" })).json();
          $("table").replaceChildren(...tables.map(t => el("option", { value: t.name }, t.name)));
          if (tables.length === 0) { showError("This service declares no log tables."); return; }
          for (const f of ["table", "customer", "service", "from", "to"]) if (q.get(f)) $(f).value = q.get(f);
          $("tz").value = q.get("tz") || defaultZone();
          $("dump").addEventListener("submit", ev => { ev.preventDefault(); dump().catch(e => showError(String(e))); });
          if (q.get("from") && q.get("to")) dump().catch(e => showError(String(e)));
        }
        init();
        """#
}
