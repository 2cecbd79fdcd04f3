"""The OpenAPI document: valid 3.1, complete, and truthful about what the service sends."""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import inspect
import json
import os
import textwrap
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import hypothesis
import jsonschema
import pytest
import schemathesis
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.routing import Route

from agentdir import contract
from agentdir.accounts.models import AuthMode
from agentdir.accounts.service import create_account
from agentdir.agents import assignments as assignment_rules
from agentdir.agents import checks, lifecycle, read, update
from agentdir.agents.lifecycle import create_agent
from agentdir.agents.models import details_item, to_record
from agentdir.api import openapi_fields, pipeline
from agentdir.api.openapi import OPERATIONS, SAMPLE_AGENT, openapi_document
from agentdir.api.routes import routes
from agentdir.app import create_app
from agentdir.auth.service import Caller
from agentdir.bootstrap import build_services
from agentdir.catalog import service as catalog_service
from agentdir.catalog.service import add_catalog_entry
from agentdir.errors import ApiKeyMissing, FieldRejected
from agentdir.ratelimit.policy import DEFAULT_LIMITS, Limit
from agentdir.settings import Settings
from tests.conftest import ENDPOINTS, Api, unique_name

DOC = openapi_document()
OPERATION_OF = {name: (method.lower(), path) for name, (method, path) in ENDPOINTS.items()}


def operation(endpoint: str) -> dict[str, Any]:
    method, path = OPERATION_OF.get(endpoint, ("get", "/healthz"))
    result: dict[str, Any] = DOC["paths"][path][method]
    return result


