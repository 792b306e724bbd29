"""Every route fuzzed from docs/openapi.yaml against a real server: never a 500 (issue 17).

A jupyter_server with the extension talks to the session's real JupyterHub and to a Saturn Cloud
simulator of this module's own. Hypothesis draws each request from the OpenAPI document: for each
path and query parameter a value of its schema, a live value (a real workspace's id, a real run's
name) or a hostile one (unicode digits, 5,000 digits, control characters, ``..``, ...); for each
body a valid one, the documented fields with any JSON values, unknown fields, any JSON, or broken
bytes. Every answer must have a status the document lists for that operation (never 500); an error
must be ``{"message"}``, a success must match its schema, a stream must be one; no answer may carry
a token.

Hypothesis directly rather than schemathesis: the server runs on the test's own event loop
(pytest-jupyter), the routes that start things need constrained inputs, and the streams a bounded
read; a small schema-to-strategy function over the JSON Schema the document uses is less machinery
than adapting a generic tool to those three, and every request it sends is plain to read here.

Meaningful but harmless: the hub token belongs to a user of its own (``fuzzer``, created here and
deleted afterwards) and is scoped to that user, so the fuzzer's starts and stops reach the hub for
real but cannot touch another test's servers (the hub enforces the scopes, whatever the panel
does). Like ``bob_token`` it may not list users (a plain user cannot hold ``list:users``), so a
user search finds that user only. A start creates servers under two fixed names only (every other
name it sends to start is one JupyterHub 6 refuses), within the hub's limit of three. The
simulator is this module's own.

Two passes per operation: a dictionary pass sends every hostile value once in every parameter and
body field (the others typical), then Hypothesis draws EXAMPLES random requests. Bounded: a fixed
seed (derandomize), a fixed number of examples, no shrinking (a failure shows the request as
sent), streams read for two seconds at most; the whole module takes under a minute.

What the fuzzing found is pinned by the plain regression tests at the end of this file.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import jsonschema
import nbformat
import pytest
import yaml
from conftest import REPO, error_of
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from tornado.httpclient import HTTPClientError

from saturn_cloud_simulator.testing import SATURN_ADMIN_TOKEN, SATURN_USER_TOKEN, start_simulator
from saturn_panel_demo.local_hub import LocalHub

SPEC: dict[str, Any] = yaml.safe_load((REPO / "docs" / "openapi.yaml").read_text(encoding="utf-8"))
METHODS = ("get", "put", "post", "delete", "patch")

FUZZ_USER = "fuzzer"
#: The only names a fuzzed start may create servers under: the default server and two named ones,
#: within the session hub's named_server_limit of 3.
SAFE_NAMES = ("", "fuzz-a", "fuzz-b")
#: Examples per operation; the slow ones (a start waits for the hub's verdict, a stream is read
#: for up to STREAM_SECONDS) get fewer.
EXAMPLES = 40
FEWER_EXAMPLES = {"getEvents": 4, "getHubServerProgress": 16, "startHubServer": 30, "stopHubServer": 30, "refresh": 15}
STREAM_SECONDS = 2.0
NOTEBOOK = "fuzz/report.ipynb"


# -- the document ------------------------------------------------------------------------------
def resolve(node: Any) -> Any:
    """``node`` with every ``$ref`` of the document replaced by what it points at."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = SPEC
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return resolve(target)
        return {key: resolve(value) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(value) for value in node]
    return node


@dataclass(frozen=True)
class Operation:
    """One method of one path of the document, every ``$ref`` resolved."""

    path: str
    method: str
    spec: dict[str, Any]
    parameters: tuple[dict[str, Any], ...]

    @property
    def id(self) -> str:
        return str(self.spec["operationId"])

    @property
    def streams(self) -> bool:
        return "text/event-stream" in self.spec["responses"].get("200", {}).get("content", {})

    @property
    def body_schema(self) -> dict[str, Any] | None:
        body = self.spec.get("requestBody")
        return body["content"]["application/json"]["schema"] if body else None

    @property
    def body_example(self) -> dict[str, Any] | None:
        body = self.spec.get("requestBody")
        return body["content"]["application/json"].get("example") if body else None


