"""docs/openapi.yaml, docs/rest-api.md and handlers.route_table() describe one API (issue 17).

The OpenAPI document is what tests/test_fuzz_routes.py checks every answer against; these tests
keep it honest without a server: it is valid OpenAPI 3.1, it has exactly the routes and methods the
extension serves, every operation lists the contract's error statuses where they can happen, and
docs/rest-api.md's table of routes names the same routes with the same success statuses.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from conftest import REPO
from openapi_spec_validator import validate
from tornado import web

from jupyterlab_saturn_panel.handlers import NAMESPACE, route_table

SPEC: dict[str, Any] = yaml.safe_load((REPO / "docs" / "openapi.yaml").read_text(encoding="utf-8"))
REST_API = (REPO / "docs" / "rest-api.md").read_text(encoding="utf-8")
METHODS = ("get", "put", "post", "delete", "patch")
#: The contract's error statuses (docs/rest-api.md, errors.py): whose fault it is.
ERRORS = {"400", "403", "404", "409", "502", "503", "504"}
#: Route groups named differently in the code than in the document.
PARAMETER_NAMES = {"resource_id": "id"}
#: Routes under hub/ or saturn/ that are answered without asking the upstream.
LOCAL = {"/saturn/schedule-preview"}


def document_operations() -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): op
        for path, item in SPEC["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }


def served_operations() -> set[tuple[str, str]]:
    """(method, path) of every route_table() route, in the document's spelling: named groups as
    ``{name}``, an alternation of literals (``(?P<action>start|stop)``) as one path per literal."""
    served = set()
    for pattern, handler in route_table():
        assert pattern.startswith(f"{NAMESPACE}/"), pattern
        path = pattern[len(NAMESPACE) :]
        path = re.sub(r"\(\?P<(\w+)>\[\^/\][+*]\)", lambda m: "{" + PARAMETER_NAMES.get(m[1], m[1]) + "}", path)
        choice = re.search(r"\(\?P<\w+>([\w|-]+)\)", path)
        paths = (
            [path[: choice.start()] + word + path[choice.end() :] for word in choice[1].split("|")]
            if choice
            else [path]
        )
        assert not any("(" in p for p in paths), f"a route this test cannot read: {pattern}"
        methods = [m.upper() for m in METHODS if getattr(handler, m) is not getattr(web.RequestHandler, m)]
        assert methods, f"{handler.__name__} serves no method"
        served |= {(method, p) for p in paths for method in methods}
    return served


def test_the_document_is_valid_openapi_3_1() -> None:
    validate(SPEC)
    assert SPEC["openapi"].startswith("3.1")


def test_every_route_and_method_is_documented_and_nothing_else() -> None:
    served, documented = served_operations(), set(document_operations())
    assert not served - documented, f"served but not in docs/openapi.yaml: {sorted(served - documented)}"
    assert not documented - served, f"in docs/openapi.yaml but not served: {sorted(documented - served)}"


def expected_errors(method: str, path: str, op: dict[str, Any], shared: list[Any]) -> set[str]:
    """The contract's error statuses that can happen on this operation."""
    expected = {"403"}  # every route: a stranger, or a user a JupyterHub server is shared with
    if op.get("parameters") or shared or op.get("requestBody"):
        expected.add("400")  # input to check
    upstream = path.startswith(("/hub/", "/saturn/")) and path not in LOCAL
    if upstream:
        expected |= {"502", "503", "504"}  # the upstream refuses, is not there, or hangs
        if "{" in path:
            expected.add("404")  # it does not know the resource named in the path
        if method in ("POST", "DELETE"):
            expected.add("409")  # the resource's state does not allow it now
    return expected


@pytest.mark.parametrize(("method", "path"), sorted(document_operations()), ids=lambda v: str(v))
def test_each_operation_lists_the_contract_statuses_that_apply(method: str, path: str) -> None:
    op = document_operations()[(method, path)]
    shared = SPEC["paths"][path].get("parameters", [])
    statuses = set(op["responses"])
    missing = expected_errors(method, path, op, shared) - statuses
    assert not missing, f"{method} {path} does not list {sorted(missing)}"
    successes = [s for s in statuses if s.startswith("2")]
    assert len(successes) == 1, f"{method} {path}: one success status, not {successes}"
    assert statuses - set(successes) <= ERRORS, f"{method} {path}: statuses outside the contract"
    assert "500" not in statuses
    for status in statuses - set(successes):
        ref = op["responses"][status].get("$ref", "")
        assert ref.startswith("#/components/responses/"), f"{method} {path} {status}: not a shared error"
        response = SPEC["components"]["responses"][ref.rsplit("/", 1)[-1]]
        assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert op["operationId"]


def test_operation_ids_are_unique() -> None:
    ids = [op["operationId"] for op in document_operations().values()]
    assert len(ids) == len(set(ids))


def rest_api_routes() -> dict[tuple[str, str], str]:
    """(method, path) -> success status, from the table under "## Routes" in docs/rest-api.md."""
    table = REST_API.split("## Routes", 1)[1].split("\n## ", 1)[0]
    routes = {}
    for line in table.splitlines():
        row = re.match(r"^\| (GET|POST|PUT|PATCH|DELETE) \| (.+?) \| (.*) \|$", line)
        if not row:
            continue
        method, cell, answer = row.groups()
        named = re.findall(r"`([^`]+)`", cell)
        paths = []
        for text in named:
            text = re.split(r"[?\[]", text, maxsplit=1)[0]
            if text.startswith("/") and paths:  # "`saturn/workspaces/{id}/start` and `/stop`"
                text = paths[-1].rsplit("/", 1)[0][1:] + text
            paths.append("/" + text)
        status = re.match(r"(\d{3}) ", answer)
        for path in paths:
            routes[(method, path)] = status[1] if status else "200"
    return routes


def test_rest_api_md_names_the_same_routes_with_the_same_success_status() -> None:
    prose = rest_api_routes()
    documented = document_operations()
    assert set(prose) == set(documented), (
        f"only in rest-api.md: {sorted(set(prose) - set(documented))};"
        f" only in openapi.yaml: {sorted(set(documented) - set(prose))}"
    )
    for key, status in prose.items():
        successes = [s for s in documented[key]["responses"] if s.startswith("2")]
        assert successes == [status], f"{key}: rest-api.md says {status}, openapi.yaml {successes}"


def test_rest_api_md_links_the_document_and_both_name_the_same_error_statuses() -> None:
    assert "](openapi.yaml)" in REST_API
    named = set(re.findall(r"\b(4\d\d|5\d\d) [a-z]", REST_API.split("## Resource", 1)[0]))
    assert named == ERRORS, named
    assert set(re.findall(r"\b(4\d\d|5\d\d) [a-z]", SPEC["info"]["description"])) == ERRORS
