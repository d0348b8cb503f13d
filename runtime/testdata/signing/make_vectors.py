#!/usr/bin/env python3
"""Writes the signing test vectors under runtime/testdata/signing/{v3,v1}/<case>/.

Every stage is produced by the official Alibaba Cloud Python SDKs themselves, so the Rust
signer in runtime/src/signing/ is checked against the reference, not against itself:

- V3 (ACS3-HMAC-SHA256): alibabacloud-tea-openapi, driven through the Live client
  (alibabacloud-live20161101) exactly as its generated methods call it (`call_api` with
  RPC params). The HTTP send is intercepted, so nothing leaves the machine.
- V1 (RPC HMAC-SHA1): aliyun-python-sdk-core's AcsClient with an RpcRequest (the base
  class of every aliyun-python-sdk-live request), HTTP send intercepted likewise.

Only the clock and the nonce are replaced (fixed per case), plus, for V3, two headers the
SDK adds for its own telemetry (user-agent, x-acs-credentials-provider) are left unset in
most cases so the vectors show the protocol rather than one SDK build's identity. The
`sdk-default-headers*` cases keep both, with a fixed user agent, to pin how extra signed
headers behave.

Stages are captured by wrapping the SDKs' own functions (their hash / HMAC helpers and
the V1 composer's helpers), never recomputed here.

How to run (from the repository root; needs PyPI access only):

    python3 -m venv target/pyvenv-sign
    target/pyvenv-sign/bin/pip install -r runtime/testdata/signing/requirements.txt
    target/pyvenv-sign/bin/python runtime/testdata/signing/make_vectors.py

It rewrites the v3/ and v1/ folders next to this file. Last run with Python 3.11.7 and
the versions pinned in requirements.txt. The Rust tests read the folders and need no
Python.
"""

import json
import os
import shutil
import sys

from tea_intercept import Captured, intercepted, iso, plain_credential

HERE = os.path.dirname(os.path.abspath(__file__))

# Obviously fake credentials: these vectors must never hold a real key.
AK_ID = "testid"
AK_SECRET = "testsecret"
STS_TOKEN = "CAIS+fake/sts-token=="

HOST = "live.aliyuncs.com"
ACTION = "StopLivePullToPush"
VERSION = "2016-11-01"

# 2026-11-24T09:00:00Z
DEFAULT_TS = 1795510800


def case(name, params, method="GET", host=HOST, token=None, ts=DEFAULT_TS, nonce=None,
         sdk_headers=False, body=None):
    return {
        "name": name,
        "method": method,
        "host": host,
        "params": params,
        # Form-body parameters, already flattened (what the Rust encoder hands the signer).
        "body": body or [],
        "token": token,
        "ts": ts,
        "nonce": nonce or ("0f1e2d3c4b5a69788796a5b4c3d2e1f0" if name == "plain" else
                           "nonce-" + name),
        "sdk_headers": sdk_headers,
    }


def region(*pairs):
    return [["RegionId", "cn-shanghai"], *[list(p) for p in pairs]]


TASK = "c3d9a6e1-5b7f-4e2a-9c1d-0a8b7e6f5d4c"

COMMON_CASES = [
    case("plain", region(("TaskId", TASK))),
    case("unicode", region(("TaskId", TASK), ("Name", "直播测试🎥"))),
    case("space", region(("Name", "live stream 01"))),
    case("star", region(("Name", "a*b*"))),
    case("tilde", region(("Name", "~user~"))),
    case("slash", region(("StreamName", "/app/stream"))),
    case("plus", region(("Name", "a+b"))),
    case("equals", region(("Name", "k=v"))),
    case("ampersand", region(("Name", "a&b"))),
    case("percent", region(("Name", "100% %20 %zz"))),
    case("reserved-mix", region(("Name", "!'()*:;@,$?#[]\"<>\\^`{|} _.-"))),
    case("repeat-list", region(("Domain.1", "a.example.com"), ("Domain.2", "b.example.com"))),
    case("sort-order", [["TaskId", TASK], ["Domain.10", "j"], ["Domain.2", "b"],
                        ["aLowerKey", "x"], ["RegionId", "cn-beijing"], ["Domain.1", "a"]]),
    case("empty-value", region(("TaskId", TASK), ("Description", ""))),
    case("no-params", []),
    case("sts-token", region(("TaskId", TASK)), token=STS_TOKEN),
    case("post", region(("TaskId", TASK)), method="POST"),
    case("post-sts-token", region(("Name", "a b+c")), method="POST", token=STS_TOKEN),
    case("host-port", region(("TaskId", TASK)), host="127.0.0.1:8080"),
    # 2028-02-29T23:59:59Z: a leap day at the last second, for the timestamp formatter.
    case("leap-day", region(("TaskId", TASK)), ts=1835481599),
    # 1999-12-31T23:59:59Z: before 2000, another calendar edge.
    case("y2k-eve", region(("TaskId", TASK)), ts=946684799),
    # POST with an application/x-www-form-urlencoded body: V3 hashes and signs it (and the
    # content-type header), V1 signs the body parameters together with the query.
    case("form-body", region(), method="POST",
         body=[["AppId", "app-1"], ["Data", "hello world"], ["GroupId", "g-1"]]),
    case("form-body-reserved-chars", region(("TaskId", TASK)), method="POST",
         body=[["Text", "a b+c*~/=&%中🎥"], ["Users.2", "u2"], ["Users.1", "u1"],
               ["Json", '{"k":"v w","n":[1,2.5,true]}']]),
    case("form-body-sts", region(), method="POST", token=STS_TOKEN,
         body=[["AppId", "app-1"], ["Empty", ""]]),
]

