"""The report's stylesheet, inlined into the page: no web fonts, no external files.

System fonts, a responsive grid of cards and charts, colours that keep 4.5:1 contrast for text,
status words beside every status colour, and a print layout (one objective per page, no shadows,
colours kept).
"""

CSS = """
:root {
  --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --paper: #ffffff; --ground: #f3f5f8;
  --accent: #0b5cad; --good: #116329; --bad: #a40e26; --flat: #57606a; --head: #0f2a44;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--ink); background: var(--ground);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue",
    Arial, sans-serif;
}
.wrap { max-width: 1180px; margin: 0 auto; padding: 0 clamp(12px, 3vw, 32px); }
.masthead { background: var(--head); color: #fff; padding: 28px 0 22px; }
.masthead .brand { margin: 0; letter-spacing: .16em; text-transform: uppercase; font-size: 12px;
  color: #b6c8dc; }
.masthead h1 { margin: 2px 0 6px; font-size: clamp(26px, 4vw, 36px); line-height: 1.15; }
.masthead p { margin: 4px 0; color: #dfe8f1; }
.masthead .period strong { color: #fff; }
.masthead .accounts { font-size: 13px; color: #b6c8dc; }
nav.toc ol { list-style: none; display: flex; flex-wrap: wrap; gap: 8px; padding: 14px 0 0;
  margin: 0; }
nav.toc li { background: var(--paper); border: 1px solid var(--line); border-radius: 999px;
  padding: 4px 12px; font-size: 14px; }
nav.toc a { color: var(--accent); text-decoration: none; font-weight: 600; }
nav.toc a:hover, nav.toc a:focus { text-decoration: underline; }
.overview { margin-top: 18px; }
.overview .panel { background: var(--paper); border: 1px solid var(--line); border-radius: 12px;
  padding: 14px 18px; }
.overview h2 { font-size: 16px; margin: 0 0 8px; }
.counts { display: flex; flex-wrap: wrap; gap: 8px 16px; margin: 8px 0 0; padding: 0;
  list-style: none; font-size: 14px; }
section.objective { background: var(--paper); border: 1px solid var(--line); border-radius: 14px;
  padding: 20px clamp(14px, 2.5vw, 28px) 24px; margin: 22px 0; }
.objective-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 14px;
  border-bottom: 2px solid var(--ground); padding-bottom: 8px; }
.objective-head h2 { margin: 0; font-size: clamp(20px, 2.6vw, 26px); }
.objective-head .other-lang { margin: 0; color: var(--muted); font-style: italic; }
.objective-head .chips { margin-left: auto; display: flex; gap: 6px; flex-wrap: wrap; }
h3 { font-size: 16px; margin: 22px 0 10px; }
h4 { font-size: 14px; margin: 18px 0 8px; color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr));
  gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px;
  background: linear-gradient(#fff, #fbfcfd); }
.card-label { font-size: 13px; color: var(--muted); font-weight: 600; }
.card-value { font-size: 26px; font-weight: 700; line-height: 1.2; margin: 4px 0 2px;
  font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.card-value.small { font-size: 20px; }
.card-change { font-size: 14px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card-change.good { color: var(--good); }
.card-change.bad { color: var(--bad); }
.card-change.flat { color: var(--flat); }
.card-previous { font-size: 12px; color: var(--muted); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 460px), 1fr));
  gap: 14px; }
figure.chart-box { margin: 0; border: 1px solid var(--line); border-radius: 10px;
  padding: 12px 14px; min-width: 0; }
figure.chart-box figcaption { font-weight: 600; font-size: 14px; margin-bottom: 6px; }
svg.chart { display: block; width: 100%; height: auto; overflow: visible; }
svg.chart text { font-size: 11px; fill: var(--muted); font-family: inherit; }
svg.chart text.label { fill: var(--ink); font-size: 12px; }
svg.chart text.value { fill: var(--ink); font-size: 12px; font-weight: 600; }
svg.chart text.rate { fill: var(--muted); font-size: 10.5px; }
svg.chart .grid { stroke: #e6eaef; stroke-width: 1; }
svg.chart .axis { stroke: #9aa4ae; stroke-width: 1; }
svg.chart circle:hover, svg.chart rect:hover { opacity: .8; }
svg.chart rect.cell { stroke: none; }
svg.heatmap { max-width: 640px; }
svg.legend-ramp { display: block; width: 240px; height: 16px; margin-top: 6px; }
svg.legend-ramp text { font-size: 10px; fill: var(--muted); }
svg.status-strip { display: block; width: 100%; height: 14px; border-radius: 7px; }
.status-strip .status-met { fill: #2da44e; }
.status-strip .status-at_risk { fill: #d4a72c; }
.status-strip .status-missed { fill: #cf222e; }
.status-strip .status-no_data { fill: #afb8c1; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 8px 0 0;
  padding: 0; font-size: 12.5px; color: var(--muted); }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin-right: 6px; vertical-align: baseline; }
.note { font-size: 12.5px; color: var(--muted); margin: 6px 0 0; }
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 10px; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px;
  font-variant-numeric: tabular-nums; }
th, td { padding: 7px 10px; text-align: right; white-space: nowrap;
  border-bottom: 1px solid #eaeef2; }
th { background: #f6f8fa; font-weight: 600; color: var(--muted); font-size: 12.5px; }
th.t, td.t { text-align: left; }
td:first-child { white-space: normal; min-width: 12em; }
tbody tr:last-child td { border-bottom: none; }
tbody tr:hover { background: #f6f8fa; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px;
  font-weight: 600; white-space: nowrap; }
.status-met { background: #dafbe1; color: #116329; }
.status-at_risk { background: #fff8c5; color: #7d4e00; }
.status-missed { background: #ffebe9; color: #a40e26; }
.status-no_data { background: #eaeef2; color: #57606a; }
.tag { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 4px;
  background: #eaeef2; color: var(--muted); margin-left: 4px; }
.nodata, .retired { border: 1px dashed #afb8c1; border-radius: 10px; padding: 14px 16px;
  margin: 12px 0; background: #fafbfc; color: var(--muted); }
.nodata strong, .retired strong { color: var(--ink); }
.nodata p, .retired p { margin: 4px 0 0; }
footer { color: var(--muted); font-size: 12.5px; padding: 8px 0 40px; }
footer p { margin: 4px 0; }
@media (max-width: 560px) {
  .card-value { font-size: 22px; }
  .objective-head .chips { margin-left: 0; }
}
@media print {
  @page { margin: 14mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { background: #fff; font-size: 11pt; }
  .masthead { background: #fff; color: var(--ink); border-bottom: 2px solid var(--ink); }
  .masthead p, .masthead .brand, .masthead .accounts { color: var(--muted); }
  .masthead .period strong { color: var(--ink); }
  nav.toc { display: none; }
  section.objective { border: none; padding: 0; margin: 0; break-before: page; }
  .card, figure.chart-box, tr, .nodata, .retired { break-inside: avoid; }
  .charts { grid-template-columns: 1fr 1fr; }
  .table-wrap { overflow: visible; border: none; }
  table { font-size: 8.5pt; }
  th, td { white-space: normal; padding: 4px 6px; }
  td.t { min-width: 0; }
}
"""
