#!/usr/bin/env python3
"""Calls a live-fake with the official V1 SDK (aliyun-python-sdk-live on aliyun-python-sdk-core,
HMAC-SHA1 RPC signature).

Run by tests/tests/interop_python.rs. Prints one JSON object per line, one per case:
  success           a running task is stopped; TaskId and RequestId from the JSON answer
  stopped-again     the same task again: the documented CodeTaskHasStopped
  wrong-secret      signed with the wrong secret. The service answers SignatureDoesNotMatch
                    with its string to sign; when that equals the SDK's own, the SDK reports
                    InvalidAccessKeySecret instead, so that code proves the fake and the SDK
                    built the same string to sign.
  documented-error  a task id the fake answers with LiveServiceNotFound
Assertions live in the Rust test, so a failure there shows the whole transcript.
"""

import argparse
import json
import sys

from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdklive.request.v20161101.StopLivePullToPushRequest import (
    StopLivePullToPushRequest,
)


def client(port, key_id, secret):
    # No SDK-side retries: every case is exactly one request.
    return AcsClient(key_id, secret, "cn-shanghai", auto_retry=False, port=port)


def run_case(name, sdk, host, task_id):
    request = StopLivePullToPushRequest()
    request.set_Region("cn-shanghai")
    request.set_TaskId(task_id)
    # A fixed endpoint skips the SDK's region-to-endpoint resolution; plain HTTP to loopback.
    request.set_endpoint(host)
    request.set_protocol_type("http")
    try:
        body = json.loads(sdk.do_action_with_exception(request))
    except ServerException as error:
        return {
            "case": name,
            "ok": False,
            "code": error.get_error_code(),
            "status": error.get_http_status(),
            "request_id": error.get_request_id(),
            "message": error.get_error_msg(),
        }
    return {
        "case": name,
        "ok": True,
        "status": 200,
        "task_id": body.get("TaskId"),
        "request_id": body.get("RequestId"),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--endpoint", required=True, help="host:port of the fake")
    parser.add_argument("--key-id", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--task", required=True, help="a running task id")
    args = parser.parse_args()

    host, _, port = args.endpoint.rpartition(":")
    good = client(int(port), args.key_id, args.secret)
    bad = client(int(port), args.key_id, args.secret + "-wrong")
    cases = [
        ("success", good, args.task),
        ("stopped-again", good, args.task),
        ("wrong-secret", bad, args.task),
        ("documented-error", good, "fail:LiveServiceNotFound"),
    ]
    for name, sdk, task_id in cases:
        print(json.dumps(run_case(name, sdk, host, task_id)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
