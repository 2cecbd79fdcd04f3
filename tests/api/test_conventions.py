"""Section 1 conventions, through the real app: what counts as a JSON object body, the
Content-Type of requests (ignored) and of answers (always application/json), the
64 KiB body cap, and server faults that never leak internals nor half-write."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.conftest import ENDPOINTS, Api

AGENT = "priya.s"
EMAIL = "priya@example.com"
LIMIT = 65_536
INVALID_JSON = {"status": "false", "message": "Invalid Json Pass Valid Json", "data": None}
TOO_LARGE = {"status": "false", "message": "Request body too large", "data": None}
INTERNAL = {"status": "false", "message": "Internal Server Error", "data": None}
UPDATED = {"Status": "Success", "Message": "Agent Updated Successfully"}


def is_json_answer(response: httpx.Response) -> bool:
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    return media_type == "application/json"


def exact(response: httpx.Response, status: int, body: dict[str, Any]) -> None:
    assert response.status_code == status, response.text
    data = response.json()
    assert list(data.items()) == list(body.items())
    assert is_json_answer(response), response.headers


async def read_agent(api: Api, agent_id: str = AGENT) -> dict[str, Any]:
    response = await api.call("AgentDetails", {"agentId": agent_id})
    assert response.status_code == 200, response.text
    record: dict[str, Any] = response.json()["message"][0]["Details"]
    return record


@pytest.fixture
async def agent(api: Api) -> Api:
    await api.seed_agent(AGENT, agentName="Priya Sharma", email=EMAIL)
    return api


def encoded(api: Api, **fields: Any) -> bytes:
    body = {"userName": api.user_name, "agentId": AGENT, "email": EMAIL, **fields}
    return json.dumps(body, ensure_ascii=False).encode()


def sized(api: Api, size: int, *, pad_char: str = "x") -> bytes:
    """A valid updateAgent body of exactly `size` bytes: padded with an unknown field."""
    base = encoded(api, pad="")
    room = size - len(base)
    char_bytes = len(pad_char.encode())
    assert room >= 0
    pad = pad_char * (room // char_bytes) + "y" * (room % char_bytes)
    raw = encoded(api, pad=pad)
    assert len(raw) == size
    return raw


# --- bodies that are not a JSON object --------------------------------------------------

NOT_OBJECTS: list[tuple[str, bytes]] = [
    ("empty", b""),
    ("whitespace", b"  \n\t "),
    ("malformed-open-brace", b"{"),
    ("malformed-missing-value", b'{"userName":}'),
    ("single-quotes", b"{'userName': 'x'}"),
    ("trailing-comma", b'{"userName": "x",}'),
    ("unquoted-key", b"{userName: 1}"),
    ("two-objects", b"{}{}"),
    ("trailing-garbage", b'{"userName": "x"} x'),
    ("nan", b'{"userName": NaN}'),
    ("array", b"[]"),
    ("array-of-object", b'[{"userName": "x"}]'),
    ("string", b'"{\\"userName\\": \\"x\\"}"'),
    ("number", b"42"),
    ("float", b"4.2"),
    ("true", b"true"),
    ("null", b"null"),
    ("invalid-utf8-bare", b"\xff\xfe\xfd"),
    ("invalid-utf8-in-string", b'{"userName": "\xff"}'),
    ("invalid-utf8-in-key", b'{"\xc3\x28": 1}'),
    ("utf8-encoded-surrogate", b'{"x": "\xed\xa0\x80"}'),
    ("overlong-utf8", b'{"x": "\xc0\xaf"}'),
    ("truncated-utf8", b'{"x": "\xe0\xa4"}'),
    ("utf16-object", '{"userName": "x"}'.encode("utf-16")),
    ("deeply-nested-array", b"[" * 30_000 + b"]" * 30_000),
    ("nested-array-depth-5", b"[[[[[]]]]]"),
]


@pytest.mark.parametrize("raw", [r for _, r in NOT_OBJECTS], ids=[i for i, _ in NOT_OBJECTS])
@pytest.mark.parametrize("endpoint", ["updateAgent", "createAgent"])
async def test_body_not_a_json_object(agent: Api, endpoint: str, raw: bytes) -> None:
    before = await read_agent(agent)
    response = await agent.call(endpoint, content=raw)
    exact(response, 400, INVALID_JSON)
    assert await read_agent(agent) == before


@pytest.mark.parametrize("raw", [b"", b"[]", b'"x"', b"{", b'{"userName": "\xff"}'],
                         ids=["empty", "array", "string", "malformed", "invalid-utf8"])
@pytest.mark.parametrize("endpoint", ["generateToken", "deleteAgent", "AgentDetails", "skill"])
async def test_body_not_a_json_object_on_every_endpoint(api: Api, endpoint: str,
                                                        raw: bytes) -> None:
    response = await api.call(endpoint, content=raw)
    exact(response, 400, INVALID_JSON)


async def test_object_too_deep_for_the_parser_is_invalid_json_agentdir_reading(
    agent: Api,
) -> None:
    """A JSON object holding an array nested 30,000 deep (under 64 KiB) is refused as
    invalid JSON, never a 500."""
    raw = (b'{"userName": "' + agent.user_name.encode() + b'", "x": '
           + b"[" * 30_000 + b"]" * 30_000 + b"}")
    assert len(raw) < LIMIT
    exact(await agent.call("updateAgent", content=raw), 400, INVALID_JSON)


async def test_moderately_nested_unknown_field_is_accepted(agent: Api) -> None:
    nested: Any = []
    for _ in range(200):
        nested = [nested, {"k": None}]
    response = await agent.call("updateAgent", content=encoded(agent, x=nested))
    exact(response, 200, UPDATED)


@pytest.mark.parametrize(
    "raw",
    [b' \n {"userName": "%s", "agentId": "priya.s", "email": "priya@example.com"} \n ',
     b'{"userName":"%s","agentId":"priya.s","email":"priya@example.com"}'],
    ids=["surrounding-whitespace", "compact"],
)
async def test_json_object_whitespace_is_free(agent: Api, raw: bytes) -> None:
    response = await agent.call("updateAgent", content=raw.replace(b"%s",
                                                                   agent.user_name.encode()))
    exact(response, 200, UPDATED)


async def test_escaped_unicode_is_decoded(agent: Api) -> None:
    raw = json.dumps({"userName": agent.user_name, "agentId": AGENT, "email": EMAIL,
                      "agentName": "प्रिया शर्मा"}, ensure_ascii=True).encode()
    assert b"\\u" in raw
    exact(await agent.call("updateAgent", content=raw), 200, UPDATED)
    assert (await read_agent(agent))["agentName"] == "प्रिया शर्मा"


# --- Content-Type of the request is ignored ---------------------------------------------

@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
     "application/xml", "application/json; charset=iso-8859-1", "garbage"],
    ids=["none", "text-plain", "form", "multipart", "xml", "json-latin1-charset-still-utf8",
         "garbage"],
)
async def test_content_type_is_ignored(agent: Api, content_type: str | None) -> None:
    headers = agent.headers()
    if content_type is not None:
        headers["Content-Type"] = content_type
    raw = encoded(agent, agentName="प्रिया शर्मा")
    response = await agent.call("updateAgent", headers=headers, content=raw)
    exact(response, 200, UPDATED)
    assert (await read_agent(agent))["agentName"] == "प्रिया शर्मा"


async def test_text_plain_body_on_create(api: Api) -> None:
    raw = json.dumps({"userName": api.user_name, "agentId": "new.one", "agentName": "New One",
                      "password": "secret", "email": "n@example.com"}).encode()
    response = await api.call("createAgent", headers=api.headers(**{
        "Content-Type": "text/plain"}), content=raw)
    exact(response, 200, {"Status": "Success", "Message": "Agent Created Successfully"})


async def test_text_plain_invalid_body_is_still_invalid_json(agent: Api) -> None:
    response = await agent.call("updateAgent", headers=agent.headers(**{
        "Content-Type": "text/plain"}), content=b"userName=x&agentId=y")
    exact(response, 400, INVALID_JSON)


async def test_form_encoded_body_is_not_parsed_as_form(agent: Api) -> None:
    form = f"userName={agent.user_name}&agentId={AGENT}&email={EMAIL}".encode()
    response = await agent.call("updateAgent", headers=agent.headers(**{
        "Content-Type": "application/x-www-form-urlencoded"}), content=form)
    exact(response, 400, INVALID_JSON)


# --- 413: over 65,536 bytes -------------------------------------------------------------

async def test_body_of_exactly_65536_bytes_is_accepted(agent: Api) -> None:
    raw = sized(agent, LIMIT)
    response = await agent.call("updateAgent", content=raw)
    exact(response, 200, UPDATED)
    assert (await read_agent(agent))["version"] == 2


async def test_body_of_65537_bytes_is_refused(agent: Api) -> None:
    before = await read_agent(agent)
    response = await agent.call("updateAgent", content=sized(agent, LIMIT + 1))
    exact(response, 413, TOO_LARGE)
    assert "etag" not in response.headers
    assert await read_agent(agent) == before


async def test_limit_counts_bytes_not_characters(agent: Api) -> None:
    """Devanagari letters are 3 bytes each in UTF-8: 65,536 bytes pass, one more fails
    although the character count is far below the limit."""
    at_limit = sized(agent, LIMIT, pad_char="क")
    over = sized(agent, LIMIT + 1, pad_char="क")
    assert len(over.decode()) < LIMIT // 2
    exact(await agent.call("updateAgent", content=at_limit), 200, UPDATED)
    exact(await agent.call("updateAgent", content=over), 413, TOO_LARGE)


@pytest.mark.parametrize("size", [LIMIT + 1, 2 * LIMIT, 1_000_000],
                         ids=["one-over", "double", "megabyte"])
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
async def test_every_endpoint_caps_the_body(api: Api, endpoint: str, size: int) -> None:
    raw = b'{"userName": "' + api.user_name.encode() + b'", "pad": "'
    raw += b"x" * (size - len(raw) - 2) + b'"}'
    assert len(raw) == size
    exact(await api.call(endpoint, content=raw), 413, TOO_LARGE)


async def test_chunked_body_without_content_length_is_capped(agent: Api) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        raw = sized(agent, LIMIT + 1000)
        for start in range(0, len(raw), 4096):
            yield raw[start:start + 4096]

    before = await read_agent(agent)
    method, path = ENDPOINTS["updateAgent"]
    response = await agent.client.request(method, path, content=chunks(),
                                          headers=agent.headers())
    assert "content-length" not in response.request.headers
    exact(response, 413, TOO_LARGE)
    assert await read_agent(agent) == before


async def test_chunked_body_of_exactly_the_limit_is_accepted(agent: Api) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        raw = sized(agent, LIMIT)
        for start in range(0, len(raw), 1000):
            yield raw[start:start + 1000]

    method, path = ENDPOINTS["updateAgent"]
    response = await agent.client.request(method, path, content=chunks(),
                                          headers=agent.headers())
    exact(response, 200, UPDATED)


async def test_too_large_answers_before_authentication_agentdir_reading(agent: Api) -> None:
    """The size cap is the first step: an oversized body is refused with 413 even
    without an apiKey (nothing about it can be read)."""
    response = await agent.call("updateAgent", headers={}, content=sized(agent, LIMIT + 1))
    exact(response, 413, TOO_LARGE)


async def test_too_large_does_not_use_the_rate_limit(agent: Api) -> None:
    for _ in range(6):
        exact(await agent.call("updateAgent", content=sized(agent, LIMIT + 1)), 413, TOO_LARGE)
    for _ in range(5):
        exact(await agent.call("updateAgent", content=encoded(agent)), 200, UPDATED)


# --- Content-Type application/json on every JSON answer ----------------------------------

async def test_every_answer_of_update_and_create_is_json(agent: Api, make_api: Any) -> None:
    await agent.seed_agent("ravi.k")
    responses: dict[str, httpx.Response] = {}
    responses["400-json"] = await agent.call("updateAgent", content=b"[")
    responses["401"] = await agent.call("updateAgent", {"agentId": AGENT}, headers={})
    responses["404"] = await agent.call("updateAgent", {"agentId": "nobody"})
    responses["409"] = await agent.call("updateAgent", {"agentId": AGENT, "email": EMAIL,
                                                        "agentIdNew": "ravi.k"})
    responses["412"] = await agent.call("updateAgent", {"agentId": AGENT, "email": EMAIL},
                                        headers=agent.headers(**{"If-Match": '"9"'}))
    responses["413"] = await agent.call("updateAgent", content=sized(agent, LIMIT + 1))
    responses["200"] = await agent.call("updateAgent", {"agentId": AGENT, "email": EMAIL},
                                        params={"detailedResponse": "true"})
    responses["400-field"] = await agent.call("updateAgent", {"agentId": AGENT,
                                                              "email": "x"})
    responses["429"] = await agent.call("updateAgent", {"agentId": AGENT, "email": EMAIL})
    other: Api = await make_api("basic")
    responses["create-200"] = await other.call("createAgent", {
        "agentId": "a1", "agentName": "Agent One", "password": "pwd", "email": "a@x.io"})
    responses["create-400"] = await other.call("createAgent", {"agentId": "a2"})
    responses["create-409"] = await other.call("createAgent", {
        "agentId": "a1", "agentName": "Agent One", "password": "pwd", "email": "a@x.io"})
    for name, response in responses.items():
        expected = int(name.split("-")[-1]) if name.startswith("create") else int(name[:3])
        assert response.status_code == expected, (name, response.text)
        assert is_json_answer(response), (name, response.headers)
        assert isinstance(response.json(), dict), name
        assert response.headers["content-type"] == "application/json", name


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/ca_apis/updateAgent"), ("POST", "/ca_apis/updateAgent"),
     ("PUT", "/ca_apis/createAgent"), ("PUT", "/ca_apis/nope")],
    ids=["get-update", "post-update", "put-create", "unknown-path"],
)
async def test_routing_errors_are_json(api: Api, method: str, path: str) -> None:
    response = await api.client.request(method, path, headers=api.headers(), content=b"{}")
    assert response.status_code in (404, 405)
    assert is_json_answer(response)
    assert isinstance(response.json(), dict)


# --- server faults ----------------------------------------------------------------------

async def test_server_fault_answers_500_without_internals_and_writes_nothing(
    agent: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fault in the audit entry, the last part of the write (on SQLite after the agent
    row was updated in the same transaction; on PostgreSQL in the same statement):
    500 with the documented body, and the whole update rolled back."""
    import agentdir.agents.update as update_module

    class SecretInternal:
        def __repr__(self) -> str:
            return "secret-internal-detail /srv/db.sqlite3"

    def unstorable_changes(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return {"agentName": SecretInternal()}  # the JSON encoder refuses it

    before = await read_agent(agent)
    monkeypatch.setattr(update_module, "record_changes", unstorable_changes)
    response = await agent.call("updateAgent", {"agentId": AGENT, "email": "new@example.com",
                                                "agentName": "Half Written"})
    exact(response, 500, INTERNAL)
    assert "secret-internal-detail" not in response.text
    assert "RuntimeError" not in response.text
    assert "etag" not in response.headers
    monkeypatch.undo()
    assert await read_agent(agent) == before


async def test_server_fault_on_create_writes_nothing(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    import agentdir.agents.lifecycle as lifecycle_module

    async def broken_audit(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(lifecycle_module, "record_audit", broken_audit)
    response = await api.call("createAgent", {"agentId": "new.one", "agentName": "New One",
                                              "password": "secret", "email": "n@example.com"})
    exact(response, 500, INTERNAL)
    monkeypatch.undo()
    details = await api.call("AgentDetails", {"agentId": "new.one"})
    assert details.status_code == 404
    retry = await api.call("createAgent", {"agentId": "new.one", "agentName": "New One",
                                           "password": "secret", "email": "n@example.com"})
    assert retry.status_code == 200
    assert retry.headers["etag"] == '"1"'
