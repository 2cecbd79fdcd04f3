"""The ceiling: a bare Starlette app (nothing of agentdir) that reads the request body,
decodes it as JSON with the same decoder agentdir uses, and answers a fixed small JSON body.

Served by the same server (Granian, ASGI) and worker count as agentdir, and by uvicorn
for the server comparison.
"""

from __future__ import annotations

import msgspec
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

_decode = msgspec.json.Decoder().decode
_OK = b'{"Status":"Success","Message":"Agent Updated Successfully"}'
_BAD = b'{"status":"false","message":"Invalid Json Pass Valid Json","data":null}'


async def echo_ok(request: Request) -> Response:
    raw = await request.body()
    try:
        value = _decode(raw)
    except msgspec.DecodeError:
        return Response(_BAD, status_code=400, media_type="application/json")
    if not isinstance(value, dict):
        return Response(_BAD, status_code=400, media_type="application/json")
    return Response(_OK, media_type="application/json")


async def healthz(request: Request) -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


app = Starlette(routes=[
    Route("/healthz", healthz, methods=["GET"]),
    Route("/ca_apis/{name:path}", echo_ok, methods=["GET", "POST", "PUT", "DELETE"]),
])
