#!/usr/bin/env python3
"""Writes runtime/testdata/encoding/cases.json: inputs and the parameter pairs the official
Python Tea SDK (alibabacloud-tea-openapi, as alibabacloud-live20161101 drives it) puts on
the wire for them. runtime/tests/encoding_vectors.rs feeds the same inputs through the Rust
encoder and compares.

The expected pairs are computed by the SDK's own helpers, the way each generated
`*_with_options` method calls them:

- `style: json` parameters: `Utils.array_to_string_with_specified_style(v, name, 'json')`;
- `style: simple` lists: `Utils.array_to_string_with_specified_style(v, name, 'simple')`;
- everything else is put in the query / body dict as is;
- then the query dict goes through `Utils.query` (its `_object_handler` flattening:
  `Name.1`, `Name.Key`, nested), and the body dict through `Utils.parse_to_map` and
  `Utils.query` likewise, with `Utils.to_form` giving the exact V3 form body text.

One documented deviation: the Python SDK writes a boolean leaf with `str()`, i.e. `True`
/ `False`; the Java, Go and TypeScript Tea SDKs (and JSON) write `true` / `false`, which is
what the Rust runtime sends (the service accepts both). So booleans outside `json`-style
values are handed to the SDK as the strings "true"/"false"; `python_raw_query` records what
the Python SDK itself would have sent for the cases that contain one.

How to run (from the repository root; PyPI access only):

    python3 -m venv target/pyvenv-sign
    target/pyvenv-sign/bin/pip install -r runtime/testdata/signing/requirements.txt
    target/pyvenv-sign/bin/python runtime/testdata/encoding/make_cases.py
"""

import copy
import json
import os

from alibabacloud_tea_openapi.utils import Utils

HERE = os.path.dirname(os.path.abspath(__file__))

S = {"type": "string"}
I = {"type": "integer"}
N = {"type": "number"}
B = {"type": "boolean"}
ANY = {"type": "any"}


def lst(item, **bounds):
    return {"type": "list", "item": item, **bounds}


def obj(*fields):
    return {"type": "object", "fields": [
        {"name": f[0], "shape": f[1], "required": len(f) > 2 and f[2]} for f in fields]}


def mp(value):
    return {"type": "map", "value": value}


def q(name, shape, style="simple", required=False):
    return {"name": name, "location": "query", "style": style, "shape": shape,
            "required": required}


def body(name, shape, style="simple", required=False):
    return {**q(name, shape, style, required), "location": "body"}


TAG = obj(("Key", S, True), ("Value", S))

