#!/usr/bin/env python3
"""Calls/s of the official Python SDK (alibabacloud-live20161101) against a live-fake.

Run by `cargo xtask bench` (xtask/src/bench/calls.rs), in turns with the Rust client, on
the same fake. Makes N calls of StopLivePullToPush, one after another with the SDK's
synchronous API, or C at a time with its asyncio API (`--concurrency C`), on tasks
PREFIX0..PREFIX{N-1} that the bench registered, with AccessKeys
KEYPREFIX0..KEYPREFIX{K-1} (secrets KEYPREFIX-secret-J) used in turn so the fake's
per-account QPS limit never applies. Client construction and one warm-up call happen
before the clock starts, as on the Rust side.

The bench runs only the synchronous API: the fake refuses the asyncio API's requests
(aiohttp sends a `content-type` header the SDK does not sign), so `--concurrency` is
there for when that changes.

Prints one JSON line: calls, ok, throttled, errors by code, seconds, calls_per_second,
the client's own CPU time per call (time.process_time, so the fake's work is not in it)
and latency percentiles in microseconds.
"""

import argparse
import asyncio
import json
import sys
import time

from alibabacloud_live20161101 import models
from Tea.exceptions import TeaException

from fake_case import v3_client


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    rank = round((len(sorted_values) - 1) * p)
    return sorted_values[rank] * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoint", required=True, help="host:port of the fake")
    parser.add_argument("--calls", type=int, required=True)
    parser.add_argument("--keys", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=1,
                        help="calls in flight; above 1 uses the SDK's asyncio API")
    parser.add_argument("--key-prefix", default="bench")
    parser.add_argument("--task-prefix", required=True)
    args = parser.parse_args()

    clients = [
        v3_client(args.endpoint, f"{args.key_prefix}{j}", f"{args.key_prefix}-secret-{j}")
        for j in range(max(args.keys, 1))
    ]
    try:  # warm-up: a task that does not exist
        clients[0].stop_live_pull_to_push(
            models.StopLivePullToPushRequest(region="cn-shanghai", task_id="bench-warm-up")
        )
    except TeaException:
        pass

    tally = {"ok": 0, "throttled": 0, "errors": {}, "latencies": []}

    def record(error):
        if error is None:
            tally["ok"] += 1
            return
        if isinstance(error, TeaException):
            code = error.code or "unknown"
        else:  # transport failures: counted, not fatal
            code = f"{type(error).__name__}: {error}"[:120]
        if code.startswith("Throttling"):
            tally["throttled"] += 1
        tally["errors"][code] = tally["errors"].get(code, 0) + 1

    def request(i):
        return models.StopLivePullToPushRequest(
            region="cn-shanghai", task_id=f"{args.task_prefix}{i}"
        )

    def sequential():
        cpu_start = time.process_time()  # user + system CPU of this process, all threads
        start = time.perf_counter()
        for i in range(args.calls):
            sdk = clients[i % len(clients)]
            t = time.perf_counter()
            try:
                sdk.stop_live_pull_to_push(request(i))
                record(None)
            except Exception as error:  # noqa: BLE001 - every failure is tallied
                record(error)
            tally["latencies"].append(time.perf_counter() - t)
        return time.perf_counter() - start, time.process_time() - cpu_start

    async def concurrent():
        try:  # warm-up of the asyncio path, inside the event loop that is timed
            await clients[0].stop_live_pull_to_push_async(request("-async-warm-up"))
        except TeaException:
            pass
        next_call = iter(range(args.calls))

        async def worker():
            for i in next_call:
                sdk = clients[i % len(clients)]
                t = time.perf_counter()
                try:
                    await sdk.stop_live_pull_to_push_async(request(i))
                    record(None)
                except Exception as error:  # noqa: BLE001
                    record(error)
                tally["latencies"].append(time.perf_counter() - t)

        cpu_start = time.process_time()
        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(args.concurrency)))
        return time.perf_counter() - start, time.process_time() - cpu_start

    if args.concurrency > 1:
        seconds, cpu = asyncio.run(concurrent())
    else:
        seconds, cpu = sequential()
    ok, throttled, errors, latencies = (
        tally["ok"], tally["throttled"], tally["errors"], tally["latencies"])

    latencies.sort()
    print(json.dumps({
        "tool": "python-sdk",
        "mode": "throughput",
        "calls": args.calls,
        "concurrency": args.concurrency,
        "ok": ok,
        "throttled": throttled,
        "errors": errors,
        "seconds": seconds,
        "calls_per_second": args.calls / seconds,
        "cpu_us_per_call": cpu * 1e6 / args.calls,
        "latency_us": {
            "p50": percentile(latencies, 0.5),
            "p99": percentile(latencies, 0.99),
            "max": percentile(latencies, 1.0),
        },
    }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
