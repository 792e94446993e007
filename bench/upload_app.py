"""Streamlit main script for `python -m bench upload`: the dashboard, plus one bench-only view.

With `?bench_upload=<path>` it checks that file as the Import page does, in the server process
(`sandbox.check`, or `local.check` in the process itself with `&inprocess=1`, as before the
worker), without the page's sign-in; any other request runs the dashboard unchanged.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from etl.sources import local, sandbox  # noqa: E402
from utfordringsbilde.paths import warehouse_path  # noqa: E402

wanted = st.query_params.get("bench_upload")
if wanted:
    path = Path(wanted)
    data = path.read_bytes()  # as st.file_uploader holds an upload: all of it, in memory
    if st.query_params.get("inprocess"):
        checked = local.check(data, path.name, warehouse=warehouse_path())
    else:
        checked = sandbox.check(data, path.name, warehouse=warehouse_path())
    st.write(f"{len(checked.problems)} problems: {checked.problems[:1]}")
else:
    runpy.run_path(str(ROOT / "dashboard.py"), run_name="__main__")
