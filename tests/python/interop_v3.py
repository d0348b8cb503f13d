#!/usr/bin/env python3
"""Calls a live-fake with the official V3 SDK (alibabacloud-live20161101, ACS3-HMAC-SHA256).

Run by tests/tests/interop_python.rs. Prints one JSON object per line, one per case:
  success           a running task is stopped; the SDK's parsed TaskId and RequestId
  stopped-again     the same task again: the documented CodeTaskHasStopped
  wrong-secret      signed with the wrong secret: the service refuses the signature
  documented-error  a task id the fake answers with LiveServiceNotFound
Assertions live in the Rust test, so a failure there shows the whole transcript.
"""

import json
import sys

from alibabacloud_live20161101 import models
from Tea.exceptions import TeaException

from fake_case import cases, failure, interop_args, success, v3_client


def stop(sdk, task_id):
    request = models.StopLivePullToPushRequest(region="cn-shanghai", task_id=task_id)
    return sdk.stop_live_pull_to_push(request)


def run_case(name, sdk, task_id):
    try:
        response = stop(sdk, task_id)
    except TeaException as error:
        data = error.data if isinstance(error.data, dict) else {}
        return failure(
            name, error.code, data.get("statusCode"), data.get("RequestId"), data.get("Message")
        )
    body = response.body
    return success(name, response.status_code, body.task_id, body.request_id)


def main():
    args = interop_args(__doc__)
    good = v3_client(args.endpoint, args.key_id, args.secret)
    bad = v3_client(args.endpoint, args.key_id, args.secret + "-wrong")
    for name, sdk, task_id in cases(good, bad, args.task):
        print(json.dumps(run_case(name, sdk, task_id)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