def operations() -> list[Operation]:
    """Every operation, in the document's order, except that hub servers are stopped last: the
    progress stream is fuzzed while the servers the starts made still run."""
    found = []
    for path, item in resolve(SPEC["paths"]).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            if method in item:
                op = item[method]
                found.append(Operation(path, method.upper(), op, (*shared, *op.get("parameters", []))))
    return sorted(found, key=lambda op: op.id == "stopHubServer")


OPERATIONS = operations()
ERROR_SCHEMA = resolve(SPEC["components"]["schemas"]["Error"])
SSE_PAYLOADS = {
    "snapshot": {
        "type": "object",
        "required": ["resources"],
        "properties": {"resources": {"type": "array", "items": resolve(SPEC["components"]["schemas"]["Resource"])}},
    },
    "backends": resolve(SPEC["components"]["schemas"]["Config"]),
    "resource": resolve(SPEC["components"]["schemas"]["Resource"]),
    "removed": {"type": "object", "required": ["key"], "properties": {"key": {"type": "string"}}},
}


# -- strategies --------------------------------------------------------------------------------
#: Values that have broken servers before: numbers that are not numbers (unicode digits pass
#: str.isdigit, 5,000 digits pass it too but not int()), path tricks, controls, odd unicode.
NASTY = (
    "",
    " ",
    "0",
    "-1",
    "+1",
    "1.5",
    "1e3",
    "0x1f",
    " 1",
    "1 ",
    "²",
    "٣",
    "１",
    "Ⅻ",
    "½",
    "𝟘",
    "9" * 19,
    "9" * 5000,
    "NaN",
    "inf",
    "true",
    "null",
    ".",
    "..",
    "%",
    "%00",
    "%2F",
    "a/b",
    "a\\b",
    "\x00",
    "\n",
    "\t",
    "\x7f",
    "\u202e",
    "\ufeff",
    "\u0085",
    "é",
    "😀",
    "a" * 256,
    "a" * 2000,
    "--",
    "-a",
    "a-",
    "A",
    "<script>",
    "'",
    '"',
    "*",
    "0 0 30 2 *",
    "@reboot",
    "* * * * * *",
    "9" * 5000 + " * * * *",
    "² * * * *",
    "0 0 ³ * *",
    "1-٣ * * * *",
    "*/0 * * * *",
    "*/99999999999999999999 * * * *",
    "0 0 31 4 *",
    "60 24 32 13 8",
    "0 0 L * *",
    "0 0 * * 5#3",
    "H * * * *",
    "@every 1.5h",
    "@every " + "9" * 5000 + "s",
)
#: JSON only: strings a URL cannot carry (a lone surrogate) and numbers beyond every range.
DEEP: Any = 0
for _ in range(500):
    DEEP = [DEEP]
JSON_ONLY: tuple[Any, ...] = ("\ud800", "a\udfffb", 10**30, -(2**63), 2**64, 1e308, -0.0, DEEP)
#: Bodies that are not what they claim: broken or nested-too-deep JSON, bad UTF-8, huge numbers.
NASTY_BODIES = (
    b"{",
    b"}",
    b'{"a": }',
    b"\xff\xfe\xfd",
    b"\x00",
    b"NaN",
    b"-Infinity",
    b"null",
    b"[]",
    b'"text"',
    b"1" * 5000,
    b"1e999999",
    b'"\\ud800"',
    b"[" * 20000,
    b"[" * 20000 + b"]" * 20000,
    b'{"a":' * 20000,
    b'{"a":' * 500 + b"1" + b"}" * 500,
    b"\xef\xbb\xbf{}",
    b"{}" * 3,
)


def nasty_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(max_size=30),
        st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=4),
    )


