"""The inline style sheet of review pages: no fonts, images or scripts from anywhere.

Marks take their colour from ``--c`` (set on each mark); differences are
outlines with a badge in the label box, so they show without colour too.
"""

CSS = """
:root { --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa;
  --missing: #cf222e; --extra: #0969da; --label: #bc4c00; --span: #8250df; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", sans-serif; }
header, main { max-width: 1600px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 18px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 22px 0 8px; }
h3 { font-size: 15px; margin: 0; }
.meta, .note, .summary { color: var(--muted); margin: 4px 0; }
.set { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.92em;
  background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 0 5px; }
nav a { margin-right: 14px; }
.legend { display: grid; grid-template-columns: max-content 1fr; gap: 6px 14px; align-items: baseline;
  background: var(--soft); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.legend dt { font-weight: 600; }
.legend dd { margin: 0; }
.chip { display: inline-block; background: var(--c); border-radius: 0.35em; padding: 0 0.45em;
  margin: 2px 8px 2px 0; font-size: 0.82em; font-weight: 700; }
.meaning { color: var(--muted); margin-right: 16px; }
.findings { margin: 0; padding-left: 20px; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; }
.finding-error { color: var(--missing); }
.finding-warning { color: var(--label); }
.columns { display: grid; grid-template-columns: repeat(var(--n), minmax(0, 1fr)); gap: 16px; }
.panel { border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
.panel-head { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: baseline;
  background: var(--soft); border-bottom: 1px solid var(--line); padding: 6px 12px; }
.panel-head .count { color: var(--muted); font-size: 0.9em; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; line-height: 2.7; padding: 8px 14px; }
.not-covered, .unusable { padding: 18px 14px; color: var(--muted); font-style: italic; }
.problems { margin: 0; padding: 6px 14px 10px 30px; color: var(--missing); font-size: 13px; }
mark.m { background: var(--c); color: inherit; border-radius: 0.35em; padding: 0.22em 0.3em; margin: 0 0.08em;
  -webkit-box-decoration-break: clone; box-decoration-break: clone; }
mark.m-content { background: color-mix(in srgb, var(--c) 40%, transparent);
  border-bottom: 3px solid var(--c); border-radius: 0.2em; }
.tag { font-size: 0.66em; font-weight: 700; letter-spacing: 0.02em; vertical-align: middle;
  margin-left: 0.45em; white-space: nowrap; }
.tag .link { font-weight: 600; margin-left: 0.5em; background: rgba(255, 255, 255, 0.7);
  border-radius: 0.3em; padding: 0 0.3em; color: var(--ink); }
.tag a.link { color: #0550ae; }
.badge { display: inline-block; color: #fff; border-radius: 0.3em; padding: 0 0.35em; margin-left: 0.4em;
  line-height: 1.45; }
.badge-diff-missing, .diff-key.diff-missing { background: var(--missing); }
.badge-diff-extra, .diff-key.diff-extra { background: var(--extra); }
.badge-diff-label, .diff-key.diff-label { background: var(--label); }
.badge-diff-span, .diff-key.diff-span { background: var(--span); }
mark.diff-missing { outline: 2px solid var(--missing); outline-offset: 1px; }
mark.diff-extra { outline: 2px solid var(--extra); outline-offset: 1px; }
mark.diff-label { outline: 2px solid var(--label); outline-offset: 1px; }
mark.diff-span { outline: 2px dashed var(--span); outline-offset: 1px; }
mark.diff-span.diff-label { outline-color: var(--label); }
mark.m:target { outline: 3px solid var(--ink); outline-offset: 2px; }
.diff-key { display: inline-block; color: #fff; border-radius: 0.3em; padding: 0 0.4em; margin-right: 4px;
  font-weight: 700; }
.index td, .index th { text-align: left; padding: 4px 14px 4px 0; border-bottom: 1px solid var(--line); }
"""
