#!/usr/bin/env python3
"""Records what the official V3 SDK (alibabacloud-live20161101) puts on the wire for every
operation of an official metadata file (api-docs format).

    python wire_capture.py --metadata FILE --out cases.json [--actions A,B]

For each operation it derives one input from the metadata (keyed by wire names; every
optional parameter filled, lists of two items, every object field set at any depth, maps
with two entries, strings with space, `*~/+&=%` and non-ASCII), builds the SDK's request
with `models.<Action>Request().from_map(input)`, calls `<snake>_with_options` against a
capture server on 127.0.0.1 and records the method, path, decoded query pairs and decoded
form-body pairs. The Rust conformance test (tests/tests/official_conformance.rs) feeds the
same inputs to our client and compares.

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

import inspect
import json
import re
import sys
from urllib.parse import parse_qsl, urlsplit

from alibabacloud_live20161101 import client as sdk_client
from alibabacloud_live20161101 import models
from alibabacloud_tea_openapi import models as open_api_models
from wire_inputs import (
    Capture, arguments, capture_server, derive_input, model_drift, versions, write_cases,
)

try:  # tea-openapi 0.4 (darabonba)
    from darabonba.runtime import RuntimeOptions
except ImportError:  # tea-openapi 0.3
    from alibabacloud_tea_util.models import RuntimeOptions

# Parameters the SDK's protocol may put in the query or body by itself (V1-style names);
# dropped from the comparison unless the metadata itself has a parameter of that name.
# Given by the caller (`--protocol-names`) from the runtime's one list.
PROTOCOL = set()
SDK_PACKAGES = [
    "alibabacloud-live20161101", "alibabacloud-tea-openapi", "alibabacloud-tea-util",
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


def capture(sdk, api_names, operations, action, given, server_seen):
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
    server_seen.clear()
    try:
        getattr(sdk, method_name)(request, RuntimeOptions(autoretry=False, max_attempts=1))
    except Exception as error:  # recorded; the Rust side reports it
        if not server_seen:
            case["error"] = f"{type(error).__name__}: {error}"
            return case
    if len(server_seen) != 1:
        case["error"] = f"expected one request, the capture server saw {len(server_seen)}"
        return case
    seen = server_seen[0]
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
        cases[action] = capture(sdk, names, operations, action, derive_input(api), Capture.seen)
    server.shutdown()
    return write_cases(args, versions(SDK_PACKAGES), cases, missing)


if __name__ == "__main__":
    sys.exit(main())
