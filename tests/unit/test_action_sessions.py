"""The Rasa server calls the action server over one kept session (bot.conversations.action_sessions)."""
import asyncio

from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

from bot.conversations import action_sessions


async def _serve(ports_seen):
    async def webhook(request):
        ports_seen.append(request.transport.get_extra_info("peername")[1])
        return web.json_response({"events": [], "responses": []})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]


def test_action_calls_reuse_one_connection_and_survive_an_idle_gap():
    action_sessions.install()

    async def scenario():
        ports = []
        runner, port = await _serve(ports)
        endpoint = EndpointConfig(url=f"http://127.0.0.1:{port}/webhook")
        try:
            for _ in range(3):
                assert await endpoint.request(json={"next_action": "action_check_routes"}, method="post") == {
                    "events": [],
                    "responses": [],
                }
            # One TCP connection for the three calls: the same client port each time.
            assert len(set(ports)) == 1
            # Idle longer than the kept connection lives: the next call opens a new one and succeeds.
            await asyncio.sleep(action_sessions.KEEP_ALIVE_SECONDS + 0.5)
            assert await endpoint.request(json={}, method="post") == {"events": [], "responses": []}
            assert len(set(ports)) == 2
        finally:
            async with endpoint.session() as session:
                await session.close()
            await runner.cleanup()

    asyncio.run(scenario())
