"""/openapi.json and the interactive docs at /docs, with Swagger UI's assets served
from the installed package (users may be offline)."""

from __future__ import annotations

from pathlib import Path

import swagger_ui
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from agentdir.api.openapi import openapi_document
from agentdir.api.responses import json_response

__all__ = ["docs_routes"]

_ASSETS = Path(swagger_ui.__file__).parent / "static"

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>agentdir API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui",
                                 deepLinking: true});
  </script>
</body>
</html>
"""


async def openapi_json(request: Request) -> Response:
    return json_response(200, openapi_document())


async def docs_page(request: Request) -> Response:
    return HTMLResponse(_PAGE)


def docs_routes() -> list[BaseRoute]:
    return [
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/docs", docs_page, methods=["GET"]),
        Mount("/docs/assets", StaticFiles(directory=_ASSETS), name="docs-assets"),
    ]
