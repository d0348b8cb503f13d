#!/usr/bin/env python3
"""Records what an official ROA (RESTful) V3 SDK on alibabacloud-tea-openapi puts on the
wire for every operation of an official metadata file (api-docs format, `style: ROA`).

    python roa_wire_capture.py --metadata FILE --sdk alibabacloud_cs20151215 \
        --out cases.json [--actions A,B]

For each operation it derives one input from the metadata (wire_inputs.py: every optional
parameter filled, strings carrying space, `/`, `+`, `%`, `*~&=` and non-ASCII, lists of
two items, nested objects at any depth, `$ref`s resolved), calls the SDK's
`<snake>_with_options(<path values>, request, headers, runtime)` against a capture server
on 127.0.0.1 and records the method, the path as sent, the decoded query pairs, every
header, the names the signature covers (`SignedHeaders`) and the body as sent. The Rust
test (tests/tests/catalogue_sample/ack.rs) feeds the same inputs to our client and compares.

How the SDK is driven, read from its own client source, never from a list per product:
  - path values are the positional arguments before the request, in the order of the
    `{...}` segments of the SDK's `pathname`, matched to the metadata path's placeholders
    by position;
  - the request model is the annotated type of the `request`/`tmp_req` argument, built
    with `from_map`: a body parameter that is an object with properties gives its
    properties as the model's fields (the SDK rebuilds the body from them), every other
    parameter keeps its wire name;
  - header parameters go in the `headers` argument.

Drift between the metadata and the SDK is recorded as facts, not failures (as in
wire_capture.py): `param-unknown-to-sdk`, `field-unknown-to-sdk` (its `path` is the
dropped field, e.g. `body.nodepool_info.type`), `not-sent-by-sdk`, `missing_in_sdk`, and
query pairs or a body no parameter explains as `sdk_added`.

Deterministic: no randomness, output sorted by action.
"""

import importlib
import inspect
import json
import re
import sys
from urllib.parse import parse_qsl, urlsplit

from alibabacloud_tea_openapi import utils_models
from wire_inputs import (
    arguments, capture_server, derive_input, model_drift, send_once, versions, write_cases,
)

TEA_PACKAGES = ["alibabacloud-tea-openapi", "darabonba-core", "alibabacloud-credentials"]
# Where the SDK's `pathname` f-string puts a path value: `{DaraURL.percent_encode(x)}`.
PATH_ARG = re.compile(r"\{[\w.]*\((\w+)\)\}")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def sdk_operations(client_module):
    """Action → (method name, path argument names in pathname order, request class name or
    None), read from the SDK client's `*_with_options` methods."""
    found = {}
    client = client_module.Client
    for name, method in inspect.getmembers(client, inspect.isfunction):
        if not name.endswith("with_options"):
            continue
        source = inspect.getsource(method)
        action = re.search(r"action\s*=\s*'(\w+)'", source)
        pathname = re.search(r"pathname\s*=\s*f?'([^']*)'", source)
        if not action or not pathname:
            continue
        signature = inspect.signature(method)
        request = None
        for param in signature.parameters.values():
            if param.name in ("request", "tmp_req"):
                request = str(param.annotation).rsplit(".", 1)[-1].strip("'\"")
        found[action.group(1)] = (name, PATH_ARG.findall(pathname.group(1)), request)
    return found


def request_map(api, given):
    """What `from_map` gets: a body object's properties spread, other parameters by name."""
    out = {}
    for param in api.get("parameters", []):
        name, where = param["name"], param.get("in")
        if where in ("path", "header") or name not in given:
            continue
        value = given[name]
        schema = param.get("schema") or {}
        if where == "body" and schema.get("properties") and isinstance(value, dict):
            out.update(value)
        else:
            out[name] = value
    return out