def json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),  # NaN and the infinities too: Python's json writes and reads them
        st.text(max_size=20),
        st.sampled_from(NASTY + JSON_ONLY),
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
        max_leaves=8,
    )


def merged(base: dict[str, Any], branch: dict[str, Any]) -> dict[str, Any]:
    """A ``oneOf`` branch with what its parent says besides."""
    out = {**base, **branch}
    if "properties" in base and "properties" in branch:
        out["properties"] = {**base["properties"], **branch["properties"]}
    out["required"] = sorted({*base.get("required", ()), *branch.get("required", ())})
    return out


def mostly(first: st.SearchStrategy[Any], *others: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``first`` half of the time, one of ``others`` the other half."""
    return st.booleans().flatmap(lambda yes: first if yes else st.one_of(others))


def from_schema(schema: dict[str, Any], live: dict[str, list[str]] | None = None) -> st.SearchStrategy[Any]:
    """Values of ``schema``: the subset of JSON Schema the document uses (``not`` is left out,
    so a few values may not be valid: the fuzz needs only that most are). The document's
    ``examples`` come half of the time, and so do ``live`` values of properties of that name."""
    if "examples" in schema:
        rest = {k: v for k, v in schema.items() if k != "examples"}
        return mostly(st.sampled_from(schema["examples"]), from_schema(rest, live))
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for key in ("oneOf", "anyOf"):
        if key in schema:
            base = {k: v for k, v in schema.items() if k not in (key, "not")}
            return st.one_of([from_schema(merged(base, branch), live) for branch in schema[key]])
    kind = schema.get("type") or ("object" if "properties" in schema else None)
    if kind is None:
        return json_values()
    if isinstance(kind, list):
        return st.one_of([from_schema({**schema, "type": k}, live) for k in kind])
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(schema.get("minimum"), schema.get("maximum"))
    if kind == "number":
        return st.integers(min_value=0) | st.floats(schema.get("minimum"), allow_nan=False, allow_infinity=False)
    if kind == "string":
        low, high = schema.get("minLength", 0), schema.get("maxLength", 1000)
        pattern = schema.get("pattern")
        if pattern:
            anchored = pattern.startswith("^") and pattern.endswith("$")
            text = st.from_regex(pattern, fullmatch=anchored)
        else:
            text = st.text(min_size=low, max_size=min(high, 40))
        return text.filter(lambda s: low <= len(s) <= high)
    if kind == "array":
        least = schema.get("minItems", 0)
        return st.lists(from_schema(schema.get("items", {}), live), min_size=least, max_size=max(least, 3))
    live = live or {}
    properties = {
        k: mostly(st.sampled_from(live[k]), from_schema(v, live)) if live.get(k) else from_schema(v, live)
        for k, v in schema.get("properties", {}).items()
    }
    required = [k for k in schema.get("required", ()) if k in properties]
    fixed = st.fixed_dictionaries(
        {k: properties[k] for k in required},
        optional={k: v for k, v in properties.items() if k not in required},
    )
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        names = schema.get("propertyNames", {}).get("pattern")
        keys = st.from_regex(names, fullmatch=True) if names else st.text(max_size=10)
        more = st.dictionaries(keys, from_schema(extra, live), max_size=3)
        return st.tuples(fixed, more).map(lambda pair: {**pair[1], **pair[0]})
    return fixed


def as_text(value: Any) -> str:
    """A parameter value as it travels in a URL."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def creatable(name: str) -> bool:
    """A name JupyterHub 6 would create a new named server under."""
    return bool(re.fullmatch(r"[a-z](?:[a-z0-9-]{0,28}[a-z0-9])?", name)) and "--" not in name


def real_values(op: Operation, param: dict[str, Any], live: dict[str, list[str]]) -> list[str]:
    if param["name"] == "id":  # a workspace's id for a workspace's route, a job's for a job's
        return live["workspace"] if "/workspaces/" in op.path else live["job"]
    return live.get(param["name"]) or []


def allowed_empty(param: dict[str, Any]) -> bool:
    """Whether the parameter may be "" (else an empty path segment is another URL, not this route)."""
    schema = param["schema"]
    return param["in"] != "path" or (schema.get("minLength", 0) == 0 and bool(re.search(schema.get("pattern", ""), "")))


def parameter_values(op: Operation, param: dict[str, Any], live: dict[str, list[str]]) -> st.SearchStrategy[str]:
    schema = param["schema"]
    values = st.one_of(from_schema(schema).map(as_text), nasty_text())
    real = real_values(op, param, live)
    if real:
        values = mostly(st.sampled_from(real), values)  # real ones half of the time: the fuzz gets deep
    if not allowed_empty(param):
        values = values.filter(bool)
    if op.id == "startHubServer" and param["name"] == "name":
        # Servers are created under SAFE_NAMES only: anything else sent is a name the hub refuses.
        values = st.sampled_from(SAFE_NAMES) | values.filter(lambda s: not creatable(s))
    return values


def body_values(schema: dict[str, Any], live: dict[str, list[str]]) -> st.SearchStrategy[bytes | None]:
    fields = schema.get("properties", {})
    dumps = lambda value: json.dumps(value).encode()  # noqa: E731
    return mostly(
        from_schema(schema, live).map(dumps),  # half of the bodies are valid: the fuzz gets deep
        st.none(),
        st.fixed_dictionaries({}, optional={k: json_values() for k in fields}).map(dumps),
        st.fixed_dictionaries({}, optional={k: from_schema(v) | json_values() for k, v in fields.items()}).map(dumps),
        st.dictionaries(nasty_text(), json_values(), min_size=1, max_size=3).map(dumps),
        json_values().map(dumps),
        st.sampled_from(NASTY_BODIES),
        st.binary(max_size=40),
    )


#: JSON values every body field gets once in the dictionary pass.
FIELD_VALUES: tuple[Any, ...] = (*NASTY, *JSON_ONLY, None, True, 0, -1, 1.5, float("nan"), float("inf"))
FIELD_VALUES += ([], {}, [1], {"a": 1})


def dictionary(op: Operation, live: dict[str, list[str]]) -> Iterator[Request]:
    """Every hostile value once in every parameter and body field, the rest typical (a real
    value, the document's example), then every broken body: what a random draw of a few dozen
    requests would seldom hit (a 5,000-digit number in one query argument, say)."""
    typical = {}
    for param in op.parameters:
        real = real_values(op, param, live)
        if real or param["in"] == "path" or param.get("required"):
            typical[param["name"]] = real[0] if real else as_text(param["schema"].get("default", ""))
    body = op.body_example
    if body is not None and "path" in body:
        body = {**body, "path": live["path"][0]}
    raw = None if body is None else json.dumps(body).encode()
    for param in op.parameters:
        for value in NASTY:
            if (value or allowed_empty(param)) and not (op.id == "startHubServer" and creatable(value)):
                yield build(op, {**typical, param["name"]: value}, raw)
    if body is not None:
        for field in (op.body_schema or {}).get("properties", {}):
            for value in FIELD_VALUES:
                yield build(op, typical, json.dumps({**body, field: value}).encode())
        for broken in NASTY_BODIES:
            yield build(op, typical, broken)


def build(
    op: Operation, values: dict[str, str], body: bytes | None, extra: tuple[tuple[str, str], ...] = ()
) -> Request:
    """The request of ``op`` with these parameter values (query ones in the order given)."""
    path = op.path
    query = []
    for param in op.parameters:
        if param["name"] not in values:
            continue
        if param["in"] == "path":
            path = path.replace("{" + param["name"] + "}", segment(values[param["name"]]))
        else:
            query.append((param["name"], values[param["name"]]))
    return Request(op.method, path, (*query, *extra), body)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    body: bytes | None

    def url(self, base: str) -> str:
        query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in self.query)
        return base + self.path + (f"?{query}" if query else "")

    def __repr__(self) -> str:
        body = "" if self.body is None else f" body={self.body[:300]!r}" + ("..." if len(self.body) > 300 else "")
        query = "&".join(f"{k}={v[:60]!r}" for k, v in self.query)
        return f"{self.method} {self.path[:300]}{'?' + query if query else ''}{body}"


