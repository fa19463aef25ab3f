"""Issue point 1's figure: run tests/api/test_fuzz.py's test once and count the requests
schemathesis sends, by status class (the test itself asserts ≥ 1,000 and no 5xx).

Usage, from backend/: ../.venv/bin/python tests/reliability/fuzz_count.py
Not a test (pytest collects only test_*.py): the same test, with a counter around each call.
"""

from __future__ import annotations

import collections
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent / "api")]  # server_process, test_fuzz

import schemathesis  # noqa: E402 - after the path above
import test_fuzz  # noqa: E402

codes: collections.Counter[str] = collections.Counter()
call = schemathesis.Case.call


def counted(self: schemathesis.Case, *args: Any, **kwargs: Any) -> Any:
    response = call(self, *args, **kwargs)
    codes[f"{response.status_code // 100}xx"] += 1
    return response


if __name__ == "__main__":
    schemathesis.Case.call = counted  # type: ignore[method-assign]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        test_fuzz.test_generated_requests_never_get_a_5xx_and_every_4xx_names_the_problem(
            Path(folder)
        )
    seconds = time.perf_counter() - started
    print(f"{sum(codes.values())} requests in {seconds:.0f} s: {dict(sorted(codes.items()))}")