def body_drift(api, given, kept, drift):
    """Drift facts for what the model dropped, with paths in the input's own terms."""
    for param in api.get("parameters", []):
        name, where = param["name"], param.get("in")
        if where in ("path", "header") or name not in given:
            continue
        schema = param.get("schema") or {}
        if where == "body" and schema.get("properties") and isinstance(given[name], dict):
            model_drift(name, given[name], kept, drift, name)
        elif name not in kept:
            drift.append({"kind": "param-unknown-to-sdk", "param": name, "path": name})
        else:
            model_drift(name, given[name], kept[name], drift, name)


def capture(sdk, models, api, operation, given):
    method_name, path_args, request_name = operation
    params = api.get("parameters", [])
    case = {"input": given, "drift": [], "sdk_added": []}
    bodies = [p["name"] for p in params if p.get("in") == "body"]
    if bodies:
        case["body_param"] = bodies[0]
    placeholders = PLACEHOLDER.findall(api.get("path", ""))
    if len(placeholders) != len(path_args):
        case["error"] = (
            f"the metadata path {api.get('path')} has {len(placeholders)} placeholders, "
            f"the SDK's pathname {len(path_args)}"
        )
        return case
    args = [given.get(name) for name in placeholders]
    if request_name is not None:
        request = getattr(models, request_name)().from_map(
            json.loads(json.dumps(request_map(api, given)))
        )
        body_drift(api, given, request.to_map(), case["drift"])
        args.append(request)
    headers = {
        p["name"]: str(given[p["name"]]) for p in params if p.get("in") == "header"
    }
    request, error = send_once(getattr(sdk, method_name), *args, headers)
    if error:
        case["error"] = error
        return case
    url = urlsplit(request["path"])
    names = {p["name"] for p in params if p.get("in") == "query"}
    query = []
    for name, value in parse_qsl(url.query, keep_blank_values=True):
        if name in names:
            query.append([name, value])
        else:
            case["sdk_added"].append({"place": "query", "name": name, "value": value})
    if request["body"] and not bodies:
        # The SDK's model knows body fields this metadata does not (another revision of
        # the API): with none set it still sends `{}`.
        case["sdk_added"].append(
            {"place": "body", "name": "", "value": request["body"].decode("utf-8")}
        )
    headers = request["headers"]
    signed = re.search(r"SignedHeaders=([^,]*)", headers.get("authorization", ""))
    case.update(
        method=request["method"],
        path=url.path,
        raw_query=url.query,
        query=query,
        headers=headers,
        signed_headers=signed.group(1).split(";") if signed else [],
        raw_body=request["body"].decode("utf-8"),
    )
    drifted = {fact["param"] for fact in case["drift"]}
    sent = {name for name, _ in query}
    for param in params:
        name = param["name"]
        missing = {
            "query": name not in sent,
            "header": name.lower() not in headers,
            "body": not request["body"],
        }.get(param.get("in"), False)
        if name in given and name not in drifted and missing:
            case["drift"].append({"kind": "not-sent-by-sdk", "param": name, "path": name})
    return case


def main():
    args, metadata, selected = arguments(
        __doc__.split("\n\n")[0],
        [("--sdk", "the SDK's module, e.g. alibabacloud_cs20151215")],
    )
    apis = metadata.get("apis", {})
    components = metadata.get("components", {})
    client_module = importlib.import_module(f"{args.sdk}.client")
    models = importlib.import_module(f"{args.sdk}.models")
    server = capture_server()
    config = utils_models.Config(
        access_key_id="testid",
        access_key_secret="testsecret",
        endpoint=f"127.0.0.1:{server.server_address[1]}",
        protocol="http",
        region_id="cn-shanghai",
    )
    sdk = client_module.Client(config)
    operations = sdk_operations(client_module)

    cases, missing = {}, []
    for action in selected:
        if action not in operations:
            missing.append(action)
            continue
        given = derive_input(apis[action], {"components": components})
        cases[action] = capture(sdk, models, apis[action], operations[action], given)
    server.shutdown()
    package = args.sdk.replace("_", "-")
    return write_cases(args, versions([package] + TEA_PACKAGES), cases, missing)


if __name__ == "__main__":
    sys.exit(main())