def segment(value: str) -> str:
    """A path parameter as one URL segment: every byte quoted, dots too (or a client would
    resolve ``..`` away before the server sees it)."""
    return quote(value, safe="").replace(".", "%2E")


def requests(op: Operation, live: dict[str, list[str]]) -> st.SearchStrategy[Request]:
    in_path = {p["name"]: parameter_values(op, p, live) for p in op.parameters if p["in"] == "path"}
    in_query = {p["name"]: parameter_values(op, p, live) for p in op.parameters if p["in"] == "query"}
    required = {name for name in in_query if any(p["name"] == name and p.get("required") for p in op.parameters)}
    unknown = st.lists(st.tuples(nasty_text().filter(lambda k: k not in in_query), nasty_text()), max_size=1)
    body = body_values(op.body_schema, live) if op.body_schema is not None else st.none()

    @st.composite
    def request(draw: st.DrawFn) -> Request:
        values = draw(st.fixed_dictionaries(in_path))
        values.update(
            draw(
                st.fixed_dictionaries(
                    {k: v for k, v in in_query.items() if k in required},
                    optional={k: v for k, v in in_query.items() if k not in required},
                )
            )
        )
        return build(op, values, draw(body), tuple(draw(unknown)))

    return request()


# -- sending and checking ----------------------------------------------------------------------
@dataclass
class Answer:
    status: int
    content_type: str
    text: str


