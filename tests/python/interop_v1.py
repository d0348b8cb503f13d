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

import json
import sys

from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdklive.request.v20161101.StopLivePullToPushRequest import (
    StopLivePullToPushRequest,
)

from fake_case import cases, failure, interop_args, success


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
        return failure(
            name,
            error.get_error_code(),
            error.get_http_status(),
            error.get_request_id(),
            error.get_error_msg(),
        )
    return success(name, 200, body.get("TaskId"), body.get("RequestId"))


def main():
    args = interop_args(__doc__)
    host, _, port = args.endpoint.rpartition(":")
    good = client(int(port), args.key_id, args.secret)
    bad = client(int(port), args.key_id, args.secret + "-wrong")
    for name, sdk, task_id in cases(good, bad, args.task):
        print(json.dumps(run_case(name, sdk, host, task_id)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
