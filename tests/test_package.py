"""The distribution installs one import name, `chitieu`, with its data files."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from conftest import ROOT


def test_the_wheel_installs_only_chitieu(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    [wheel] = tmp_path.glob("chitieu-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert sorted({n.split("/")[0] for n in names}) == [
        "chitieu",
        f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info",
    ]
    for part in (
        "chitieu/__init__.py",
        "chitieu/__main__.py",
        "chitieu/cli.py",
        "chitieu/batch.py",
        "chitieu/api.py",
        "chitieu/normalize/data/units.csv",
        "chitieu/normalize/data/indicators.csv",
        "chitieu/store/migrations/env.py",
        "chitieu/store/migrations/versions/0001_initial_schema.py",
        "chitieu/web/static/htmx.min.js",
    ):
        assert part in names
    assert not [n for n in names if n.startswith(("chitieu/tests/", "chitieu/samples/", "chitieu/bench/"))]


def test_python_dash_m_chitieu_runs_the_command_line():
    done = subprocess.run([sys.executable, "-m", "chitieu", "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("python -m chitieu, version ")


def test_the_api_is_at_the_top():
    import chitieu

    assert callable(chitieu.ingest) and chitieu.ingest.__name__ == "chitieu.ingest"
    assert {"read_targets", "read_assignments", "read_documents"} <= set(dir(chitieu))
