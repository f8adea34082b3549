"""Drive `xldb-codex mcp serve` with the official Python MCP SDK (pinned in scripts/deps.sh).

Usage: python mcp_sdk_client.py XLDB_CODEX_BIN DATABASE_URL
Prints one JSON object with what the SDK saw; the Rust system test checks it.
"""
import asyncio
import json
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


async def main(binary: str, url: str) -> None:
    params = StdioServerParameters(command=binary, args=["mcp", "serve", "--db", url, "--row-limit", "2"], env={"HOME": "/tmp"})
    out = {}
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            out["protocol_version"] = str(init.protocol_version if hasattr(init, "protocol_version") else init.protocolVersion)
            tools = await session.list_tools()
            out["tools"] = sorted(t.name for t in tools.tools)
            out["tool_dump"] = [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools.tools]
            calls = {
                "list": ("list_tables", {"pattern": "order*"}),
                "describe": ("describe_table", {"tables": ["orders", "customers"]}),
                "query": ("execute_query", {"sql": "SELECT id, status FROM orders ORDER BY id -- first"}),
                "refused": ("execute_query", {"sql": "DELETE FROM orders"}),
                "analyze": ("analyze_schema", {}),
            }
            for key, (name, args) in calls.items():
                r = await session.call_tool(name, args)
                is_error = r.is_error if hasattr(r, "is_error") else r.isError
                structured = r.structured_content if hasattr(r, "structured_content") else r.structuredContent
                text = r.content[0].text
                try:
                    same = json.loads(text) == structured
                except ValueError:
                    same = "not json: " + text
                out[key] = {"is_error": bool(is_error), "structured": structured, "text_is_json": same}
            try:
                await session.call_tool("no_such_tool", {})
                out["unknown_tool"] = "accepted"
            except Exception as e:  # the SDK raises on a JSON-RPC error
                out["unknown_tool"] = type(e).__name__ + ": " + str(e)
    print(json.dumps(out))


asyncio.run(main(sys.argv[1], sys.argv[2]))