def validator(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    """A validator for a schema taken from the document; `#/components/...` resolve."""
    root = {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": DOC["components"], "allOf": [schema]}
    return jsonschema.Draft202012Validator(
        root, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def response_spec(endpoint: str, status: int) -> dict[str, Any]:
    responses = operation(endpoint)["responses"]
    assert str(status) in responses, f"{endpoint} does not document {status}"
    spec: dict[str, Any] = responses[str(status)]
    return spec


def assert_body_documented(endpoint: str, status: int, body: Any) -> None:
    schema = response_spec(endpoint, status)["content"]["application/json"]["schema"]
    validator(schema).validate(body)


def assert_response_documented(endpoint: str, response: httpx.Response) -> None:
    """Status listed, JSON body valid for it, required headers present and well-formed."""
    spec = response_spec(endpoint, response.status_code)
    assert response.headers["content-type"] == "application/json"
    assert_body_documented(endpoint, response.status_code, response.json())
    for name, header in spec.get("headers", {}).items():
        value = response.headers.get(name)
        if header["required"]:
            assert value is not None, f"{endpoint} {response.status_code}: no {name}"
        if value is not None:
            validator(header["schema"]).validate(value)


def request_schema(endpoint: str) -> dict[str, Any]:
    ref = operation(endpoint)["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    result: dict[str, Any] = DOC["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return result


# --- the document itself -------------------------------------------------------------


def test_document_is_valid_openapi_3_1() -> None:
    assert DOC["openapi"] == "3.1.0"
    validate(DOC)
    json.dumps(DOC)  # plain JSON, nothing else


def test_every_route_is_documented_and_nothing_else() -> None:
    served = {(method.lower(), route.path) for route in routes if isinstance(route, Route)
              for method in route.methods or () if method != "HEAD"}
    documented = {(method, path) for path, item in DOC["paths"].items() for method in item}
    assert served == documented


def test_every_operation_lists_every_status_it_can_answer() -> None:
    expected = {
        "generateToken": {200, 400, 401, 413, 429, 500, 503},
        "createAgent": {200, 400, 401, 409, 413, 429, 500, 503},
        "updateAgent": {200, 400, 401, 404, 409, 412, 413, 429, 500, 503},
        "deleteAgent": {200, 400, 401, 404, 413, 429, 500, 503},
        "AgentDetails": {200, 400, 401, 404, 413, 429, 500, 503},
        "skill": {200, 400, 401, 409, 413, 429, 500, 503},
        "healthz": {200, 500, 503},
    }
    for endpoint, statuses in expected.items():
        assert {int(s) for s in operation(endpoint)["responses"]} == statuses, endpoint


def test_info_and_security_describe_both_authentication_modes() -> None:
    text = DOC["info"]["description"]
    for word in ("TOKEN_AUTH", "BASIC_AUTH", "RateLimit-Policy", "Retry-After", "If-Match",
                 "null", "413"):
        assert word in text
    schemes = DOC["components"]["securitySchemes"]
    assert schemes["apiKey"] == {**schemes["apiKey"], "type": "apiKey", "in": "header",
                                 "name": "apiKey"}
    assert schemes["bearerToken"]["scheme"] == "bearer"
    for endpoint in ENDPOINTS:
        security = operation(endpoint)["security"]
        assert all("apiKey" in option for option in security)
        assert ({"apiKey": []} in security)
    assert operation("healthz")["security"] == []


def test_update_agent_parameters() -> None:
    params = {p["name"]: p for p in operation("updateAgent")["parameters"]}
    assert params["detailedResponse"]["in"] == "query"
    assert params["If-Match"]["in"] == "header"
    assert not any(p.get("required") for p in params.values())


def test_check_tables_list_every_check_in_order_with_exact_bodies() -> None:
    for endpoint in ENDPOINTS:
        description = operation(endpoint)["description"]
        position = 0
        for step in openapi_fields.CHECKS[endpoint]:
            status, body = contract.error_reply(step.error, endpoint)
            row = (f"| {step.check} | {step.condition} | {status} | "
                   f"`{json.dumps(body, ensure_ascii=False)}` |")
            found = description.find(row, position)
            assert found >= position, f"{endpoint}: {row}"
            position = found


# --- request fields: every field the validators read is documented ------------------


def _fields_read(module: ModuleType, function: str, receiver: str) -> set[str]:
    """Keys `function` reads with `<receiver>.get(...)`: literal, or through a loop variable
    over a literal tuple or a module-level constant."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(getattr(module, function))))
    loops: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.For, ast.comprehension)):
            names = {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
            values: set[str] = set()
            if isinstance(node.iter, ast.Name):
                values = {v for v in getattr(module, node.iter.id, ()) if isinstance(v, str)}
            values |= {c.value for c in ast.walk(node.iter)
                       if isinstance(c, ast.Constant) and isinstance(c.value, str)}
            for name in names:
                loops.setdefault(name, set()).update(values)
    fields: set[str] = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get" and isinstance(node.func.value, ast.Name)
                and node.func.value.id == receiver and node.args):
            key = node.args[0]
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                fields.add(key.value)
            elif isinstance(key, ast.Name):
                fields |= loops[key.id]
    return fields


BODY_READERS: list[tuple[ModuleType, str, tuple[str, ...]]] = [
    (pipeline, "ca_endpoint", tuple(ENDPOINTS)),
    (lifecycle, "_check_create", ("createAgent",)),
    (update, "_check", ("updateAgent",)),
    (checks, "check_fields_15_to_24", ("createAgent", "updateAgent")),
    (lifecycle, "delete_agent", ("deleteAgent",)),
    (read, "agent_details", ("AgentDetails",)),
    (catalog_service, "create_skill", ("skill",)),
]


@pytest.mark.parametrize(("module", "function", "endpoints"), BODY_READERS)
def test_every_body_field_read_is_documented(
    module: ModuleType, function: str, endpoints: tuple[str, ...]
) -> None:
    fields = _fields_read(module, function, "body")
    assert fields, f"{function} reads no body fields?"
    for endpoint in endpoints:
        missing = fields - set(request_schema(endpoint)["properties"])
        assert not missing, f"{endpoint} does not document {missing}"


def test_every_item_field_read_is_documented() -> None:
    schemas = DOC["components"]["schemas"]
    assignment = schemas["SkillAssignment"]["oneOf"][1]["properties"]
    assert _fields_read(assignment_rules, "_skill_item", "item") <= set(assignment)
    agents = request_schema("skill")["properties"]["agents"]["items"]["properties"]
    assert _fields_read(catalog_service, "_agent_assignments", "item") <= set(agents)


def test_patterns_and_choices_come_from_the_rules() -> None:
    from agentdir.agents.rules import AGENT_DATA_PATTERN, AGENT_ID_PATTERN, AUTO_ANSWER_PATTERN
    from agentdir.catalog.rules import RECORD_CHOICES

    create, upd = request_schema("createAgent")["properties"], request_schema(
        "updateAgent")["properties"]
    assert create["agentId"]["pattern"] == upd["agentIdNew"]["pattern"] == AGENT_ID_PATTERN
    assert upd["agentData"]["pattern"] == AGENT_DATA_PATTERN
    assert upd["autoAnswer"]["pattern"] == AUTO_ANSWER_PATTERN
    assert request_schema("skill")["properties"]["record"]["enum"][:-1] == list(RECORD_CHOICES)
    assert set(create) == set(upd) - {"agentIdNew", "agentNameNew"}


@pytest.mark.parametrize("controls", [
    {"mute": True, "transfer_agent_warm": False},
    {"transfer": {"agent": {"warm": True}, "phone_blind": False}},
    {"transfer_ivr": {"blind": True}, "conference": {"phone": True}},
])
def test_call_controls_schema_accepts_every_form_the_service_accepts(
    controls: dict[str, Any],
) -> None:
    from agentdir.agents.callcontrols import flatten_call_controls

    flatten_call_controls(controls)
    validator({"$ref": "#/components/schemas/CallControls"}).validate(controls)
    with pytest.raises(jsonschema.ValidationError):
        validator({"$ref": "#/components/schemas/CallControls"}).validate({"pause": True})


# --- every documented body validates against its operation's response schema ------


def test_every_check_body_validates_against_its_status_schema() -> None:
    for endpoint in ENDPOINTS:
        for step in openapi_fields.CHECKS[endpoint]:
            status, body = contract.error_reply(step.error, endpoint)
            assert_body_documented(endpoint, status, body)
        assert_body_documented(endpoint, 500, contract.INTERNAL_ERROR)
        assert_body_documented(endpoint, 503, contract.SERVICE_UNAVAILABLE)
    assert_body_documented("healthz", 503, contract.SERVICE_UNAVAILABLE)


def test_success_bodies_and_read_shapes_validate() -> None:
    record = to_record(SAMPLE_AGENT)
    assert_body_documented("updateAgent", 200, contract.success("Agent Updated Successfully"))
    assert_body_documented("updateAgent", 200, contract.success(
        "Agent Updated Successfully", record, with_data=True))
    assert_body_documented("AgentDetails", 200, {"message": [details_item(SAMPLE_AGENT)],
                                                 "status": "success"})
    assert_body_documented("deleteAgent", 200, contract.success("Agent a.b Deleted Successfully"))


def test_response_schemas_reject_other_bodies() -> None:
    with pytest.raises(jsonschema.ValidationError):
        assert_body_documented("AgentDetails", 401, contract.error_reply(
            FieldRejected("x", "y"), "AgentDetails")[1])
    with pytest.raises(jsonschema.ValidationError):  # default wording, not AgentDetails'
        assert_body_documented("AgentDetails", 401, contract.error_reply(
            ApiKeyMissing(), None)[1])
    with pytest.raises(jsonschema.ValidationError):
        assert_body_documented("updateAgent", 400, {"Status": "Fail", "Message": {
            "agentIdNew": "something else"}})


# --- the same, against live answers ----------------------------------------------------


async def test_live_answers_match_the_document(basic_api: Api, api: Api) -> None:
    b = basic_api
    await b.add("skill", "billing")
    await b.add("group", "night-shift")
    await b.add("sip-location", "blr")
    await b.seed_agent("priya.s")
    await b.seed_agent("ravi.k")
    ok_create = {"agentId": "new.one", "agentName": "Nová Agentka", "password": "pw-123",
                 "email": "n@example.com", "agentData": "x-1", "sipLocation": "blr",
                 "screenRecording": True, "autoAnswer": "auto_1", "manual": True,
                 "callControls": {"transfer": {"agent": {"warm": True}}},
                 "assignSkills": [{"skillName": "billing", "priority": 2}],
                 "assignAgentGroups": "night-shift"}
    update_base = {"agentId": "priya.s", "email": "p@example.com"}
    cases: list[tuple[str, Any, int, dict[str, Any]]] = [
        ("createAgent", ok_create, 200, {}),
        ("createAgent", {"agentId": "  "}, 400, {}),
        ("createAgent", {"agentId": 5}, 400, {}),
        ("createAgent", {"agentId": "priya.s"}, 409, {}),
        ("createAgent", {"agentId": "a.b", "agentName": None}, 400, {}),
        ("createAgent", {"agentId": "a.b", "agentName": "A!"}, 400, {}),
        ("createAgent", {"agentId": "a.b", "agentName": "Ab"}, 400, {}),
        ("createAgent", {"agentId": "a.b", "agentName": "Ab", "password": "x"}, 400, {}),
        ("updateAgent", {"agentId": "priya.s"}, 400, {}),
        ("updateAgent", {**update_base, "email": "nope"}, 400, {}),
        ("updateAgent", {**update_base, "agentData": "!"}, 400, {}),
        ("updateAgent", {**update_base, "sipLocation": "mars"}, 400, {}),
        ("updateAgent", {**update_base, "screenRecording": "yes"}, 400, {}),
        ("updateAgent", {**update_base, "autoAnswer": "a b"}, 400, {}),
        ("updateAgent", {**update_base, "blendedChat": 1}, 400, {}),
        ("updateAgent", {**update_base, "locked": "no"}, 400, {}),
        ("updateAgent", {**update_base, "callControls": {"pause": True}}, 400, {}),
        ("updateAgent", {**update_base, "callControls": []}, 400, {}),
        ("updateAgent", {**update_base, "assignSkills": ["nope"]}, 400, {}),
        ("updateAgent", {**update_base, "unAssignSkills": "billing"}, 400, {}),
        ("updateAgent", {**update_base, "assignAgentGroups": "day"}, 400, {}),
        ("updateAgent", {**update_base, "agentIdNew": "!"}, 400, {}),
        ("updateAgent", {**update_base, "agentIdNew": "ravi.k"}, 409, {}),
        ("updateAgent", {**update_base, "agentNameNew": " x"}, 400, {}),
        ("updateAgent", {**update_base, "password": ""}, 400, {}),
        ("updateAgent", {"agentId": "ghost", "email": "g@example.com"}, 404, {}),
        ("updateAgent", update_base, 412, {"If-Match": '"99"'}),
        ("updateAgent", update_base, 200, {"If-Match": '"1"'}),
        ("updateAgent", {**update_base, "agentName": "Priya Ś"}, 200,
         {"params": {"detailedResponse": "TRUE"}}),
        ("deleteAgent", {"agentId": "ghost"}, 404, {}),
        ("deleteAgent", {"agentId": "ravi.k"}, 200, {}),
        ("deleteAgent", {"agentId": "ravi.k"}, 404, {}),
        ("AgentDetails", {}, 200, {}),
        ("AgentDetails", {"agentId": "priya.s"}, 200, {}),
        ("AgentDetails", {"agentId": 7}, 404, {}),
        ("skill", {"skillName": "sales", "agents": [{"agentId": "priya.s", "priority": 3}]},
         200, {}),
        ("skill", {"skillName": "sales"}, 409, {}),
        ("skill", {"skillName": "x"}, 400, {}),
        ("skill", {"skillName": "support", "agents": [{"agentId": "ghost"}]}, 400, {}),
        ("skill", {"skillName": "support", "record": "always"}, 400, {}),
        ("generateToken", {}, 400, {"with_user": False}),
        ("generateToken", {"userName": 3}, 401, {}),
        ("generateToken", {"userName": b.user_name}, 200, {}),
    ]
    for endpoint, body, status, extra in cases:
        b.clock.advance(3601)  # a fresh rate-limit window for every request
        headers = b.headers(**{k: v for k, v in extra.items() if k.istitle()})
        response = await b.call(endpoint, body, headers=headers, params=extra.get("params"),
                                with_user=extra.get("with_user", True))
        assert response.status_code == status, (endpoint, body, response.text)
        assert_response_documented(endpoint, response)
        if status == 200:  # a valid request is valid for the request schema too
            validator(request_schema(endpoint)).validate({"userName": b.user_name, **body})

    for endpoint in ENDPOINTS:  # before authentication, and the token checks
        await api.new_token()
        answers = [
            await api.call(endpoint, {}, headers={}),
            await api.call(endpoint, content=b"[1]"),
            await api.call(endpoint, content=b"{" + b" " * 70_000 + b"}"),
            await api.call(endpoint, {}, with_user=False),
            await api.call(endpoint, {"userName": "nobody-at-all"}),
        ]
        if endpoint != "generateToken":
            answers += [
                await api.call(endpoint, {}, headers={"apiKey": api.api_key}),
                await api.call(endpoint, {}, headers=api.headers(Authorization="Basic x")),
            ]
            api.clock.advance(3601)
            answers.append(await api.call(endpoint, {}))
            await api.new_token()
        for response in answers:
            assert response.status_code in (400, 401, 413), response.text
            assert_response_documented(endpoint, response)


async def test_live_rate_limit_answers_match_the_document(basic_api: Api) -> None:
    for endpoint in ENDPOINTS:
        while (response := await basic_api.call(endpoint, {"agentId": "ghost"})).status_code \
                != 429:
            assert_response_documented(endpoint, response)
        assert_response_documented(endpoint, response)


async def test_healthz_matches_the_document(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert_response_documented("healthz", response)


# --- served document and docs ---------------------------------------------------------


async def test_openapi_json_is_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == json.loads(json.dumps(DOC))


async def test_docs_page_uses_local_assets(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "/openapi.json" in page.text
    assert "https://" not in page.text
    assert "http://" not in page.text
    for asset, kind in (("swagger-ui-bundle.js", "javascript"), ("swagger-ui.css", "css")):
        assert f"/docs/assets/{asset}" in page.text
        response = await client.get(f"/docs/assets/{asset}")
        assert response.status_code == 200
        assert kind in response.headers["content-type"]
        assert len(response.content) > 10_000


async def test_unknown_paths_and_methods_answer_json(client: httpx.AsyncClient) -> None:
    missing = await client.get("/ca_apis/nothing")
    assert (missing.status_code, missing.json()) == (
        404, {"status": "false", "message": "Not Found", "data": None})
    wrong = await client.get("/ca_apis/updateAgent")
    assert (wrong.status_code, wrong.json()) == (
        405, {"status": "false", "message": "Method Not Allowed", "data": None})


def test_api_reference_shows_every_check_body(repo_root: Path) -> None:
    """docs/api.md is written by hand; it must still show every body exactly."""
    text = (repo_root / "docs" / "api.md").read_text(encoding="utf-8")
    for endpoint, steps in openapi_fields.CHECKS.items():
        for step in steps:
            body = contract.error_reply(step.error, endpoint)[1]
            assert json.dumps(body, ensure_ascii=False) in text, (endpoint, step.check)
    for body in (contract.INTERNAL_ERROR, contract.SERVICE_UNAVAILABLE):
        assert json.dumps(body) in text
    for path in DOC["paths"]:
        assert path in text


def test_operations_table_matches_the_test_endpoints() -> None:
    assert {op.endpoint: (op.method.upper(), op.path) for op in OPERATIONS} == ENDPOINTS


# --- fuzzing with schemathesis ---------------------------------------------------------

# Per operation and generation mode: the default keeps the test well under a minute;
# set AGENTDIR_FUZZ_EXAMPLES=500 for a deeper run.
FUZZ_EXAMPLES = int(os.environ.get("AGENTDIR_FUZZ_EXAMPLES", "25"))


async def _seed_fuzz_account(settings: Settings) -> tuple[str, str]:
    """A BASIC_AUTH account with a skill, a group, a SIP location and one agent."""
    services = await build_services(settings)
    try:
        account, api_key = await create_account(
            services.db, user_name=unique_name("fuzz"), auth_mode=AuthMode.BASIC,
            clock=services.clock)
        for kind, name in (("skill", "billing"), ("group", "night-shift"),
                           ("sip-location", "blr")):
            await add_catalog_entry(db=services.db, clock=services.clock,
                                    user_name=account.user_name, kind=kind, name=name)
        await create_agent(db=services.db, hasher=services.hasher, clock=services.clock,
                           caller=Caller(account, "test"), body={
                               "agentId": "fuzz.agent", "agentName": "Fuzz Agent",
                               "password": "secret-1", "email": "fuzz@example.com"})
    finally:
        await services.close()
    return account.user_name, api_key


def _send(client: Any, case: schemathesis.Case) -> httpx.Response:
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    body: dict[str, Any] = {}
    if "json" in kwargs:
        body["content"] = json.dumps(kwargs["json"]).encode()
    elif kwargs.get("data") is not None:
        data = kwargs["data"]
        body["content"] = data.encode() if isinstance(data, str) else data
    # Generated header values may hold any character; send them as their UTF-8 bytes.
    headers = [(name.encode(), str(value).encode()) for name, value in
               (kwargs.get("headers") or {}).items()]
    return client.request(kwargs["method"], kwargs["url"], headers=headers,
                          params=kwargs.get("params"), **body)


def test_schemathesis_finds_no_undocumented_answer(settings: Settings) -> None:
    """Generated requests (valid and invalid) against the real app: no 500, and every
    status, content type, body and header as the document says."""
    settings = dataclasses.replace(
        settings, rate_limits={name: Limit(1_000_000, 60) for name in DEFAULT_LIMITS})
    user_name, api_key = asyncio.run(_seed_fuzz_account(settings))
    schema = schemathesis.openapi.from_dict(openapi_document())
    current = {"agentId": "fuzz.agent"}
    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_schema_conformance, response_headers_conformance]

    with warnings.catch_warnings():  # starlette prefers httpx2; httpx is what is installed
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        def exercise(case: schemathesis.Case) -> None:
            case.headers = {**(case.headers or {}), "apiKey": api_key}
            if isinstance(case.body, dict):
                case.body["userName"] = user_name
                if case.operation.label == "PUT /ca_apis/updateAgent":
                    case.body["agentId"] = current["agentId"]
            response = _send(client, case)
            case.validate_response(response, checks=checks)
            renamed = case.body.get("agentIdNew") if isinstance(case.body, dict) else None
            if response.status_code == 200 and isinstance(renamed, str):
                current["agentId"] = renamed

        for result in schema.get_all_operations():
            operation = result.ok()
            modes = [GenerationMode.POSITIVE]
            if operation.body or operation.query or operation.headers:  # something to break
                modes.append(GenerationMode.NEGATIVE)
            for mode in modes:
                run = hypothesis.settings(
                    max_examples=FUZZ_EXAMPLES, deadline=None, database=None,
                    derandomize=True, phases=[hypothesis.Phase.generate],
                    suppress_health_check=list(hypothesis.HealthCheck),
                )(hypothesis.given(case=operation.as_strategy(generation_mode=mode))(exercise))
                run()