CASES = [
    ("scalars", "GET", [q("RegionId", S), q("PageSize", I), q("Delay", N), q("Ratio", N),
                        q("Big", N), q("Tiny", N), q("SSLStatus", B), q("Lazy", B),
                        q("Name", S), q("Negative", I)],
     {"RegionId": "cn-shanghai", "PageSize": 30, "Delay": 1.0, "Ratio": 0.5, "Big": 1e16,
      "Tiny": 1e-05, "SSLStatus": True, "Lazy": False, "Name": "直播 a+b&c=d %20*~",
      "Negative": -7}),
    ("float-forms", "GET", [q("A", N), q("B", N), q("C", N), q("D", N), q("E", N), q("F", N)],
     {"A": 123.456, "B": 0.1, "C": 100.0, "D": 0.0001, "E": 2.5e-7, "F": 12345678901234567890.0}),
    ("absent-and-null", "GET", [q("A", S), q("B", S), q("C", I)],
     {"A": "x", "B": None}),
    ("simple-list", "GET", [q("Administrators", lst(S), "simple")],
     {"Administrators": ["u1", "u 2", "中"]}),
    ("simple-list-empty", "GET", [q("Administrators", lst(S), "simple")],
     {"Administrators": []}),
    ("simple-list-of-integers", "GET", [q("Ids", lst(I), "simple")], {"Ids": [3, 1, 2]}),
    ("repeat-list-strings", "GET", [q("ResourceId", lst(S), "repeatList")],
     {"ResourceId": ["a.example.com", "b.example.com", "c"]}),
    ("repeat-list-integers", "GET", [q("CreateTimestampList", lst(I), "repeatList")],
     {"CreateTimestampList": [1700000000000, 1700000001000]}),
    ("repeat-list-empty", "GET", [q("ResourceId", lst(S), "repeatList")], {"ResourceId": []}),
    ("repeat-list-objects", "POST", [q("DomainName", S), q("Tag", lst(TAG), "repeatList")],
     {"DomainName": "example.com",
      "Tag": [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": None},
              {"Key": "k3", "Value": "v 3"}]}),
    ("ten-plus-items", "GET", [q("Domain", lst(S), "repeatList")],
     {"Domain": ["d%d" % i for i in range(1, 13)]}),
    ("nested", "GET", [q("Rule", lst(obj(("Ids", lst(I)), ("Sub", obj(("On", B), ("Name", S))),
                                         ("Tags", lst(TAG)))), "repeatList")],
     {"Rule": [{"Ids": [1, 2], "Sub": {"On": True, "Name": "n"},
                "Tags": [{"Key": "a", "Value": "b"}]},
               {"Ids": [], "Sub": {"On": False}}]}),
    ("flat-object-and-map", "GET", [q("Config", obj(("Mode", S), ("Level", I)), "flat"),
                                    q("Labels", mp(S), "flat")],
     {"Config": {"Mode": "fast", "Level": 3}, "Labels": {"zeta": "1", "alpha": "2"}}),
    ("simple-object", "GET", [q("Config", obj(("Mode", S), ("Level", I)), "simple")],
     {"Config": {"Mode": "fast", "Level": 3}}),
    ("json-numbers", "GET", [q("PositionNormalized", lst(N), "json")],
     {"PositionNormalized": [0.1, 0.5, 1.0, 2, 1e16]}),
    ("json-objects", "GET",
     [q("MultiStreamURL", lst(obj(("URL", S), ("IsAliCdn", B))), "json")],
     {"MultiStreamURL": [{"URL": "rtmp://a/b?c=d&e=f", "IsAliCdn": True},
                         {"URL": "直播/\"quoted\"\\\n\t\u0001", "IsAliCdn": False}]}),
    ("json-strings", "GET", [q("SourceUrls", lst(S), "json")],
     {"SourceUrls": ["rtmp://x/y", "http://z/中 文"]}),
    ("json-object-nested", "GET",
     [q("SubscribeParams", obj(("UserIds", lst(S)), ("Layout", obj(("Width", I), ("Ratio", N))),
                               ("Extra", ANY)), "json")],
     {"SubscribeParams": {"UserIds": ["u1"], "Layout": {"Width": 1280, "Ratio": 0.75},
                          "Extra": {"z": None, "a": [True, 1.5, "s"]}}}),
    ("json-map", "GET", [q("AppConfig", mp(S), "json")],
     {"AppConfig": {"zKey": "1", "aKey": "值"}}),
    ("json-empty", "GET", [q("L", lst(S), "json"), q("M", mp(S), "json")], {"L": [], "M": {}}),
    ("form-body", "POST",
     [q("RegionId", S), body("AppId", S, required=True), body("SortType", I),
      body("BroadCastStatistics", B), body("MuteUserList", lst(S), "simple"),
      body("AppConfig", mp(S), "json"), body("Text", S), body("Tag", lst(TAG), "repeatList")],
     {"RegionId": "cn-shanghai", "AppId": "app-1", "SortType": 2, "BroadCastStatistics": True,
      "MuteUserList": ["u1", "u2"], "AppConfig": {"b": "2", "a": "1 1"},
      "Text": "a b+c*~/=&%中🎥", "Tag": [{"Key": "k", "Value": "v"}]}),
]


def lowercase_bools(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [lowercase_bools(v) for v in value]
    if isinstance(value, dict):
        return {k: lowercase_bools(v) for k, v in value.items()}
    return value


def sdk_dicts(params, values, fix_bools):
    query, form = {}, {}
    for p in params:
        value = values.get(p["name"])
        if value is None:
            continue
        if p["style"] != "json" and fix_bools:
            value = lowercase_bools(value)
        if p["style"] == "json":
            value = Utils.array_to_string_with_specified_style(value, p["name"], "json")
        elif p["style"] == "simple" and isinstance(value, list):
            value = Utils.array_to_string_with_specified_style(value, p["name"], "simple")
        (query if p["location"] == "query" else form)[p["name"]] = value
    return query, form


def contains_bool(value):
    if isinstance(value, bool):
        return True
    if isinstance(value, list):
        return any(contains_bool(v) for v in value)
    if isinstance(value, dict):
        return any(contains_bool(v) for v in value.values())
    return False


def main():
    out = []
    for name, method, params, values in CASES:
        query, form = sdk_dicts(params, copy.deepcopy(values), True)
        flat_query = Utils.query(query)
        flat_body = Utils.query(Utils.parse_to_map(form)) if form else {}
        case = {
            "name": name,
            "method": method,
            "params": params,
            "input": values,
            "query": [[k, v] for k, v in flat_query.items()],
            "body": [[k, v] for k, v in flat_body.items()],
            "form_body": Utils.to_form(Utils.parse_to_map(form)) if form else "",
        }
        non_json = {p["name"]: values.get(p["name"]) for p in params if p["style"] != "json"}
        if contains_bool(non_json):
            raw_query, _ = sdk_dicts(params, copy.deepcopy(values), False)
            case["python_raw_query"] = [[k, v] for k, v in Utils.query(raw_query).items()]
        out.append(case)
    with open(os.path.join(HERE, "cases.json"), "w", encoding="utf-8", newline="") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(out)} cases")


if __name__ == "__main__":
    main()
