"""What the wire captures share: inputs derived from official metadata, the loopback
capture server, calling the SDK once against it, the command line, the cases file, and the
versions of the SDK packages that sent the requests.

Imported by wire_capture.py (RPC) and roa_wire_capture.py (ROA), which run as scripts from
this folder.

Derived inputs are keyed by wire names: every optional parameter filled, lists of two
items, every object field set at any depth, maps with two entries, strings with space,
`*~/+&=%` and non-ASCII, numbers inside their bounds, enumerations by one of their values.
Deterministic: no randomness, values derived from CRC-32 of the parameter path.
"""

import argparse
import importlib.metadata
import json
import re
import sys
import threading
import zlib
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

try:  # tea-openapi 0.4 (darabonba)
    from darabonba.runtime import RuntimeOptions
except ImportError:  # tea-openapi 0.3
    from alibabacloud_tea_util.models import RuntimeOptions

# What every string value carries, after the parameter's own path.
SPECIAL = " a*~/+&=%直播"

# `$ref` chains deeper than this are cut (a self-referencing schema would never end).
MAX_REF_DEPTH = 8


def crc(path):
    return zlib.crc32(path.encode("utf-8"))


def number(text):
    if text is None or text == "":
        return None
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def enum_values(schema):
    values = schema.get("enum")
    return values if isinstance(values, list) and values else None


def typed(value, kind):
    """A metadata enum value (often a string) as the JSON type of the schema."""
    if kind == "integer":
        return int(float(value))
    if kind == "number":
        return float(value)
    if kind == "boolean":
        return value if isinstance(value, bool) else str(value).lower() == "true"
    return str(value)


def string_value(path, schema):
    text = path + SPECIAL
    pattern = schema.get("pattern")
    if pattern:
        try:
            if not re.fullmatch(pattern, text):
                text = re.sub(r"[^0-9A-Za-z]", "", path) or "v"
        except re.error:
            pass
    lo = int(number(schema.get("minLength")) or 0)
    hi = number(schema.get("maxLength"))
    if len(text) < lo:
        text = text + "x" * (lo - len(text))
    if hi is not None and len(text) > int(hi):
        hi = int(hi)
        # Keep the special characters; shorten the name part first.
        keep = SPECIAL if pattern is None else ""
        if len(keep) < hi:
            text = path[: hi - len(keep)] + keep
        else:
            text = text[:hi]
    return text


def clamp(value, schema):
    lo = number(schema.get("minimum"))
    hi = number(schema.get("maximum"))
    if lo is not None and value < lo:
        value = lo
    if hi is not None and value > hi:
        value = hi
    return value


def resolve(schema, root, depth=0):
    """`schema` with a local `$ref` (`#/components/schemas/X`, looked up in the document
    `root`) replaced by its target; the referring schema's own keys win."""
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    if not isinstance(ref, str) or depth >= MAX_REF_DEPTH:
        return schema
    target = root
    for part in ref.lstrip("#/").split("/"):
        target = target.get(part, {}) if isinstance(target, dict) else {}
    merged = dict(resolve(target, root, depth + 1))
    merged.update({k: v for k, v in schema.items() if k != "$ref"})
    return merged


def derive(path, schema, root=None, depth=0):
    """One value for `schema`; `path` names it (wire-style, 1-based list indices). `root`
    is the metadata document, for `$ref`s."""
    schema = resolve(schema, root or {})
    if depth > MAX_REF_DEPTH * 4:
        return None
    kind = schema.get("type", "string")
    values = enum_values(schema)
    if values is not None and kind not in ("array", "object"):
        return typed(values[crc(path) % len(values)], kind)
    if kind == "integer":
        return int(clamp(10 + crc(path) % 90, schema))
    if kind == "number":
        value = clamp(1 + crc(path) % 9 + 0.5, schema)
        return float(value)
    if kind == "boolean":
        return crc(path) % 2 == 0
    if kind == "array":
        count = 2
        most = number(schema.get("maxItems"))
        least = number(schema.get("minItems"))
        if most is not None and most < count:
            count = int(most)
        if least is not None and least > count:
            count = int(least)
        items = schema.get("items") or {"type": "string"}
        return [derive(f"{path}.{i}", items, root, depth + 1) for i in range(1, count + 1)]
    if kind == "object":
        properties = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        if properties:
            return {
                name: derive(f"{path}.{name}", sub, root, depth + 1)
                for name, sub in properties.items()
            }
        if isinstance(extra, dict) and extra:
            return {k: derive(f"{path}.{k}", extra, root, depth + 1) for k in ("k1", "k2")}
        return {"k1": "v 1", "k2": 2}
    return string_value(path, schema)