def send(client: httpx.Client, base: str, op: Operation, request: Request) -> Answer:
    headers = {"Content-Type": "application/json"} if request.body is not None else {}
    if not op.streams:
        response = client.request(request.method, request.url(base), content=request.body, headers=headers)
        return Answer(response.status_code, response.headers.get("content-type", ""), response.text)
    timeout = httpx.Timeout(30.0, read=STREAM_SECONDS)
    with client.stream(request.method, request.url(base), headers=headers, timeout=timeout) as response:
        lines: list[str] = []
        deadline = time.monotonic() + STREAM_SECONDS
        try:
            for line in response.iter_lines():
                lines.append(line)
                if time.monotonic() > deadline or (op.id == "getEvents" and _has_backends(lines)):
                    break
        except httpx.ReadTimeout:
            pass  # nothing more within the bound: enough read
        return Answer(response.status_code, response.headers.get("content-type", ""), "\n".join(lines) + "\n")


def _has_backends(lines: list[str]) -> bool:
    return any(a == "event: backends" and b.startswith("data: ") for a, b in zip(lines, lines[1:]))


def sse_events(text: str) -> Iterator[tuple[str, str]]:
    """``(event, data)`` of every complete event in a text/event-stream (comments left out)."""
    event, data = "message", []
    for line in text.split("\n"):
        if line == "":
            if data:
                yield event, "\n".join(data)
            event, data = "message", []
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))


