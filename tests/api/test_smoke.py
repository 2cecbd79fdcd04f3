from __future__ import annotations

from tests.conftest import Api


async def test_update_agent_happy_path(api: Api) -> None:
    await api.seed_agent("priya.s")
    response = await api.call(
        "updateAgent", {"agentId": "priya.s", "email": "p@example.com", "agentName": "Priya S"}
    )
    assert response.status_code == 200
    assert response.json() == {"Status": "Success", "Message": "Agent Updated Successfully"}
    assert response.headers["etag"] == '"2"'
    assert response.headers["ratelimit"] == '"updateAgent";r=4;t=60'
