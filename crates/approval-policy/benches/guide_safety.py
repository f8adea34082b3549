#!/usr/bin/env python3
"""A faithful copy of the integration guide's `_analyze_command_safety`, timed on a corpus.

The guide passes Codex's `command` straight to `.upper()`; Codex sends an argv list, on which
`.upper()` raises. The only change here: the argv is joined with spaces first (what the sketch
must do to run at all). Nothing else is changed, including its bugs.

    python3 benches/guide_safety.py CORPUS.jsonl [REPS]

Prints one JSON object: commands, reps, verdicts_per_sec, p50_us, p99_us, wrong (on lines
with an `expect`), wrong_allow (dangerous auto-approved), wrong_block (read-only refused).
"""
import json
import sys
import time


def _analyze_command_safety(command: str) -> dict:
    """Analyze command for safety and database relevance"""
    safe_db_commands = [
        "SELECT", "SHOW", "DESCRIBE", "EXPLAIN",
        "psql -c 'SELECT'", "mysql -e 'SELECT'",
        "python -c 'import'", "pip list"
    ]

    risky_commands = [
        "DROP", "DELETE", "TRUNCATE", "ALTER",
        "rm ", "sudo ", "chmod +x"
    ]

    is_safe = any(safe_cmd in command.upper() for safe_cmd in safe_db_commands)
    is_risky = any(risky_cmd in command.upper() for risky_cmd in risky_commands)

    return {
        "auto_approve": is_safe and not is_risky,
        "risk_level": "high" if is_risky else "low" if is_safe else "medium",
        "database_related": any(db in command.lower() for db in ["sql", "db", "database", "query"])
    }


def main():
    path = sys.argv[1]
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    rows = [json.loads(l) for l in open(path) if l.strip()]
    rows = [r for r in rows if "argv" in r]
    samples = []
    wrong = wrong_allow = wrong_block = 0
    start_all = time.perf_counter_ns()
    for r in rows:
        command = " ".join(r["argv"])
        t0 = time.perf_counter_ns()
        for _ in range(reps):
            verdict = _analyze_command_safety(command)
        samples.append((time.perf_counter_ns() - t0) / reps)
        allowed = verdict["auto_approve"]
        expect = r.get("expect")
        if expect == "allow" and not allowed:
            wrong += 1
            wrong_block += 1
        elif expect in ("never_allow", "deny", "ask") and allowed:
            wrong += 1
            wrong_allow += 1
    total_ns = time.perf_counter_ns() - start_all
    samples.sort()
    pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))] / 1000.0
    print(json.dumps({
        "commands": len(rows), "reps": reps,
        "verdicts_per_sec": len(rows) * reps / (total_ns / 1e9),
        "p50_us": pick(0.50), "p99_us": pick(0.99),
        "wrong": wrong, "wrong_allow": wrong_allow, "wrong_block": wrong_block,
    }))


if __name__ == "__main__":
    main()
