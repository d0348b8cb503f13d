#!/usr/bin/env python3
"""Writes the ROA (RESTful) V3 signing vectors under runtime/testdata/signing/roa/<case>/.

Each case calls one operation of the official ACK SDK (alibabacloud-cs20151215, on
alibabacloud-tea-openapi) exactly as a user would: its generated `*_with_options` method
with its own request model. The HTTP send is intercepted, so nothing leaves the machine;
only the clock, the nonce and the user agent are fixed. Every stage is captured from the
SDK's own helpers (its hash and HMAC functions, its URL composer), never recomputed here.

Next to the SDK's output, `input.json` describes the same call the way livegen's runtime
sees it: the operation's path template, method and parameter table (wire name, location,
style) and the input keyed by wire names. The Rust test (`runtime/tests/roa_vectors.rs`)
builds that table, encodes the input with `params::encode` and signs with V3, and must
reproduce the SDK's path, query, headers, body and signature byte for byte.

How to run (from the repository root; needs PyPI access only):

    python3 -m venv target/pyvenv-sign
    target/pyvenv-sign/bin/pip install -r runtime/testdata/signing/requirements.txt
    target/pyvenv-sign/bin/python runtime/testdata/signing/make_roa_vectors.py
"""

import json
import os
import shutil
import sys

from tea_intercept import Captured, intercepted, plain_credential

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "roa")

# Obviously fake credentials: these vectors must never hold a real key.
AK_ID = "testid"
AK_SECRET = "testsecret"
STS_TOKEN = "CAIS+fake/sts-token=="
HOST = "cs.cn-hangzhou.aliyuncs.com"
VERSION = "2015-12-15"
TS = 1795510800  # 2026-11-24T09:00:00Z
USER_AGENT = "AlibabaCloud (vectors) Python/3 Core/0.4.3 TeaDSL/2"

NASTY = "a/b c+d%e~*直播🎥"


def p(name, location, style="simple", shape="string"):
    return {"name": name, "in": location, "style": style, "shape": shape}


def case(name, method_name, args, action, method, path, params, input, token=None, host=HOST):
    """`args` builds the SDK call's positional arguments from its models module."""
    return dict(name=name, method_name=method_name, args=args, action=action, method=method,
                path=path, params=params, input=input, token=token, host=host)


def cases():
    from alibabacloud_cs20151215 import models as m

    return [
        case("get-query", "describe_clusters_v1with_options",
             lambda: [m.DescribeClustersV1Request(name="demo cluster+1%", page_size=10,
                                                  cluster_type="ManagedKubernetes",
                                                  region_id="cn-hangzhou")],
             "DescribeClustersV1", "GET", "/api/v1/clusters",
             [p("name", "query"), p("cluster_type", "query"),
              p("page_size", "query", shape="integer"), p("region_id", "query")],
             {"name": "demo cluster+1%", "cluster_type": "ManagedKubernetes",
              "page_size": 10, "region_id": "cn-hangzhou"}),
        case("path-escaping", "describe_cluster_detail_with_options",
             lambda: [NASTY], "DescribeClusterDetail", "GET", "/clusters/{ClusterId}",
             [p("ClusterId", "path")], {"ClusterId": NASTY}),
        case("two-path-params-json-body", "scale_cluster_node_pool_with_options",
             lambda: ["c-1/2", "np 3", m.ScaleClusterNodePoolRequest(count=3)],
             "ScaleClusterNodePool", "POST", "/clusters/{ClusterId}/nodepools/{NodepoolId}",
             [p("ClusterId", "path"), p("NodepoolId", "path"),
              p("body", "body", style="json", shape="any")],
             {"ClusterId": "c-1/2", "NodepoolId": "np 3", "body": {"count": 3}}),
        case("delete-json-query", "delete_cluster_with_options",
             lambda: ["c-9", m.DeleteClusterRequest(
                 retain_resources=["sg-1", "vpc 2"],
                 delete_options=[m.DeleteClusterRequestDeleteOptions(
                     resource_type="SLB", delete_mode="delete")])],
             "DeleteCluster", "DELETE", "/clusters/{ClusterId}",
             [p("ClusterId", "path"), p("delete_options", "query", style="json", shape="any"),
              p("retain_resources", "query", style="json", shape="any")],
             {"ClusterId": "c-9",
              "delete_options": [{"delete_mode": "delete", "resource_type": "SLB"}],
              "retain_resources": ["sg-1", "vpc 2"]}),
        case("array-body-unicode", "install_cluster_addons_with_options",
             lambda: ["c-1", m.InstallClusterAddonsRequest(body=[
                 m.InstallClusterAddonsRequestBody(config='{"k":"v w"}', name="直播", version="v1.0"),
                 m.InstallClusterAddonsRequestBody(name="b")])],
             "InstallClusterAddons", "POST", "/clusters/{ClusterId}/components/install",
             [p("ClusterId", "path"), p("body", "body", style="json", shape="any")],
             {"ClusterId": "c-1",
              "body": [{"config": '{"k":"v w"}', "name": "直播", "version": "v1.0"},
                       {"name": "b"}]}),
        case("sts-token", "describe_cluster_detail_with_options", lambda: ["c-1"],
             "DescribeClusterDetail", "GET", "/clusters/{ClusterId}",
             [p("ClusterId", "path")], {"ClusterId": "c-1"}, token=STS_TOKEN),
        case("host-port", "describe_cluster_detail_with_options", lambda: ["c-1"],
             "DescribeClusterDetail", "GET", "/clusters/{ClusterId}",
             [p("ClusterId", "path")], {"ClusterId": "c-1"}, host="127.0.0.1:8080"),
    ]


