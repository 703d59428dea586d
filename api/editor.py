"""The browser SPARQL editor: YASGUI, vendored under ``static/yasgui`` (no CDN).

``GET /sparql`` with ``Accept: text/html`` and no query returns this page. It is pre-filled with
the example queries in ``examples/queries/*.rq`` (the first ``#`` line of each is its title);
the remote autocompleters (Linked Open Vocabularies, prefix.cc) are switched off, so the page
talks to nothing but this server.
"""

from __future__ import annotations

import html
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Final

logger = logging.getLogger(__name__)

#: Where the example queries live in a source checkout.
EXAMPLES_DIR: Final = Path(__file__).resolve().parents[1] / "examples" / "queries"
FALLBACK_QUERY: Final = (
    "PREFIX ck: <https://w3id.org/conflict-kg/ontology#>\n"
    "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n)"
)


@dataclass(frozen=True, slots=True)
class ExampleQuery:
    """One example query.

    Attributes:
        title: Its title (the first comment line, or the file name).
        text: The SPARQL text.
    """

    title: str
    text: str


def load_example_queries(directory: Path = EXAMPLES_DIR) -> list[ExampleQuery]:
    """The example queries in ``directory`` (sorted by file name), or one fallback query.

    Args:
        directory: A directory of ``.rq`` files.

    Returns:
        The examples.

    >>> load_example_queries(Path("/nonexistent"))[0].title
    'Count resources by class'
    """
    found = []
    for path in sorted(directory.glob("*.rq")) if directory.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        first = text.lstrip().splitlines()[0] if text.strip() else ""
        title = first.lstrip("# ").strip() if first.startswith("#") else path.stem
        found.append(ExampleQuery(title=title, text=text))
    return found or [ExampleQuery("Count resources by class", FALLBACK_QUERY)]


def _script_json(value: object) -> str:
    """JSON that is safe inside a ``<script>`` element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_editor(*, endpoint: str, static_root: str, examples: list[ExampleQuery]) -> str:
    """The editor page.

    Args:
        endpoint: The SPARQL endpoint URL the editor sends queries to.
        static_root: URL path of the static files, e.g. ``/static``.
        examples: Queries offered in the picker; the first one fills the editor.

    Returns:
        The HTML document.

    >>> page = render_editor(endpoint="/sparql", static_root="/static", examples=[])
    >>> "yasgui/yasgui.min.js" in page and "https://" not in page
    True
    """
    options = "".join(
        f'<option value="{index}">{html.escape(example.title[:120])}</option>'
        for index, example in enumerate(examples)
    )
    config = {"endpoint": endpoint, "examples": [e.text for e in examples]}
    asset = f"{html.escape(static_root)}/yasgui"
    return _PAGE.format(asset=asset, options=options, config=_script_json(config))


_PAGE: Final = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>conflict-kg SPARQL editor</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{asset}/yasgui.min.css">
<style>
  body {{ margin: 0; font: 15px/1.5 system-ui, sans-serif; color: #1d2330; }}
  header {{ display: flex; gap: 1rem; align-items: center; padding: .6rem 1rem;
           border-bottom: 1px solid #d9dde5; flex-wrap: wrap; }}
  header h1 {{ font-size: 1.1rem; margin: 0; color: #7a2430; }}
  header select {{ max-width: 40rem; padding: .2rem; }}
  #yasgui {{ padding: 0 1rem; }}
</style>
</head>
<body>
<header>
  <h1>conflict-kg SPARQL</h1>
  <label>Example <select id="examples">{options}</select></label>
  <a href="../">home</a> <a href="../docs">API docs</a>
</header>
<div id="yasgui"></div>
<script src="{asset}/yasgui.min.js"></script>
<script>
(function () {{
  var config = {config};
  var endpoint = new URL(config.endpoint, window.location.href).toString();
  var yasgui = new Yasgui(document.getElementById("yasgui"), {{
    requestConfig: {{ endpoint: endpoint, method: "POST" }},
    copyEndpointOnNewTab: true,
    persistenceId: null,
    endpointCatalogueOptions: {{ getData: function () {{ return [{{ endpoint: endpoint }}]; }} }},
    yasqe: {{ autocompleters: ["variables", "prefixes"], prefixCcApi: null }}
  }});
  function load(index) {{
    var tab = yasgui.getTab();
    tab.setEndpoint(endpoint);
    tab.getYasqe().setValue(config.examples[index] || "");
  }}
  var picker = document.getElementById("examples");
  picker.addEventListener("change", function () {{ load(Number(picker.value)); }});
  load(0);
}})();
</script>
</body>
</html>
"""
