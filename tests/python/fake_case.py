"""What the interop and bench scripts share: a client of the official V3 Live SDK aimed at
the local fake, the command line of an interop run, and the shape of one case's result.

Imported by its siblings (`python3 tests/python/interop_v3.py` puts this folder on
`sys.path`).
"""

import argparse

from alibabacloud_live20161101.client import Client
from alibabacloud_tea_openapi import models as open_api_models


def v3_client(endpoint, key_id, secret):
    """The V3 SDK with its defaults (ACS3-HMAC-SHA256, no automatic retry), over plain
    HTTP: the fake listens on loopback without TLS."""
    config = open_api_models.Config(
        access_key_id=key_id,
        access_key_secret=secret,
        endpoint=endpoint,
        protocol="http",
    )
    return Client(config)


def interop_args(description):
    """The flags every interop script takes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--endpoint", required=True, help="host:port of the fake")
    parser.add_argument("--key-id", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--task", required=True, help="a running task id")
    return parser.parse_args()


def cases(good, bad, task):
    """The four interop cases: (name, client, task id)."""
    return [
        ("success", good, task),
        ("stopped-again", good, task),
        ("wrong-secret", bad, task),
        ("documented-error", good, "fail:LiveServiceNotFound"),
    ]


def failure(name, code, status, request_id, message):
    return {
        "case": name,
        "ok": False,
        "code": code,
        "status": status,
        "request_id": request_id,
        "message": message,
    }


def success(name, status, task_id, request_id):
    return {
        "case": name,
        "ok": True,
        "status": status,
        "task_id": task_id,
        "request_id": request_id,
    }