def check(op: Operation, request: Request, answer: Answer, secrets: tuple[str, ...]) -> None:
    where = f"{request!r}\n  -> {answer.status} {answer.content_type}: {answer.text[:600]}"
    assert answer.status < 500 or str(answer.status) in op.spec["responses"], f"a server error: {where}"
    assert str(answer.status) in op.spec["responses"], f"a status the document does not list: {where}"
    for secret in secrets:
        assert secret not in answer.text, f"a token in the answer: {where}"
    documented = op.spec["responses"][str(answer.status)]
    content = documented.get("content", {})
    if "application/json" in content:
        assert answer.content_type.startswith("application/json"), f"not JSON: {where}"
        try:
            payload = json.loads(answer.text)
        except ValueError:
            raise AssertionError(f"a body that is not JSON: {where}") from None
        schema = content["application/json"]["schema"]
        try:
            jsonschema.validate(payload, schema, cls=jsonschema.Draft202012Validator)
        except jsonschema.ValidationError as exc:
            raise AssertionError(
                f"does not match the document ({exc.message} at {list(exc.absolute_path)}): {where}"
            ) from None
        if answer.status >= 400:
            assert schema == ERROR_SCHEMA, f"an error answer without the Error schema: {op.id} {answer.status}"
    elif "text/event-stream" in content:
        if answer.text.strip():  # the hub may end a relayed stream before its first line
            assert answer.content_type.startswith("text/event-stream"), f"not a stream: {where}"
        for event, data in sse_events(answer.text):
            if op.id == "getEvents":
                assert event in SSE_PAYLOADS, f"an event the document does not name: {where}"
                try:
                    jsonschema.validate(json.loads(data), SSE_PAYLOADS[event], cls=jsonschema.Draft202012Validator)
                except jsonschema.ValidationError as exc:
                    raise AssertionError(
                        f"event {event} does not match the document ({exc.message}): {where}"
                    ) from None
            else:
                assert isinstance(json.loads(data), dict), f"a progress event that is not a JSON object: {where}"
    else:
        raise AssertionError(f"the document gives no content for {op.id} {answer.status}")


def fuzz(
    op: Operation, base: str, headers: dict[str, str], live: dict[str, list[str]], secrets: tuple[str, ...]
) -> Counter[int]:
    """Send the operation's examples and check every answer; returns how many of each status."""
    statuses: Counter[int] = Counter()
    with httpx.Client(headers=headers, timeout=30.0) as client:

        def attempt(request: Request) -> None:
            answer = send(client, base, op, request)
            statuses[answer.status] += 1
            check(op, request, answer, secrets)

        for request in dictionary(op, live):
            attempt(request)

        @settings(
            max_examples=FEWER_EXAMPLES.get(op.id, EXAMPLES),
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
        )
        @given(requests(op, live))
        def run(request: Request) -> None:
            attempt(request)

        run()
    return statuses


# -- the servers -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def simulator() -> Any:
    sim = start_simulator(start_delay=1.0, min_status_interval=0.2)
    yield sim
    sim.close()


def remove_hub_user(hub: LocalHub, user: str, timeout: float = 60.0) -> None:
    """Stop and delete every server of ``user``, then the user (the hub's admin token)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, model = hub.api("GET", f"users/{user}?include_stopped_servers=1")
        if status == 404:
            return
        servers = model.get("servers") or {}
        busy = False
        for name, server in servers.items():
            path = f"users/{user}/servers/{name}" if name else f"users/{user}/server"
            if server.get("pending"):
                busy = True
            elif server.get("ready") or name:
                hub.api("DELETE", path, {"remove": True} if name else None)
                busy = True
        if not busy:
            status, _ = hub.api("DELETE", f"users/{user}")
            if status in (204, 404):
                return
        time.sleep(0.3)
    raise RuntimeError(f"could not remove the hub user {user}: {hub.api('GET', f'users/{user}')}")


@pytest.fixture(scope="module")
def fuzz_token(local_hub: LocalHub) -> Iterator[str]:
    """A hub user of the fuzzer's own, and a token scoped to that user alone."""
    status, reply = local_hub.api("POST", f"users/{FUZZ_USER}")
    assert status in (201, 409), reply
    only = f"!user={FUZZ_USER}"
    scopes = [f"{s}{only}" for s in ("read:users", "read:servers", "servers")]
    yield local_hub.create_token(FUZZ_USER, scopes, note="fuzz")
    remove_hub_user(local_hub, FUZZ_USER)


