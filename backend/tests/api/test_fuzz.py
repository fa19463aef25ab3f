"""Schemathesis against our own OpenAPI schema on a real server: ≥ 1,000 generated requests
across all endpoints, zero 5xx, and every 4xx is JSON whose `detail` says what is wrong."""

from __future__ import annotations

import os
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from server_process import serving

EXAMPLES_PER_OPERATION = 100
SKIPPED = {"/api/stream"}  # an endless event stream: covered by test_live and the e2e


def test_generated_requests_never_get_a_5xx_and_every_4xx_names_the_problem(
    tmp_path: Path,
) -> None:
    extra = {"SIM_MAX_ROWS_PER_JOB": "2000", "SIM_LIVE_SPEED": "5"}
    if url := os.environ.get("TEST_DATABASE_URL"):
        extra["DATABASE_URL"] = url
    with serving(tmp_path, **extra) as (_, base):
        schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
        sent = 0
        problems: list[str] = []
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.path in SKIPPED:
                continue

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
                phases=[Phase.explicit, Phase.generate],
            )
            def check(case: schemathesis.Case) -> None:
                nonlocal sent
                response = case.call(base_url=base, timeout=30)
                sent += 1
                where = f"{case.method} {case.formatted_path}"
                if response.status_code >= 500:
                    problems.append(f"{where} → {response.status_code} {response.text[:200]}")
                elif response.status_code >= 400:
                    try:
                        detail = response.json()["detail"]
                    except (ValueError, KeyError, TypeError):
                        detail = None
                    if not isinstance(detail, str) or not detail:
                        problems.append(f"{where} → {response.status_code} without a detail")

            check()
    assert sent >= 1000, f"only {sent} requests generated"
    assert not problems, "\n".join(problems[:20])