def derive_input(api, root=None):
    """One input for the operation `api`, keyed by wire names; `root` as for `derive`."""
    return {
        p["name"]: derive(p["name"], p.get("schema") or {}, root)
        for p in api.get("parameters", [])
    }


def model_drift(path, given, kept, out, param):
    """Facts for fields of `given` that the SDK's model did not keep (`kept` is its to_map)."""
    if isinstance(given, dict) and isinstance(kept, dict):
        for name, value in given.items():
            sub = f"{path}.{name}"
            if name not in kept:
                out.append({"kind": "field-unknown-to-sdk", "param": param, "path": sub})
            else:
                model_drift(sub, value, kept[name], out, param)
    elif isinstance(given, list) and isinstance(kept, list):
        for i, (a, b) in enumerate(zip(given, kept), start=1):
            model_drift(f"{path}.{i}", a, b, out, param)


class Capture(BaseHTTPRequestHandler):
    """Records each request (method, path as sent, lower-case headers, body bytes) and
    answers `200 {"RequestId":"capture"}`."""

    seen = []

    def _answer(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        Capture.seen.append(
            {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body,
            }
        )
        payload = b'{"RequestId":"capture"}'
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _answer

    def log_message(self, *args):
        pass


def send_once(method, *args):
    """Calls the SDK's `method(*args, runtime)` once, without retries, against the capture
    server. Returns `(request, None)` with the one request the server saw, or `(None, why)`
    when the SDK sent nothing (its exception) or more than one request. An exception after
    the request was sent (the SDK reading the capture's answer) is not a failure."""
    Capture.seen.clear()
    try:
        method(*args, RuntimeOptions(autoretry=False, max_attempts=1))
    except Exception as error:  # recorded; the Rust side reports it
        if not Capture.seen:
            return None, f"{type(error).__name__}: {error}"
    if len(Capture.seen) != 1:
        return None, f"expected one request, the capture server saw {len(Capture.seen)}"
    return Capture.seen[0], None


def versions(packages):
    """Package → installed version, for those of `packages` that are installed."""
    out = {}
    for package in packages:
        try:
            out[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            pass
    return out


def arguments(description, extra=()):
    """The capture scripts' command line: `--metadata`, `--out`, `--actions`, and `extra`
    (`(flag, help)` pairs of required options). Returns the parsed arguments, the metadata
    document, and the actions to capture, sorted."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--metadata", required=True, help="official api-docs JSON file")
    parser.add_argument("--out", required=True, help="where to write the cases (JSON)")
    parser.add_argument("--actions", help="comma-separated subset of actions")
    for flag, help_text in extra:
        parser.add_argument(flag, required=True, help=help_text)
    args = parser.parse_args()
    metadata = json.loads(Path(args.metadata).read_text(encoding="utf-8"))
    apis = metadata.get("apis", {})
    selected = sorted(apis)
    if args.actions:
        wanted = [a for a in args.actions.split(",") if a]
        unknown = [a for a in wanted if a not in apis]
        if unknown:
            parser.error(f"not in the metadata: {', '.join(unknown)}")
        selected = sorted(wanted)
    return args, metadata, selected


def capture_server():
    """The capture server on a free loopback port, serving on a daemon thread."""
    server = HTTPServer(("127.0.0.1", 0), Capture)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def write_cases(args, sdk_versions, cases, missing):
    """Writes the cases file and prints the one-line summary; the exit status (1 when some
    SDK calls failed)."""
    result = {
        "metadata": Path(args.metadata).name,
        "sdk": sdk_versions,
        "cases": cases,
        "missing_in_sdk": missing,
    }
    Path(args.out).write_text(
        json.dumps(result, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    errors = [a for a, c in cases.items() if "error" in c]
    drift = sum(len(c["drift"]) for c in cases.values())
    print(
        f"{result['metadata']}: {len(cases)} operations captured, {drift} drift facts, "
        f"{len(missing)} missing in the SDK, {len(errors)} SDK errors"
        + (f" ({', '.join(errors[:5])})" if errors else ""),
        file=sys.stderr,
    )
    return 1 if errors else 0
