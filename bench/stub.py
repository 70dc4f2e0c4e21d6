#!/usr/bin/env python3
"""Stub remote parties for bench/turns.sh, Python 3 standard library only.

  stub.py serve PORT [AGENT_MS] [LLM_MS]
      One threading HTTP server playing both remote parties of a conversation:
        POST /agent                  the agent under test (the `http` agent contract): answers
                                     {"text": ..., "data": {...}, "ended": false} after AGENT_MS
        POST /v1/chat/completions    an OpenAI-compatible model: a chat completion with usage after
                                     LLM_MS. The simulated user's turns get plain text (never an end
                                     signal, so runs go to maxTurns); the summary call gets
                                     {"sentiment", "summary"}, a text-criterion judge call
                                     {"passed", "reason", "turns", "confidence"}.
        POST /config {"agentMs", "llmMs"}   changes the latencies
        POST /reset                  forgets the recorded requests and starts a new window
        GET  /stats[?from=MS&to=MS]  per party: requests, time-weighted average and maximum number of
                                     requests in flight, over [from, to] (epoch milliseconds;
                                     default: from the last reset to now); also the stub's own CPU since the reset.
  stub.py cpu PID...
      For each PID, the CPU milliseconds (utime + stime) of the process and of its reaped children
      (cutime + cstime) and of its live children (utime + stime): for a postmaster that is all the
      CPU it and its backends used, even of backends that exited already. Prints one number per PID,
      then the CPU milliseconds the whole machine spent busy since boot (all cores, /proc/stat).
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

USER_LINES = [
    "Hi, I would like to change my order, please.",
    "It is the order I placed yesterday, the blue one.",
    "Can you tell me when it will arrive?",
    "And what would it cost to send it express instead?",
    "Okay. Is there anything else I need to tell you?",
    "Could you also check the delivery address for me?",
    "Yes, that address is right.",
    "What happens if I am not at home?",
    "Alright, thanks. One more question about the invoice.",
    "Can you send it to me by e-mail?",
]


class Party:
    """Requests of one remote party: a log of (time, +1/-1) events since the last reset."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.started = time.time()
            self.events = []
            self.in_flight = 0
            self.requests = 0

    def enter(self):
        with self.lock:
            self.in_flight += 1
            self.requests += 1
            self.events.append((time.time(), 1))

    def leave(self):
        with self.lock:
            self.in_flight -= 1
            self.events.append((time.time(), -1))

    def stats(self, start, end):
        """Requests started in [start, end], time-weighted average and maximum in flight over it."""
        with self.lock:
            events = list(self.events)
            total = self.requests
        level = 0
        for t, delta in events:  # the level at the window's start
            if t >= start:
                break
            level += delta
        area, peak, last, started = 0.0, level, start, 0
        for t, delta in events:
            if t < start:
                continue
            if t > end:
                break
            area += level * (t - last)
            last = t
            level += delta
            peak = max(peak, level)
            started += delta > 0
        area += level * (end - last)
        window = max(end - start, 1e-9)
        return {"requests": started, "requestsSinceReset": total, "avgInFlight": round(area / window, 3),
                "maxInFlight": peak, "windowSeconds": round(window, 3)}


AGENT = Party()
LLM = Party()
LATENCY = {"agentMs": 0.0, "llmMs": 0.0}
CPU_AT_RESET = [0.0]
KINDS = {"user": 0, "summary": 0, "judge": 0}
KINDS_LOCK = threading.Lock()


