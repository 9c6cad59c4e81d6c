"""plotly.js's own style rules as a stylesheet file, so charts draw under a
Content-Security-Policy that forbids inline styles.

plotly.js normally writes its rules into a <style> element it creates; given an element
with the id "plotly.js-style-global" and the class "no-inline-styles" it leaves that to
the page. Its bundled map library likewise adds a <style> unless an element with its id
exists. `python -m reporting.plotly_css` rewrites static/css/plotly.css from the
plotly.js that npm installed, and a test fails when the two, or the id, part company.
"""

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLOTLY_JS = ROOT / "node_modules" / "plotly.js-basic-dist-min" / "plotly-basic.min.js"
STYLESHEET = ROOT / "static" / "css" / "plotly.css"
# The rules object starts with the plot container's own rule and ends before the loop
# that hands each rule to addStyleRule.
RULES = re.compile(r'=(\{"X,X div":.*?\});for\(', re.DOTALL)


MAP_STYLES_ID = re.compile(
    r'getElementById\("([0-9a-f]{64})"\)\)\{var \w+=document\.createElement\("style"\)'
)


def map_styles_id(source: str) -> str:
    """The id whose presence stops the map library adding its inline stylesheet."""
    match = MAP_STYLES_ID.search(source)
    if match is None:
        raise ValueError("The map library's stylesheet id was not found in plotly.js.")
    return match.group(1)


def rules(source: str) -> dict[str, str]:
    match = RULES.search(source)
    if match is None:
        raise ValueError("plotly.js's style rules were not found: has its build changed?")
    # The object is JSON but for bare or single-quoted keys and single-quoted values.
    text = re.sub(r"([{,])([A-Za-z_]\w*):", r'\1"\2":', match.group(1))
    text = re.sub(r"'((?:[^'\\]|\\.)*)'", lambda m: json.dumps(m.group(1)), text)
    return json.loads(text)


def stylesheet(source: str) -> str:
    lines = [f"/* plotly.js's rules, from {PLOTLY_JS.name} (python -m reporting.plotly_css) */"]
    for selector, body in rules(source).items():
        selector = re.sub(r"^,", " ,", selector)
        selector = selector.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        lines.append(f"{selector}{{{body}}}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    STYLESHEET.parent.mkdir(exist_ok=True)
    STYLESHEET.write_text(stylesheet(PLOTLY_JS.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {STYLESHEET}")