@pytest.fixture
def panel_config(local_hub: LocalHub, simulator: Any, fuzz_token: str) -> dict[str, Any]:
    return {
        "hub_api_url": local_hub.api_url,
        "hub_api_token": fuzz_token,
        "hub_public_url": local_hub.public_url,
        "hub_poll_interval": 1.0,
        "hub_stopping_poll_interval": 0.3,
        "accept_wait": 0.5,
        "request_timeout": 10.0,
        "saturn_url": simulator.url,
        "saturn_token": SATURN_USER_TOKEN,
        "saturn_admin_token": SATURN_ADMIN_TOKEN,
        "saturn_min_poll_interval": 0.2,
    }


@pytest.fixture
def notebook(jp_root_dir: Any) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("answer = 42")]
    (jp_root_dir / "fuzz").mkdir()
    nbformat.write(nb, jp_root_dir / NOTEBOOK)
    return NOTEBOOK


def live_values(base: str, headers: dict[str, str]) -> dict[str, list[str]]:
    """Real values for path and query parameters and body fields, from the panel's own state; a
    notebook job (whose runs have an output to save) is made once."""
    with httpx.Client(headers=headers, timeout=30.0) as client:
        resources = client.get(f"{base}/resources").json()["resources"]
        jobs = [r for r in resources if r["backend"] == "saturn" and r["kind"] == "job"]
        if not any(job["details"].get("notebook") for job in jobs):
            made = client.post(f"{base}/saturn/notebook-jobs", json={"path": NOTEBOOK})
            assert made.status_code == 202, made.text
            jobs.append(made.json())
    jobs.sort(key=lambda job: (not job["details"].get("notebook"), job["id"]))
    return {
        "user": [FUZZ_USER, "alice", "nobody-here"],
        "name": [*SAFE_NAMES, "never-made"],
        "workspace": sorted(r["id"] for r in resources if r["backend"] == "saturn" and r["kind"] == "workspace"),
        "job": [job["id"] for job in jobs],
        "run": [run["name"] for job in jobs for run in job["details"]["runs"]][:20],
        "path": [NOTEBOOK, "missing.ipynb"],
    }


@pytest.mark.parametrize("op", OPERATIONS, ids=[op.id for op in OPERATIONS])
async def test_every_answer_is_documented_and_none_is_a_500(
    op: Operation,
    jp_fetch: Any,
    jp_http_port: int,
    jp_base_url: str,
    jp_auth_header: dict[str, str],
    notebook: str,
    fuzz_token: str,
) -> None:
    await jp_fetch("saturn-panel", "config")  # the server is up
    base = f"http://localhost:{jp_http_port}{jp_base_url}saturn-panel"
    headers = dict(jp_auth_header)
    live = await asyncio.to_thread(live_values, base, headers)
    assert live["workspace"] and live["job"] and live["run"], live  # the fuzz reaches real resources
    secrets = (fuzz_token, SATURN_USER_TOKEN, SATURN_ADMIN_TOKEN)
    statuses = await asyncio.to_thread(fuzz, op, base, headers, live, secrets)
    print(f"{op.method} {op.path}: {dict(sorted(statuses.items()))}")


# -- what the fuzzing found, pinned ------------------------------------------------------------
async def expect_400(call: Any) -> dict[str, Any]:
    with pytest.raises(HTTPClientError) as info:
        await call
    status, payload = error_of(info.value)
    assert status == 400, payload
    assert payload["message"]
    return payload


#: Numbers that are not (ASCII, bounded) numbers: '²'.isdigit() is True but int('²') raises, '٣'
#: and '１' are digits int() reads, and int() refuses more than 4,300 digits (a 500 before).
NOT_NUMBERS = {
    "superscript": "²",
    "arabic-indic": "٣",
    "fullwidth": "１",
    "5000-digits": "9" * 5000,
    "19-digits": "9" * 19,
    "negative": "-1",
    "fraction": "1.5",
    "empty": "",
}