def completion(content, prompt_tokens):
    return {
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "bench-stub",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": None},
                     "logprobs": None, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": max(1, len(content) // 4),
                  "total_tokens": prompt_tokens + max(1, len(content) // 4)},
    }


def llm_answer(raw):
    """What the model says: the summary's or the judge's JSON object, else the user's next line."""
    text = raw.decode("utf-8", "replace")
    try:
        messages = json.loads(text).get("messages") or []
    except ValueError:
        messages = []
    if "how the user experienced it" in text:
        kind, content = "summary", json.dumps({
            "sentiment": "neutral",
            "summary": "The user asked about an order. The agent answered every message. "
                       "The conversation ran to its last turn."})
    elif "impartial evaluator" in text:
        kind, content = "judge", json.dumps({
            "passed": True, "reason": "The agent answered every message of the user.", "turns": [],
            "confidence": 0.9})
    else:
        # the user's own earlier messages are the model's "assistant" messages
        said = sum(1 for m in messages if isinstance(m, dict) and m.get("role") == "assistant")
        kind, content = "user", USER_LINES[said % len(USER_LINES)]
    with KINDS_LOCK:
        KINDS[kind] += 1
    return completion(content, max(1, len(text) // 4))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the service's HTTP clients expect
    disable_nagle_algorithm = True  # headers and body go out at once, no delayed-ACK stalls

    def log_message(self, *args):
        pass

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def reply(self, document, status=200):
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        path = urlparse(self.path).path
        raw = self.body()
        if path.endswith("/chat/completions"):
            LLM.enter()
            try:
                time.sleep(LATENCY["llmMs"] / 1000)
                self.reply(llm_answer(raw))
            finally:
                LLM.leave()
        elif path == "/config":
            update = json.loads(raw or b"{}")
            for key in LATENCY:
                if key in update:
                    LATENCY[key] = float(update[key])
            self.reply(LATENCY)
        elif path == "/reset":
            AGENT.reset()
            LLM.reset()
            CPU_AT_RESET[0] = own_cpu()
            with KINDS_LOCK:
                for key in KINDS:
                    KINDS[key] = 0
            self.reply({"reset": True})
        else:
            AGENT.enter()
            try:
                try:
                    turn = json.loads(raw or b"{}").get("turn")
                except ValueError:
                    turn = None
                time.sleep(LATENCY["agentMs"] / 1000)
                self.reply({"text": f"Your order is noted, anything else? (turn {turn})",
                            "data": {"intent": "answer"}, "ended": False})
            finally:
                AGENT.leave()

    def do_GET(self):
        url = urlparse(self.path)
        if url.path != "/stats":
            self.reply({"error": "not found"}, 404)
            return
        query = parse_qs(url.query)
        now = time.time()

        def window(party):
            start = float(query["from"][0]) / 1000 if "from" in query else party.started
            end = float(query["to"][0]) / 1000 if "to" in query else now
            return party.stats(start, end)

        with KINDS_LOCK:
            kinds = dict(KINDS)
        self.reply({"agent": window(AGENT), "llm": dict(window(LLM), kinds=kinds), "latency": LATENCY,
                    "stubCpuMs": round((own_cpu() - CPU_AT_RESET[0]) * 1000)})


def own_cpu():
    cpu = os.times()
    return cpu.user + cpu.system


def serve(port, agent_ms, llm_ms):
    LATENCY["agentMs"], LATENCY["llmMs"] = agent_ms, llm_ms
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler, bind_and_activate=False)
    server.daemon_threads = True
    server.request_queue_size = 1024  # the default backlog of 5 drops connections opened at once
    server.allow_reuse_address = True
    server.server_bind()
    server.server_activate()
    server.serve_forever()


def stat(pid):
    """utime, stime, cutime, cstime (clock ticks) and the parent of a process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    # after the command: state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17)
    return int(fields[1]), int(fields[11]), int(fields[12]), int(fields[13]), int(fields[14])


def cpu(pids):
    tick = os.sysconf("SC_CLK_TCK")
    procs = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            s = stat(entry)
            if s:
                procs[int(entry)] = s
    for pid in (int(p) for p in pids):
        if pid not in procs:
            print("nan")
            continue
        _, utime, stime, cutime, cstime = procs[pid]
        ticks = utime + stime + cutime + cstime
        ticks += sum(s[1] + s[2] for s in procs.values() if s[0] == pid)
        print(round(ticks * 1000 / tick))
    with open("/proc/stat") as f:
        # cpu  user nice system idle iowait irq softirq steal ...
        times = [int(v) for v in f.readline().split()[1:9]]
    print(round((sum(times) - times[3] - times[4]) * 1000 / tick))


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]), float(sys.argv[3]) if len(sys.argv) > 3 else 0.0,
              float(sys.argv[4]) if len(sys.argv) > 4 else 0.0)
    elif len(sys.argv) >= 2 and sys.argv[1] == "cpu":
        cpu(sys.argv[2:])
    else:
        sys.exit(__doc__)
