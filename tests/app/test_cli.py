"""The `storeplan` command line: the stable contract users script against."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from app import cli
from gis import __version__
from gis.coords import gcj02_to_wgs84
from gis.datasets import get_path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args, env=None):
    """Run the CLI in a fresh interpreter, as a user's script would."""
    code = ("import sys; from app.cli import main; rc = main(sys.argv[1:]); "
            "assert 'PySide6' not in sys.modules, 'headless command imported Qt'; sys.exit(rc)")
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=600)


def test_version_matches_the_package(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"StorePlan {__version__}"


def test_validate_gbk_csv_with_chinese_headers_writes_clean_wgs84(tmp_path):
    src = tmp_path / "门店.csv"
    pd.DataFrame({
        "门店编号": ["A1", "A2", "A2", "A3"],
        "门店名称": ["联华超市(曹杨路店)", "老王烟酒店", "重复", "坐标缺失"],
        "经度": [121.4737, 121.5, 121.6, None],
        "纬度": [31.2304, 31.24, 31.25, None],
        "销售额": ["1,200", "abc", "3", "4"],
    }).to_csv(src, index=False, encoding="gbk")
    clean = tmp_path / "clean.csv"
    result = _run("validate", src, "--kind", "outlets", "--crs", "gcj02", "--out", clean)
    assert result.returncode == 0, result.stderr
    report = result.stdout
    assert "gb18030" in report or "gbk" in report.lower()
    assert "4 read, 2 usable" in report
    assert "门店编号" in report  # the mapping is shown
    for row in ("row 4", "row 5"):  # the duplicate and the missing coordinates, as rows in the file
        assert row in report
    out = pd.read_csv(clean, encoding="utf-8-sig", dtype={"outlet_id": str})
    assert list(out["outlet_id"]) == ["A1", "A2"]
    assert out.loc[0, "name"] == "联华超市(曹杨路店)"
    lon, lat = gcj02_to_wgs84(121.4737, 31.2304)
    assert out.loc[0, "lon"] == pytest.approx(float(lon), abs=1e-9)
    assert out.loc[0, "lat"] == pytest.approx(float(lat), abs=1e-9)
    assert out.loc[0, "sales"] == 1200.0 and np.isnan(out.loc[1, "sales"])


def test_validate_guesses_the_kind_of_the_real_districts_file():
    result = _run("validate", get_path("districts"), "--crs", "gcj02")
    assert result.returncode == 0, result.stderr
    assert "Kind: districts" in result.stdout
    assert "16 read, 16 usable" in result.stdout


def test_unusable_file_exits_1_with_a_plain_message(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = _run("validate", empty, "--kind", "outlets")
    assert result.returncode == 1
    assert str(empty) in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_bad_mapping_argument_is_a_usage_error(tmp_path, capsys):
    assert cli.main(["validate", str(tmp_path / "x.csv"), "--map", "outlet_id"]) == cli.EXIT_USAGE
    assert "OURS=HEADER" in capsys.readouterr().err


def test_unexpected_errors_go_to_the_log_not_the_screen(monkeypatch, capsys):
    def boom(args):
        raise RuntimeError("internal detail")

    monkeypatch.setitem(cli.COMMANDS, "validate", boom)
    assert cli.main(["validate", "whatever.csv"]) == cli.EXIT_BUG
    err = capsys.readouterr().err
    assert "unexpected error" in err and "Traceback" not in err and "internal detail" not in err
    from app.logs import log_file

    assert "RuntimeError: internal detail" in log_file().read_text(encoding="utf-8")


def test_run_reports_a_broken_config_plainly(tmp_path):
    config = tmp_path / "plan.toml"
    config.write_text('[inputs]\noutlets = "missing.csv"\n', encoding="utf-8")
    result = _run("run", config, "--out", tmp_path / "out")
    assert result.returncode == 1
    assert "missing.csv" in result.stderr and "Traceback" not in result.stderr