@pytest.mark.parametrize("value", NOT_NUMBERS.values(), ids=NOT_NUMBERS.keys())
async def test_a_number_that_is_not_one_is_a_400_in_every_query(jp_fetch: Any, value: str) -> None:
    job = "0" * 32  # checked before anything goes upstream
    await expect_400(jp_fetch("saturn-panel", "resources", params={"since": value, "epoch": "ab"}))
    await expect_400(jp_fetch("saturn-panel", "hub", "users", params={"offset": value}))
    await expect_400(jp_fetch("saturn-panel", "hub", "users", params={"limit": value}))
    await expect_400(jp_fetch("saturn-panel", "saturn", "jobs", job, "logs", params={"run": "a-run", "since": value}))


@pytest.mark.parametrize(
    "raw",
    [b"[" * 20000, b'{"a":' * 20000, b'{"userOptions": ' + b"[" * 500 + b"]" * 500 + b"}"],
    ids=["unclosed-arrays", "unclosed-objects", "500-deep"],
)
async def test_a_body_nested_too_deep_is_a_400(jp_fetch: Any, raw: bytes) -> None:
    # json.loads raised RecursionError (a 500); a body that parses but nests deeper than anything
    # the panel takes would hit it again when it is sent upstream.
    payload = await expect_400(jp_fetch("saturn-panel", "hub", "servers", FUZZ_USER, "fuzz-a", method="POST", body=raw))
    assert "levels deep" in payload["message"] or "not valid JSON" in payload["message"]
    await expect_400(jp_fetch("saturn-panel", "saturn", "schedule-preview", method="POST", body=raw))


async def test_bytes_that_are_not_utf8_in_a_path_or_query_are_a_400(
    jp_http_port: int, jp_base_url: str, jp_auth_header: dict[str, str], jp_fetch: Any
) -> None:
    await jp_fetch("saturn-panel", "config")
    base = f"http://localhost:{jp_http_port}{jp_base_url}saturn-panel"
    async with httpx.AsyncClient(headers=jp_auth_header) as client:
        for method, path in (("GET", "/hub/users?search=%FF"), ("POST", "/saturn/workspaces/%FF%FE/start")):
            response = await client.request(method, base + path)
            assert response.status_code == 400, response.text
            assert response.json()["message"]


@pytest.mark.parametrize("schedule", ["9" * 5000 + " * * * *", "@every " + "9" * 5000 + "s"], ids=["field", "every"])
async def test_a_cron_number_of_5000_digits_is_a_400(jp_fetch: Any, schedule: str) -> None:
    # int() of the cron field raised ValueError (a 500) in saturn/schedules.py, here and wherever a
    # schedule comes in.
    job = "0" * 32
    body = json.dumps({"schedule": schedule})
    await expect_400(jp_fetch("saturn-panel", "saturn", "schedule-preview", method="POST", body=body))
    await expect_400(jp_fetch("saturn-panel", "saturn", "jobs", job, "schedule", method="POST", body=body))
    notebook_job = json.dumps({"path": "missing.ipynb", "schedule": schedule})
    await expect_400(jp_fetch("saturn-panel", "saturn", "notebook-jobs", method="POST", body=notebook_job))


async def test_every_route_answers_a_stranger_403_with_a_message(
    jp_http_port: int, jp_base_url: str, jp_fetch: Any
) -> None:
    """Not logged in: the document's 403, as ``{"message"}`` like every other error."""
    await jp_fetch("saturn-panel", "config")
    base = f"http://localhost:{jp_http_port}{jp_base_url}saturn-panel"
    values = {"user": FUZZ_USER, "name": "", "id": "0" * 32, "run": "a-run"}
    async with httpx.AsyncClient() as client:
        for op in OPERATIONS:
            path = op.path.format(**values)
            response = await client.request(op.method, base + path, content=b"{}" if op.method == "POST" else None)
            assert response.status_code == 403, (op.id, response.status_code, response.text[:200])
            jsonschema.validate(response.json(), ERROR_SCHEMA)
