"""The API fuzz suite (tests/test_api_fuzz.py) with many more generated requests per operation and role.

    .venv/bin/python bench/fuzz_api.py                 # 200 examples per operation and role (several minutes)
    .venv/bin/python bench/fuzz_api.py --examples 1000 # longer
    ACCORD_DATABASE_URL=postgres://... .venv/bin/python bench/fuzz_api.py   # the same on PostgreSQL

`make test` runs the same suite with 4 examples per operation and role (and, as the CISO, every
parameter's boundaries); a failure here names the request that broke a check, to be fixed at its root
and pinned by a test in tests/test_bad_input.py. Prints the duration and pytest's verdict.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--examples", type=int, default=200, help="generated requests per operation and role")
    args = parser.parse_args()
    os.environ["ACCORD_FUZZ_EXAMPLES"] = str(args.examples)
    sys.path.insert(0, str(ROOT))
    import pytest

    started = time.perf_counter()
    code = pytest.main(["-n", "0", "-q", "-p", "no:cacheprovider", str(ROOT / "tests" / "test_api_fuzz.py")])
    print(f"fuzz_api: {args.examples} examples per operation and role, {time.perf_counter() - started:.0f} s, "
          f"pytest exit {int(code)}")
    return int(code)


if __name__ == "__main__":
    raise SystemExit(main())
