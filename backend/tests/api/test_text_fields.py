"""Every text field of every request model refuses control characters and lone surrogates: a 422
naming the field, never a 500, and nothing stored. Property-based over fields × characters, on a
real server and database (a NUL used to reach PostgreSQL and fail there: 500 or a stuck writer).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from induction_sim.machine.recipe import builtin_recipes
from induction_sim.textfields import CONTROL_CHARACTERS
from server_process import server_database, serving

pytestmark = pytest.mark.db

RECIPE: dict[str, Any] = {
    **builtin_recipes()["1045-shaft-scan"].model_dump(mode="json"),
    "name": "text-field-recipe",
    "description": "a recipe for the text field test",
    "part_number": "TF-1",
}
SCENARIO: dict[str, Any] = {
    "name": "text-field-scenario",
    "description": "a scenario for the text field test",
    "recipes": [{"recipe": "1045-shaft-scan"}, {"recipe": RECIPE}],
    "faults": [{"fault": "ground_fault", "severity": 0.5, "at_s": 10}],
    "impairments": [{"signal": "quench_temp_c", "kind": "drift", "magnitude": 0.1}],
}


@dataclass(frozen=True)
class TextField:
    """One text field: where it is sent, a valid body, the path to it, whether it is free text."""

    method: str
    url: str
    body: dict[str, Any]
    path: tuple[str | int, ...]
    free_text: bool = False

    def body_with(self, value: str) -> dict[str, Any]:
        body = json.loads(json.dumps(self.body))
        target = body
        for key in self.path[:-1]:
            target = target[key]
        target[self.path[-1]] = value
        return body

    def valid_value(self) -> str:
        target: Any = self.body
        for key in self.path:
            target = target[key]
        return str(target)


def _fields() -> list[TextField]:
    ack = {"operator": "ann", "comment": "seen"}
    fault = {"type": "ground_fault", "severity": 0.5}
    job = {"scenario": SCENARIO, "rows": 10}
    fields = [
        TextField("POST", "/api/alarms/1/ack", ack, ("operator",)),
        TextField("POST", "/api/alarms/1/ack", ack, ("comment",), free_text=True),
        TextField("POST", "/api/faults", fault, ("type",)),
        TextField(
            "POST", "/api/jobs", {"scenario": "normal_production", "rows": 10}, ("scenario",)
        ),
        TextField("POST", "/api/jobs", job, ("scenario", "name")),
        TextField("POST", "/api/jobs", job, ("scenario", "description"), free_text=True),
        TextField("POST", "/api/jobs", job, ("scenario", "recipes", 0, "recipe")),
        TextField("POST", "/api/jobs", job, ("scenario", "faults", 0, "fault")),
        TextField("POST", "/api/jobs", job, ("scenario", "impairments", 0, "signal")),
    ]
    for name in ("name", "part_number", "steel_grade"):
        fields.append(TextField("POST", "/api/recipes", RECIPE, (name,)))
        fields.append(
            TextField("POST", "/api/jobs", job, ("scenario", "recipes", 1, "recipe", name))
        )
    fields.append(TextField("POST", "/api/recipes", RECIPE, ("description",), free_text=True))
    return fields


FIELDS = _fields()
LONE_SURROGATES = ("\ud800", "\udfff")


@st.composite
def poisoned(draw: st.DrawFn) -> tuple[TextField, str]:
    """A text field and a value for it: a valid one with one refused character inserted."""
    field = draw(st.sampled_from(FIELDS))
    allowed = {"\t", "\n"} if field.free_text else set()
    bad = draw(
        st.sampled_from([c for c in (*CONTROL_CHARACTERS, *LONE_SURROGATES) if c not in allowed])
    )
    valid = field.valid_value()
    at = draw(st.integers(0, len(valid)))
    return field, valid[:at] + bad + valid[at:]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    extra = {"SIM_LIVE_SPEED": "5"}
    with (
        server_database() as db,
        serving(tmp_path_factory.mktemp("text-fields"), **extra, **db) as (_, base),
    ):
        yield base


def _stored(http: httpx.Client) -> dict[str, Any]:
    """What the requests above could have stored: recipes, jobs, faults, acknowledged alarms."""
    return {
        "recipes": [r["name"] for r in http.get("/api/recipes").json()],
        "jobs": [j["id"] for j in http.get("/api/jobs").json()],
        "faults": [f["id"] for f in http.get("/api/faults").json()],
        "acks": [a["id"] for a in http.get("/api/alarms").json() if a["acknowledged_by"]],
    }


def test_the_valid_bodies_are_accepted(server: str) -> None:
    """The baseline: without the bad character each body passes validation (no 422)."""
    with httpx.Client(base_url=server, timeout=30) as http:
        for field in FIELDS:
            response = http.request(field.method, field.url, json=field.body)
            assert response.status_code != 422, (field.path, response.text)


def test_control_characters_in_any_text_field_are_a_422_naming_it(server: str) -> None:
    with httpx.Client(base_url=server, timeout=30) as http:
        before = _stored(http)

        @settings(
            max_examples=150,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        )
        @given(poisoned())
        def check(case: tuple[TextField, str]) -> None:
            field, value = case
            # json.dumps escapes a lone surrogate as `\ud800`, as a hostile client would send it.
            content = json.dumps(field.body_with(value))
            response = http.request(
                field.method,
                field.url,
                content=content,
                headers={"content-type": "application/json"},
            )
            assert response.status_code == 422, (field.path, repr(value), response.text)
            answer = response.json()
            assert isinstance(answer["detail"], str)
            assert str(field.path[-1]) in answer["detail"], answer["detail"]
            assert "[^" not in answer["detail"], answer["detail"]  # the rule in words, no regex
            assert any(field.path[-1] in e["loc"] for e in answer["errors"]), answer["errors"]

        check()
        assert _stored(http) == before  # nothing stored by any refused request
