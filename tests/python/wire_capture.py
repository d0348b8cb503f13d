#!/usr/bin/env python3
"""Records what an official RPC V3 SDK (alibabacloud-live20161101, alibabacloud-ecs20140526…)
puts on the wire for every operation of an official metadata file (api-docs format).

    python wire_capture.py --metadata FILE --protocol-names A,B --out cases.json [--actions A,B]

The SDK is the module the metadata's `info` names, as the SDKs are named on PyPI:
`alibabacloud_<product, lower case><version without dashes>`.

For each operation it derives one input from the metadata (keyed by wire names; every
optional parameter filled, lists of two items, every object field set at any depth, maps
with two entries, strings with space, `*~/+&=%` and non-ASCII), builds the SDK's request
with `models.<Action>Request().from_map(input)`, calls `<snake>_with_options` against a
capture server on 127.0.0.1 and records the method, path, decoded query pairs and decoded
form-body pairs. The Rust conformance tests (tests/tests/official_conformance.rs for Live,
tests/tests/catalogue_sample/ecs.rs for ECS) feed the same inputs to our client and compare.

Drift between the metadata and the SDK is recorded as facts, not failures:
  - `param-unknown-to-sdk`: the SDK's request model drops the parameter (from_map/to_map);
  - `field-unknown-to-sdk`: the model drops a nested field of the parameter;
  - `not-sent-by-sdk`: the model keeps the parameter but the SDK does not send it;
  - operations without an SDK method are listed in `missing_in_sdk`;
  - pairs the SDK sends that no metadata parameter explains are listed as `sdk_added`.
Each fact names the top-level wire parameter (`param`); the comparison ignores every wire
pair of that parameter on both sides.

Deterministic: no randomness, values derived from CRC-32 of the parameter path, output
sorted by action.
"""

import importlib
import inspect
import json
import re
import sys
from urllib.parse import parse_qsl, urlsplit

from alibabacloud_tea_openapi import models as open_api_models
from wire_inputs import (
    arguments, capture_server, derive_input, model_drift, send_once, versions, write_cases,
)

# Parameters the SDK's protocol may put in the query or body by itself (V1-style names);
# dropped from the comparison unless the metadata itself has a parameter of that name.
# Given by the caller (`--protocol-names`) from the runtime's one list.
PROTOCOL = set()
# The product SDK's client and models modules, imported in main() from the metadata's info.
sdk_client = None
models = None
SDK_PACKAGES = [
    "alibabacloud-tea-openapi", "alibabacloud-tea-util",
    "alibabacloud-openapi-util", "darabonba-core", "alibabacloud-tea",
]


def sdk_operations():
    """Action → (method name, request class name), read from the SDK client's source."""
    source = inspect.getsource(sdk_client)
    found = {}
    pattern = re.compile(
        r"    def (\w+with_options)\(\s*self,\s*\w+:\s*[\w.]*?(\w+Request),.*?action\s*=\s*'(\w+)'",
        re.S,
    )
    for method, request, action in pattern.findall(source):
        found.setdefault(action, (method, request))
    return found


def wire_names(pairs):
    return {name for name, _ in pairs}


def belongs(name, param):
    return name == param or name.startswith(param + ".")


def capture(sdk, api_names, operations, action, given):
    case = {"input": given, "drift": [], "sdk_added": []}
    method_name, request_name = operations[action]
    request_class = getattr(models, request_name, None) or getattr(models, action + "Request")
    request = request_class().from_map(json.loads(json.dumps(given)))
    kept = request.to_map()
    for name, value in given.items():
        if name not in kept:
            case["drift"].append({"kind": "param-unknown-to-sdk", "param": name, "path": name})
        else:
            model_drift(name, value, kept[name], case["drift"], name)
    seen, error = send_once(getattr(sdk, method_name), request)
    if error:
        case["error"] = error
        return case
    url = urlsplit(seen["path"])
    query = parse_qsl(url.query, keep_blank_values=True)
    content_type = seen["headers"].get("content-type", "")
    body = []
    if seen["body"]:
        text = seen["body"].decode("utf-8")
        case["raw_body"] = text
        if "application/x-www-form-urlencoded" in content_type:
            body = parse_qsl(text, keep_blank_values=True)
        else:
            case["body_not_form"] = True
    # Drop what the SDK adds on its own: protocol names and anything no parameter explains.
    def ours(pairs, place):
        kept_pairs = []
        for name, value in pairs:
            explained = any(belongs(name, p) for p in api_names)
            if (name in PROTOCOL and name not in api_names) or not explained:
                case["sdk_added"].append({"place": place, "name": name, "value": value})
            else:
                kept_pairs.append([name, value])
        return kept_pairs

    case["method"] = seen["method"]
    case["path"] = url.path
    # As sent, for reading the SDK's percent-encoding; the comparison uses decoded pairs.
    case["raw_query"] = url.query
    case["query"] = ours(query, "query")
    case["body"] = ours(body, "body")
    case["content_type"] = content_type
    drifted = {fact["param"] for fact in case["drift"]}
    sent = wire_names(case["query"]) | wire_names(case["body"])
    for name in given:
        if name not in drifted and not any(belongs(s, name) for s in sent):
            case["drift"].append({"kind": "not-sent-by-sdk", "param": name, "path": name})
    return case


def main():
    args, metadata, selected = arguments(
        __doc__.split("\n\n")[0],
        [("--protocol-names",
          "comma-separated protocol parameter names (livegen_runtime::protocol)")],
    )
    PROTOCOL.update(n for n in args.protocol_names.split(",") if n)
    info = metadata.get("info", {})
    module = "alibabacloud_{}{}".format(
        str(info.get("product", "")).lower(), str(info.get("version", "")).replace("-", ""))
    global sdk_client, models
    sdk_client = importlib.import_module(module + ".client")
    models = importlib.import_module(module + ".models")
    SDK_PACKAGES.insert(0, module.replace("_", "-"))
    apis = metadata.get("apis", {})

    server = capture_server()
    config = open_api_models.Config(
        access_key_id="testid",
        access_key_secret="testsecret",
        endpoint=f"127.0.0.1:{server.server_address[1]}",
        protocol="http",
        region_id="cn-shanghai",
    )
    sdk = sdk_client.Client(config)
    operations = sdk_operations()

    cases, missing = {}, []
    for action in selected:
        if action not in operations:
            missing.append(action)
            continue
        api = apis[action]
        names = {p["name"] for p in api.get("parameters", [])}
        cases[action] = capture(sdk, names, operations, action, derive_input(api))
    server.shutdown()
    return write_cases(args, versions(SDK_PACKAGES), cases, missing)


if __name__ == "__main__":
    sys.exit(main())
