#!/usr/bin/env python3
"""The seed guide's `CodexMCPClient`, extended minimally to read notifications, for the
side-by-side benchmark in benches/throughput.rs (not a test, not used by the crate).

The class is the guide's code unchanged (text-mode Popen, request then `readline()` for "the"
response, stderr piped and never read). The extension is `read_event()` (one `readline()` +
`json.loads`) and the loop in `main` that counts notifications until `task_complete`, then
times `ping` round trips with the guide's `send_request`.

usage: guide_client.py PEER_BINARY N SIZE PINGS   (prints one JSON object)
"""
import json
import subprocess
import sys
import time


class CodexMCPClient:
    def __init__(self, server_command="codex mcp"):
        self.server_command = server_command
        self.process = None
        self.request_id = 0

    def start_server(self):
        """Start the Codex MCP server"""
        self.process = subprocess.Popen(
            self.server_command.split(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True
        )

    def send_request(self, method: str, params: dict = None) -> dict:
        """Send JSON-RPC request to Codex server"""
        self.request_id += 1
        request = {
            "jsonrpc": "2.0",
            "id": self.request_id,
            "method": method,
            "params": params or {}
        }

        # Send request
        request_line = json.dumps(request) + "\n"
        self.process.stdin.write(request_line)
        self.process.stdin.flush()

        # Read response
        response_line = self.process.stdout.readline()
        return json.loads(response_line)

    # --- the minimal extension: read one notification ---
    def read_event(self) -> dict:
        return json.loads(self.process.stdout.readline())


def main():
    peer, n, size, pings = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    client = CodexMCPClient(f"{peer} flood {n} {size}")
    client.start_server()
    client.send_request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                       "clientInfo": {"name": "guide", "version": "0"}})
    conv = client.send_request("newConversation", {})["result"]["conversationId"]
    client.send_request("addConversationListener", {"conversationId": conv})
    cpu0, t0 = time.process_time(), time.perf_counter()
    client.send_request("sendUserMessage", {"conversationId": conv,
                                            "items": [{"type": "text", "data": {"text": "go"}}]})
    events = 0
    while True:
        event = client.read_event()
        events += 1
        if event["params"]["msg"]["type"] == "task_complete":
            break
    seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    rtts = []
    for _ in range(pings):
        s = time.perf_counter()
        client.send_request("ping")
        rtts.append(time.perf_counter() - s)
    rtts.sort()
    client.process.kill()
    print(json.dumps({"events": events, "seconds": seconds, "cpu_seconds": cpu,
                      "rtt_p50_us": rtts[len(rtts) // 2] * 1e6 if rtts else 0,
                      "rtt_p99_us": rtts[int(len(rtts) * 0.99)] * 1e6 if rtts else 0}))


if __name__ == "__main__":
    main()
