#!/usr/bin/env python3
"""Calls a live-fake with the official V3 SDK (alibabacloud-live20161101, ACS3-HMAC-SHA256).

Run by tests/tests/interop_python.rs. Prints one JSON object per line, one per case:
  success           a running task is stopped; the SDK's parsed TaskId and RequestId
  stopped-again     the same task again: the documented CodeTaskHasStopped
  wrong-secret      signed with the wrong secret: the service refuses the signature
  documented-error  a task id the fake answers with LiveServiceNotFound
Assertions live in the Rust test, so a failure there shows the whole transcript.
"""

import argparse
import json
import sys

from alibabacloud_live20161101 import models
from alibabacloud_live20161101.client import Client
from alibabacloud_tea_openapi import models as open_api_models
from Tea.exceptions import TeaException


def client(endpoint, key_id, secret):
    # protocol='http': the fake listens on plain HTTP on loopback.
    config = open_api_models.Config(
        access_key_id=key_id,
        access_key_secret=secret,
        endpoint=endpoint,
        protocol="http",
    )
    return Client(config)


def stop(sdk, task_id):
    request = models.StopLivePullToPushRequest(region="cn-shanghai", task_id=task_id)
    return sdk.stop_live_pull_to_push(request)


def run_case(name, sdk, task_id):
    try:
        response = stop(sdk, task_id)
    except TeaException as error:
        data = error.data if isinstance(error.data, dict) else {}
        return {
            "case": name,
            "ok": False,
            "code": error.code,
            "status": data.get("statusCode"),
            "request_id": data.get("RequestId"),
            "message": data.get("Message"),
        }
    body = response.body
    return {
        "case": name,
        "ok": True,
        "status": response.status_code,
        "task_id": body.task_id,
        "request_id": body.request_id,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoint", required=True, help="host:port of the fake")
    parser.add_argument("--key-id", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--task", required=True, help="a running task id")
    args = parser.parse_args()

    good = client(args.endpoint, args.key_id, args.secret)
    bad = client(args.endpoint, args.key_id, args.secret + "-wrong")
    cases = [
        ("success", good, args.task),
        ("stopped-again", good, args.task),
        ("wrong-secret", bad, args.task),
        ("documented-error", good, "fail:LiveServiceNotFound"),
    ]
    for name, sdk, task_id in cases:
        print(json.dumps(run_case(name, sdk, task_id)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
