"""The ca_apis endpoints: each parses, calls one service, and shapes the reply."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from agentdir.agents.lifecycle import create_agent, delete_agent
from agentdir.agents.models import details_item, to_record
from agentdir.agents.read import agent_details
from agentdir.agents.update import etag, update_agent
from agentdir.api.errors import error_response
from agentdir.api.pipeline import Call, Reply, ca_endpoint
from agentdir.api.responses import json_response
from agentdir.auth.service import issue_token
from agentdir.bootstrap import Services
from agentdir.catalog.service import create_skill
from agentdir.contract import success

__all__ = ["routes"]


@ca_endpoint("generateToken", token_required=False)
async def generate_token(call: Call) -> Reply:
    token = await issue_token(call.services.db, call.services.tokens, call.caller.account)
    return Reply({"token": token, "message": ""})


@ca_endpoint("createAgent")
async def create(call: Call) -> Reply:
    s = call.services
    agent = await create_agent(
        db=s.db, hasher=s.hasher, clock=s.clock, caller=call.caller, body=call.body
    )
    return Reply(success("Agent Created Successfully"), headers={"ETag": etag(agent.version)})


def wants_detail(request: Request) -> bool:
    """`?detailedResponse=true`, in any letter case (Python's requests sends `True`)."""
    if not request.scope.get("query_string"):
        return False  # the usual request: skip building the query-parameter map
    return request.query_params.get("detailedResponse", "").lower() == "true"


@ca_endpoint("updateAgent")
async def update(call: Call) -> Reply:
    s = call.services
    agent = await update_agent(
        db=s.db,
        hasher=s.hasher,
        clock=s.clock,
        caller=call.caller,
        body=call.body,
        if_match=call.request.headers.get("if-match"),
    )
    detailed = wants_detail(call.request)
    body = success("Agent Updated Successfully", to_record(agent) if detailed else None,
                   with_data=detailed)
    return Reply(body, headers={"ETag": etag(agent.version)})


@ca_endpoint("deleteAgent")
async def delete(call: Call) -> Reply:
    s = call.services
    agent_id = await delete_agent(db=s.db, clock=s.clock, caller=call.caller, body=call.body)
    return Reply(success(f"Agent {agent_id} Deleted Successfully"))


@ca_endpoint("AgentDetails")
async def details(call: Call) -> Reply:
    listing = await agent_details(db=call.services.db, caller=call.caller, body=call.body)
    headers = {"ETag": etag(listing.agents[0].version)} if listing.single else {}
    return Reply(
        {"message": [details_item(agent) for agent in listing.agents], "status": "success"},
        headers=headers,
    )


@ca_endpoint("skill")
async def skill(call: Call) -> Reply:
    s = call.services
    await create_skill(db=s.db, clock=s.clock, caller=call.caller, body=call.body)
    return Reply(success("Skill Created Successfully"))


async def healthz(request: Request) -> Response:
    """Readiness: 200 when the database and the rate-limit store answer; no credentials."""
    services: Services = request.app.state.services
    try:
        await services.db.ping()
        await services.limiter.store.ping()
    except Exception as exc:
        return error_response(exc, None)
    return json_response(200, {"status": "ok"})


routes = [
    Route("/ca_apis/CAToken/generateToken", generate_token, methods=["POST"]),
    Route("/ca_apis/createAgent", create, methods=["POST"]),
    Route("/ca_apis/updateAgent", update, methods=["PUT"]),
    Route("/ca_apis/deleteAgent", delete, methods=["DELETE"]),
    Route("/ca_apis/AgentDetails", details, methods=["POST"]),
    Route("/ca_apis/skill", skill, methods=["POST"]),
    Route("/healthz", healthz, methods=["GET"]),
]