def write(folder, name, content):
    with open(os.path.join(folder, name), "w", encoding="utf-8", newline="") as f:
        f.write(content)


def make(c):
    from alibabacloud_cs20151215.client import Client
    from alibabacloud_tea_openapi import utils_models
    from darabonba.runtime import RuntimeOptions

    nonce = "nonce-" + c["name"]
    with intercepted(TS, nonce, lambda ua: USER_AGENT) as seen:
        credential = plain_credential(AK_ID, AK_SECRET, c["token"])
        client = Client(utils_models.Config(credential=credential, endpoint=c["host"]))
        try:
            getattr(client, c["method_name"])(*c["args"](), {}, RuntimeOptions())
        except Captured:
            pass
        else:
            sys.exit(f"roa/{c['name']}: the SDK did not reach the HTTP send")

    req = seen["request"]
    if req.method != c["method"]:
        sys.exit(f"roa/{c['name']}: the SDK sent {req.method}, the case says {c['method']}")
    headers = {k.lower(): v for k, v in req.headers.items() if v is not None}
    url = seen["url"]
    path_and_query = url[url.index(c["host"]) + len(c["host"]):]
    folder = os.path.join(OUT, c["name"])
    os.makedirs(folder)
    write(folder, "input.json", json.dumps({
        "action": c["action"], "version": VERSION, "method": c["method"], "host": c["host"],
        "path": c["path"], "params": c["params"], "input": c["input"],
        "access_key_id": AK_ID, "access_key_secret": AK_SECRET,
        "security_token": c["token"], "timestamp_unix": TS, "nonce": nonce,
        "user_agent": USER_AGENT,
    }, ensure_ascii=False, indent=2) + "\n")
    write(folder, "canonical_request.txt", seen["hash_inputs"][-1].decode("utf-8"))
    write(folder, "string_to_sign.txt", seen["signed"][-1])
    write(folder, "signature.txt", headers["authorization"].rsplit("Signature=", 1)[1])
    write(folder, "headers.json",
          json.dumps(headers, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    # Path as the SDK built it, and its query as pairs (the SDK's own URL encoding of
    # the query differs from the canonical one; the Rust test compares decoded pairs).
    write(folder, "path.txt", req.pathname)
    write(folder, "query.json", json.dumps(
        [[k, str(v)] for k, v in sorted(req.query.items()) if v is not None],
        ensure_ascii=False, indent=2) + "\n")
    write(folder, "url.txt", path_and_query)
    if req.body:
        body = req.body if isinstance(req.body, str) else req.body.decode("utf-8")
        write(folder, "body.txt", body)


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    for c in cases():
        make(c)
        print("wrote roa/" + c["name"])


if __name__ == "__main__":
    main()