V3_ONLY_CASES = [
    case("sdk-default-headers", region(("TaskId", TASK)), sdk_headers=True),
    case("sdk-default-headers-sts", region(("TaskId", TASK)), token=STS_TOKEN, sdk_headers=True),
]

FIXED_USER_AGENT = "AlibabaCloud (vectors) Python/3 Core/0.4.3 TeaDSL/2"


def write(folder, name, content):
    with open(os.path.join(folder, name), "w", encoding="utf-8", newline="") as f:
        f.write(content)


def input_json(c, extra_headers):
    return json.dumps({
        "method": c["method"],
        "host": c["host"],
        "path": "/",
        "action": ACTION,
        "version": VERSION,
        "params": c["params"],
        "access_key_id": AK_ID,
        "access_key_secret": AK_SECRET,
        "security_token": c["token"],
        "timestamp": iso(c["ts"]),
        "timestamp_unix": c["ts"],
        "nonce": c["nonce"],
        "extra_signed_headers": extra_headers,
        "body": c["body"],
    }, ensure_ascii=False, indent=2) + "\n"


# ---------------------------------------------------------------------------- V3

def make_v3(c, out_dir):
    from alibabacloud_live20161101.client import Client as LiveClient
    from alibabacloud_tea_openapi import utils_models
    from darabonba.runtime import RuntimeOptions

    user_agent = (lambda ua: FIXED_USER_AGENT) if c["sdk_headers"] else (lambda ua: None)
    with intercepted(c["ts"], c["nonce"], user_agent) as seen:
        if c["sdk_headers"]:
            # The SDK's own credential client, which adds x-acs-credentials-provider.
            config = utils_models.Config(access_key_id=AK_ID, access_key_secret=AK_SECRET,
                                         security_token=c["token"], endpoint=c["host"])
        else:
            credential = plain_credential(AK_ID, AK_SECRET, c["token"])
            config = utils_models.Config(credential=credential, endpoint=c["host"])
        client = LiveClient(config)
        params = utils_models.Params(
            action=ACTION, version=VERSION, protocol="HTTPS", pathname="/",
            method=c["method"], auth_type="AK", style="RPC", req_body_type="formData",
            body_type="json")
        request = utils_models.OpenApiRequest(
            query={k: v for k, v in c["params"]},
            body={k: v for k, v in c["body"]} if c["body"] else None)
        try:
            client.call_api(params, request, RuntimeOptions())
        except Captured:
            pass
        else:
            sys.exit(f"v3/{c['name']}: the SDK did not reach the HTTP send")

    req = seen["request"]
    canonical_request = seen["hash_inputs"][-1].decode("utf-8")
    string_to_sign = seen["signed"][-1]
    auth = req.headers["Authorization"]
    signature = auth.rsplit("Signature=", 1)[1]
    headers = {k.lower(): v for k, v in req.headers.items() if v is not None}
    if bool(req.body) != bool(c["body"]):
        sys.exit(f"v3/{c['name']}: body {req.body!r} for body params {c['body']!r}")
    url = seen["url"]
    path_and_query = url[url.index(c["host"]) + len(c["host"]):]

    extra = []
    if c["sdk_headers"]:
        extra = [["user-agent", headers["user-agent"]],
                 ["x-acs-credentials-provider", headers["x-acs-credentials-provider"]]]
    write(out_dir, "input.json", input_json(c, extra))
    write(out_dir, "canonical_request.txt", canonical_request)
    write(out_dir, "string_to_sign.txt", string_to_sign)
    write(out_dir, "signature.txt", signature)
    write(out_dir, "headers.json",
          json.dumps(headers, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    # What the SDK put on the wire (its own query encoding and order); the Rust tests
    # feed it to `verify`, they do not expect the Rust signer to reproduce it.
    write(out_dir, "url.txt", path_and_query)
    if c["body"]:
        write(out_dir, "body.txt", req.body)


# ---------------------------------------------------------------------------- V1

def make_v1(c, out_dir):
    import aliyunsdkcore.auth.composer.rpc_signature_composer as composer
    import aliyunsdkcore.http.http_response as http_response
    import aliyunsdkcore.utils.parameter_helper as helper
    from aliyunsdkcore.auth.credentials import StsTokenCredential
    from aliyunsdkcore.client import AcsClient
    from aliyunsdkcore.request import RpcRequest

    seen = {"pathname2url": [], "signed": []}
    orig_p2u = composer.pathname2url
    orig_get_sig = composer.__dict__["__get_signature"]
    saved = (helper.get_iso_8061_date, helper.get_uuid, composer.pathname2url,
             orig_get_sig, http_response.HttpResponse.get_response_object)

    def p2u_spy(s):
        seen["pathname2url"].append(s)
        return orig_p2u(s)

    def get_sig_spy(string_to_sign, secret, signer):
        result = orig_get_sig(string_to_sign, secret, signer)
        seen["signed"].append((string_to_sign, result))
        return result

    def get_response_object(self):
        seen["url"] = self.get_url()
        seen["method"] = self.get_method()
        seen["body"] = self.get_body()
        raise Captured()

    helper.get_iso_8061_date = lambda: iso(c["ts"])
    helper.get_uuid = lambda: c["nonce"]
    composer.pathname2url = p2u_spy
    composer.__dict__["__get_signature"] = get_sig_spy
    http_response.HttpResponse.get_response_object = get_response_object
    try:
        if c["token"]:
            client = AcsClient(region_id="cn-shanghai", credential=StsTokenCredential(
                AK_ID, AK_SECRET, c["token"]))
        else:
            client = AcsClient(AK_ID, AK_SECRET, "cn-shanghai")
        request = RpcRequest("live", VERSION, ACTION)
        request.set_endpoint(c["host"])
        request.set_method(c["method"])
        for k, v in c["params"]:
            request.add_query_param(k, v)
        for k, v in c["body"]:
            request.add_body_params(k, v)
        try:
            client.do_action_with_exception(request)
        except Captured:
            pass
        else:
            sys.exit(f"v1/{c['name']}: the SDK did not reach the HTTP send")
    finally:
        (helper.get_iso_8061_date, helper.get_uuid, composer.pathname2url) = saved[:3]
        composer.__dict__["__get_signature"] = saved[3]
        http_response.HttpResponse.get_response_object = saved[4]

    if bool(seen["body"]) != bool(c["body"]):
        sys.exit(f"v1/{c['name']}: body {seen['body']!r} for body params {c['body']!r}")
    if seen["method"] != c["method"]:
        sys.exit(f"v1/{c['name']}: method changed to {seen['method']}")
    if "RegionId" not in dict(c["params"]):
        # Without an explicit RegionId the SDK appends the client's region to the query;
        # the vectors keep the input complete so the Rust side adds nothing on its own.
        sys.exit(f"v1/{c['name']}: give RegionId explicitly")
    string_to_sign, signature = seen["signed"][-1]
    write(out_dir, "input.json", input_json(c, []))
    write(out_dir, "canonicalized_query.txt", seen["pathname2url"][-1])
    write(out_dir, "string_to_sign.txt", string_to_sign)
    write(out_dir, "signature.txt", signature)
    write(out_dir, "url.txt", seen["url"])
    if c["body"]:
        body = seen["body"]
        write(out_dir, "body.txt", body.decode("utf-8") if isinstance(body, bytes) else body)


def main():
    for version, cases, make in (("v3", COMMON_CASES + V3_ONLY_CASES, make_v3),
                                 ("v1", [c for c in COMMON_CASES if c["params"]], make_v1)):
        root = os.path.join(HERE, version)
        shutil.rmtree(root, ignore_errors=True)
        for c in cases:
            out_dir = os.path.join(root, c["name"])
            os.makedirs(out_dir)
            make(c, out_dir)
        print(f"{version}: {len(cases)} cases")


if __name__ == "__main__":
    main()
