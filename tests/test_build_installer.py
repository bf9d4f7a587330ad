"""The pure parts of build_installer.py: names, filters, templates, licence gathering, smoke checks.

The real build and smoke test run in CI (`build_installer.py`), not here.
"""

from __future__ import annotations

import configparser
import importlib.util
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("build_installer", ROOT / "build_installer.py")
bi = importlib.util.module_from_spec(_spec)
sys.modules["build_installer"] = bi
_spec.loader.exec_module(bi)


# ---- version and names -------------------------------------------------------------------


def test_version_is_the_one_gis_declares():
    import gis

    assert bi.read_version() == gis.__version__


def test_version_has_a_single_source(tmp_path):
    (tmp_path / "gis").mkdir()
    (tmp_path / "gis" / "__init__.py").write_text('"""doc"""\n\n__version__ = "2.3.4"\n', encoding="utf-8")
    assert bi.read_version(tmp_path) == "2.3.4"
    (tmp_path / "gis" / "__init__.py").write_text("VERSION = 1\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        bi.read_version(tmp_path)


@pytest.mark.parametrize("system, machine, tag", [
    ("Linux", "x86_64", "linux-x86_64"),
    ("Windows", "AMD64", "windows-x86_64"),
    ("Darwin", "arm64", "macos-arm64"),
    ("Linux", "aarch64", "linux-arm64"),
])
def test_platform_tag(system, machine, tag):
    assert bi.platform_tag(system, machine) == tag


def test_archive_name_carries_version_and_platform():
    assert bi.archive_name("0.1.0", "linux-x86_64") == "StorePlan-0.1.0-linux-x86_64.tar.gz"
    assert bi.archive_name("0.1.0", "windows-x86_64") == "StorePlan-0.1.0-windows-x86_64.zip"


@pytest.mark.parametrize("version, quad", [("0.1.0", (0, 1, 0, 0)), ("1.2rc1", (1, 2, 0, 0)),
                                           ("3.4.5.6.7", (3, 4, 5, 6)), ("2", (2, 0, 0, 0))])
def test_version_quad(version, quad):
    assert bi.version_quad(version) == quad


def test_version_output_is_parsed():
    assert bi.parse_version_output("StorePlan 0.1.0\n") == "0.1.0"
    assert bi.parse_version_output("usage: storeplan …") is None


def test_executables_per_platform(tmp_path):
    assert bi.executables("linux") == [("storeplan", True)]
    assert bi.gui_executable(tmp_path, "linux") == bi.cli_executable(tmp_path, "linux") == tmp_path / "storeplan"
    assert bi.gui_executable(tmp_path, "win32") == tmp_path / "StorePlan.exe"
    assert bi.cli_executable(tmp_path, "win32") == tmp_path / "storeplan-cli.exe"
    # two names that differ only in case would be one file on Windows
    names = [n.lower() for n, _ in bi.executables("win32")]
    assert len(set(names)) == len(names)


# ---- what goes into the bundle -----------------------------------------------------------


@pytest.mark.parametrize("dest", [
    "PySide6/Qt/translations/qtbase_de.qm",
    "PySide6/Qt/translations/qt_zh_CN.qm",
    "PySide6/translations/qtbase_fr.qm",                       # Windows layout
    "PySide6/Qt/translations/qtwebengine_locales/de.pak",
    "PySide6/Qt/resources/qtwebengine_devtools_resources.pak",
    "PySide6/Qt/plugins/platforms/libqeglfs.so",
    "PySide6/Qt/plugins/platforms/libqvnc.so",
    "PySide6/Qt/plugins/egldeviceintegrations/libqeglfs-kms-integration.so",
    "pyarrow/libarrow_flight.so.2600",
    "pyarrow/_s3fs.cpython-311-x86_64-linux-gnu.so",
    "pyarrow/include/arrow/api.h",
    "pyarrow/libarrow_python.so",
    "pyarrow/libarrow_python.so.2600.1.0",
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    "PySide6/Qt/plugins/imageformats/libqpdf.so",
    "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",
    "numpy/_core/include/numpy/ndarraytypes.h",
    "scipy/special/tests/data/boost.npz",
    "matplotlib/mpl-data/sample_data/goog.npz",
    "sklearn/datasets/images/china.jpg",
    "shapely/_geometry.pxd",
])
def test_unused_files_are_dropped(dest):
    assert bi.file_drop_reason(dest)
    assert bi.file_drop_reason(dest.replace("/", "\\"))  # Windows separators


@pytest.mark.parametrize("dest", [
    "PySide6/Qt/translations/qtbase_zh_CN.qm",
    "PySide6/Qt/translations/qtwebengine_zh_CN.qm",
    "PySide6/Qt/translations/qtwebengine_locales/en-US.pak",
    "PySide6/Qt/translations/qtwebengine_locales/zh-CN.pak",
    "PySide6/Qt/resources/qtwebengine_resources.pak",
    "PySide6/Qt/resources/icudtl.dat",
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/plugins/platforms/qwindows.dll",
    "PySide6/Qt/plugins/imageformats/libqsvg.so",
    "PySide6/Qt/libexec/QtWebEngineProcess",
    "pyarrow/libarrow.so.2600",
    "pyarrow/libarrow_substrait.so.2600",  # lib.so links it
    "pyarrow/libarrow_python.so.2600",
    "pyarrow/lib.cpython-311-x86_64-linux-gnu.so",
    "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
    "PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so",
    "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
    "pyarrow/_parquet.cpython-311-x86_64-linux-gnu.so",
    "pyproj/proj_dir/share/proj/proj.db",
    "pyogrio/gdal_data/gdalvrt.xsd",
    "matplotlib/mpl-data/fonts/ttf/DejaVuSans.ttf",
    "resources/web/leaflet/leaflet.js",
    "resources/fonts/wqy-microhei.ttc",
    "sample_data/outlets.csv",
    "certifi/cacert.pem",
    "tzdata/zoneinfo/Asia/Shanghai",
])
def test_needed_files_are_kept(dest):
    assert bi.file_drop_reason(dest) is None


def test_lean_collection_drops_orphans_and_dangling_links():
    theme = "PySide6/Qt/plugins/platformthemes/libqgtk3.so"
    binaries = [
        (theme, "/q/libqgtk3.so", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/q/libqxcb.so", "BINARY"),
        ("libgtk-3.so.0", "/usr/lib/libgtk-3.so.0", "BINARY"),      # only the theme links it
        ("libcairo.so.2", "/usr/lib/libcairo.so.2", "BINARY"),      # only GTK links it: goes next round
        ("libglib-2.0.so.0", "/usr/lib/libglib-2.0.so.0", "BINARY"),  # GTK and xcb link it: stays
        ("libsoftokn3.so", "/usr/lib/libsoftokn3.so", "BINARY"),    # loaded at run time, linked by none
        ("pyarrow/libarrow_flight.so.2600", "/p/libarrow_flight.so.2600", "BINARY"),
        ("libarrow_flight.so.2600", "pyarrow/libarrow_flight.so.2600", "SYMLINK"),
        ("libarrow.so.2600", "pyarrow/libarrow.so.2600", "SYMLINK"),
        ("pyarrow/libarrow.so.2600", "/p/libarrow.so.2600", "BINARY"),
    ]
    links = {"/q/libqgtk3.so": {"libgtk-3.so.0", "libglib-2.0.so.0"},
             "/usr/lib/libgtk-3.so.0": {"libcairo.so.2", "libglib-2.0.so.0"},
             "/q/libqxcb.so": {"libglib-2.0.so.0"}}
    pure = [("scipy.tests.test_x", "/s/tests/test_x.py", "PYMODULE"), ("scipy", "/s/__init__.py", "PYMODULE"),
            ("jinja2.tests", "/j/tests.py", "PYMODULE")]
    datas = [("resources/web/leaflet/leaflet.js", "/r/leaflet.js", "DATA")]
    kept_pure, kept_bin, kept_data, dropped = bi.lean_collection(pure, binaries, datas,
                                                                  lambda src: links.get(src, set()))
    names = {e[0] for e in kept_bin}
    assert names == {"PySide6/Qt/plugins/platforms/libqxcb.so", "libglib-2.0.so.0", "libsoftokn3.so",
                     "libarrow.so.2600", "pyarrow/libarrow.so.2600"}
    reasons = {d[0]: d[3] for d in dropped}
    assert reasons["libgtk-3.so.0"] == reasons["libcairo.so.2"] == bi.ORPHAN_REASON
    assert reasons["libarrow_flight.so.2600"] == bi.DANGLING_REASON
    assert "GTK" in reasons[theme]
    assert [e[0] for e in kept_pure] == ["scipy", "jinja2.tests"] and kept_data == [tuple(datas[0])]


def test_test_modules_are_dropped_and_others_kept():
    assert bi.module_drop_reason("scipy.optimize.tests.test_minimize", "/s/optimize/tests/test_minimize.py")
    assert bi.module_drop_reason("pandas.tests", "/p/pandas/tests/__init__.py")
    assert bi.module_drop_reason("jinja2.tests", "/j/jinja2/tests.py") is None  # Jinja's template tests
    assert bi.module_drop_reason("numpy.testing") is None  # scipy and scikit-learn import it
    assert bi.module_drop_reason("gis.scoring") is None


def test_excluded_modules_spare_what_the_app_imports():
    excluded = set(bi.excluded_module_names())
    assert {"tkinter", "dask", "distributed", "PyInstaller", "pytest", "IPython"} <= excluded
    needed = {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtWebEngineCore",
              "PySide6.QtWebEngineWidgets", "PySide6.QtWebChannel", "PySide6.QtNetwork", "PySide6.QtSvg",
              "PySide6.QtPrintSupport", "matplotlib.backends.backend_agg", "matplotlib.backends.backend_pdf",
              "pyarrow.parquet", "pyarrow.dataset", "pyarrow.compute", "unittest", "sqlite3"}
    for name in needed:
        parts = name.split(".")
        prefixes = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
        assert not prefixes & excluded, name
    assert not set(bi.HIDDEN_IMPORTS) & excluded


def test_app_datas_hold_the_runtime_assets_but_no_sources():
    entries = bi.app_datas()
    dests = {(Path(src).name, dest) for src, dest in entries}
    assert ("outlets.csv", "sample_data") in dests
    assert ("storeplan_zh_CN.qm", "resources/i18n") in dests
    assert ("wqy-microhei.ttc", "resources/fonts") in dests
    assert ("THIRD_PARTY_LICENSES.md", "resources") in dests
    assert ("README.md", ".") in dests
    assert not [s for s, _ in entries if s.endswith((".py", ".pyc", ".ts")) or "__pycache__" in s]
    # every sample file the accessor knows is shipped
    from gis import datasets

    shipped = {str(Path(dest) / Path(src).name).replace("\\", "/") for src, dest in entries}
    for key, rel in datasets.FILES.items():
        if key not in datasets.DERIVED:  # the build makes those before it collects (next test)
            assert f"sample_data/{rel}" in shipped, rel


def test_app_datas_ship_the_analysed_sample_once_it_is_built(tmp_path):
    from gis import datasets

    rel = datasets.FILES["sample_project"]
    assert f"sample_data/{rel}" not in {f"{d}/{Path(s).name}" for s, d in bi.app_datas(tmp_path)}
    (tmp_path / "sample_data").mkdir()
    (tmp_path / "sample_data" / rel).write_bytes(b"x")
    assert f"sample_data/{rel}" in {f"{d}/{Path(s).name}" for s, d in bi.app_datas(tmp_path)}


# ---- templates ---------------------------------------------------------------------------


def test_template_placeholders_must_all_be_filled():
    assert bi.render_template("a=@A@ b=@B@", {"A": "1", "B": "2"}) == "a=1 b=2"
    with pytest.raises(KeyError, match="B"):
        bi.render_template("a=@A@ b=@B@", {"A": "1"})


def _desktop(text: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str
    parser.read_string(text)
    return parser


def test_desktop_entry():
    entry = _desktop(bi.render_desktop_entry("0.1.0"))["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Name"] == "StorePlan"
    assert entry["Exec"] == "storeplan gui %f" and entry["TryExec"] == "storeplan"
    assert entry["Icon"] == "storeplan" and entry["Terminal"] == "false"
    assert entry["X-StorePlan-Version"] == "0.1.0"
    assert entry["Categories"].endswith(";") and entry["Keywords"].endswith(";")
    spaced = _desktop(bi.render_desktop_entry("0.1.0", "/opt/Store Plan/storeplan"))["Desktop Entry"]
    assert spaced["Exec"] == '"/opt/Store Plan/storeplan" gui %f'
    assert spaced["TryExec"] == "/opt/Store Plan/storeplan"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_desktop_entry_passes_the_freedesktop_validator(tmp_path):
    path = tmp_path / "storeplan.desktop"
    path.write_text(bi.render_desktop_entry("0.1.0", "/opt/Store Plan/storeplan"), encoding="utf-8")
    result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
    assert result.returncode == 0 and "error" not in result.stdout, result.stdout


def test_inno_setup_script():
    text = bi.render_inno_setup("1.2.3", r"C:\build\dist\StorePlan", r"C:\build\dist",
                                "StorePlan-1.2.3-windows-x86_64.iss")
    assert not re.search(r"@[A-Z_]+@", text)
    assert '#define AppVersion "1.2.3"' in text
    assert r'#define BundleDir "C:\build\dist\StorePlan"' in text
    assert "VersionInfoVersion=1.2.3.0" in text
    assert "OutputBaseFilename=StorePlan-1.2.3-windows-x86_64-setup" in text
    assert '#define GuiExe "StorePlan.exe"' in text
    assert "AppId={{E6D5910A-EC94-4376-9788-132D84A41FB9}" in text  # fixed: upgrades find the old install
    sections = re.findall(r"^\[(\w+)\]", text, re.MULTILINE)
    assert {"Setup", "Files", "Icons", "Registry", "InstallDelete"} <= set(sections)


def test_windows_version_info_is_a_python_expression():
    text = bi.render_windows_version_info("0.1.0", "StorePlan.exe")
    calls = {}
    for name in ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct",
                 "VarFileInfo", "VarStruct"):
        calls[name] = (lambda n: (lambda *a, **k: (n, a, k)))(name)
    info = eval(text, calls)  # noqa: S307 (the text is ours; PyInstaller evaluates it the same way)
    fixed = info[2]["ffi"][2]
    assert fixed["filevers"] == fixed["prodvers"] == (0, 1, 0, 0)
    assert "StringStruct('ProductVersion', '0.1.0')" in text


# ---- licences ----------------------------------------------------------------------------


def test_licence_summary_prefers_the_spdx_expression():
    class Meta(dict):
        def get_all(self, key):
            v = self.get(key)
            return v if isinstance(v, list) else None

    assert bi.licence_summary(Meta({"License-Expression": "MIT", "License": "whatever"})) == "MIT"
    assert bi.licence_summary(Meta({"License": "BSD-3-Clause"})) == "BSD-3-Clause"
    assert bi.licence_summary(Meta({"License": "UNKNOWN", "Classifier": [
        "License :: OSI Approved :: MIT License", "Programming Language :: Python"]})) == "MIT License"
    assert bi.licence_summary(Meta({"License": "Copyright (c) x\n\nPermission is hereby granted"})) \
        == "see the licence text below"
    assert bi.licence_summary(Meta({})) == "not stated in the package metadata"


def test_component_reads_licence_files_of_installed_packages():
    numpy = bi.component_of(metadata.distribution("numpy"))
    assert numpy.name == "numpy" and numpy.version == metadata.version("numpy")
    assert numpy.texts and any("Redistribution and use" in text for _, text in numpy.texts)
    shapely = bi.component_of(metadata.distribution("shapely"))
    assert "BSD" in shapely.licence or any("BSD" in t or "Redistribution" in t for _, t in shapely.texts)


def test_qt_notice_says_where_the_libraries_and_sources_are():
    linux = bi.qt_notice("6.12.0", "6.12.0", "linux")
    assert "LGPL-3.0" in linux and "_internal/PySide6/Qt/lib" in linux
    assert "https://download.qt.io/official_releases/qt/6.12/" in linux
    assert "qt-6/qtwebengine-licensing" in linux
    assert r"_internal\PySide6" in bi.qt_notice("6.12.0", "6.12.0", "win32")


def test_full_gpl_texts_are_shipped_for_the_notice():
    lgpl = (bi.PACKAGING / "licenses" / "LGPL-3.0.txt").read_text(encoding="utf-8")
    gpl = (bi.PACKAGING / "licenses" / "GPL-3.0.txt").read_text(encoding="utf-8")
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in lgpl and "Version 3, 29 June 2007" in lgpl
    assert "GNU GENERAL PUBLIC LICENSE" in gpl and "END OF TERMS AND CONDITIONS" in gpl


def test_licence_file_lists_bundled_packages_only(tmp_path):
    import numpy
    import shapely

    manifest = {"pure": [["numpy", numpy.__file__, "PYMODULE"], ["shapely", shapely.__file__, "PYMODULE"],
                         ["gis", str(ROOT / "gis" / "__init__.py"), "PYMODULE"]],
                "binaries": [], "datas": []}
    counts = bi.write_licences(manifest, tmp_path, "9.9.9")
    text = (tmp_path / bi.LICENCE_FILE).read_text(encoding="utf-8")
    assert text.startswith("StorePlan 9.9.9")
    section = re.search(r"^2\. Python packages \((\d+)\)\n=+\n(.*?)\n\n", text, re.MULTILINE | re.DOTALL)
    listed = {line.split()[0].lower() for line in section.group(2).splitlines()}
    # PyInstaller's bootloader is in every bundle: listed whenever the build tool is installed
    has_pyinstaller = importlib.util.find_spec("PyInstaller") is not None
    assert {"numpy", "shapely"} | ({"pyinstaller"} if has_pyinstaller else set()) <= listed
    assert "pandas" not in listed and "storeplan" not in listed
    assert counts["packages"] == int(section.group(1)) == len(listed)
    assert "Leaflet" in text and "WenQuanYi" in text  # the web assets and font notices
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text and "PYTHON SOFTWARE FOUNDATION LICENSE" in text


# ---- smoke-test checks ---------------------------------------------------------------------


@pytest.mark.parametrize("line, kind", [
    ("ModuleNotFoundError: No module named 'pyogrio._io'", "missing module"),
    ("qt.qpa.plugin: Could not load the Qt platform plugin \"xcb\" in \"\" even though it was found.",
     "Qt plugin error"),
    ("2026-01-01 10:00:00,000 WARNING qt: Qt WebEngine resources not found at /x. Trying parent directory...",
     "QtWebEngine files missing"),
    ("error: bundled resource web/leaflet/leaflet.js is missing from /x/resources: reinstall", "missing asset"),
    ("2026-01-01 10:00:00,000 WARNING app.gui.i18n: no translation file for zh_CN in /x", "missing asset"),
    ("2026-01-01 10:00:00,000 WARNING app.gui.map_view: js: Uncaught ReferenceError: L is not defined",
     "map page error"),
    ("Traceback (most recent call last):", "crash"),
    ("[PYI-1234:ERROR] Failed to load Python shared library", "crash"),
    ("2026-01-01 10:00:00,000 ERROR   app.gui.main_window: something", "ERROR record in the log"),
])
def test_problems_are_recognised(line, kind):
    found = bi.find_problems("fine\n" + line + "\nfine", "log")
    assert len(found) == 1 and found[0].startswith(kind)


def test_benign_lines_pass():
    text = "\n".join([
        "2026-01-01 10:00:00,000 INFO    storeplan.gui: StorePlan 0.1.0 started (language zh_CN)",
        "2026-01-01 10:00:00,000 WARNING qt: QRhiGles2: Failed to create context",
        "[1:2:1123/090600.885714:ERROR:bus.cc(408)] Failed to connect to the bus: Failed to connect to socket "
        "/run/dbus/system_bus_socket: No such file or directory",
        "2026-01-01 10:00:00,000 INFO    storeplan.gui: ready in 3.2 s",
    ])
    assert bi.find_problems(text, "log") == []


def test_ready_and_started_lines_match_what_the_gui_logs():
    line = "2026-01-01 10:00:00,000 INFO    storeplan.gui: ready in 12.5 s"
    assert bi.READY_LINE.search(line).group(1) == "12.5"
    started = "2026-01-01 10:00:00,000 INFO    storeplan.gui: StorePlan 0.1.0 started (language en)"
    assert bi.STARTED_LINE.search(started).group(1) == "0.1.0"
    source = (ROOT / "app" / "gui" / "main.py").read_text(encoding="utf-8")
    assert 'log.info("ready in %.1f s"' in source and 'log = logging.getLogger("storeplan.gui")' in source


def test_demo_output_check(tmp_path):
    for name in bi.KEY_DEMO_OUTPUTS:
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "route_sheets").mkdir()
    (tmp_path / "route_sheets" / "R1.xlsx").write_text("x", encoding="utf-8")
    printed = "\n".join(str(tmp_path / n) for n in bi.KEY_DEMO_OUTPUTS)
    assert bi.check_demo_outputs(tmp_path, printed) == []
    (tmp_path / "routes.csv").write_text("", encoding="utf-8")
    problems = bi.check_demo_outputs(tmp_path, printed + f"\n{tmp_path / 'gone.csv'}")
    assert any("routes.csv" in p for p in problems) and any("gone.csv" in p for p in problems)


def test_smoke_environment_is_isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/somewhere")
    monkeypatch.setenv("QT_PLUGIN_PATH", "/qt")
    env = bi.smoke_env(tmp_path)
    assert env["QT_QPA_PLATFORM"] == "offscreen"
    assert env["STOREPLAN_HOME"] == str(tmp_path / "storeplan")
    assert "PYTHONPATH" not in env and "QT_PLUGIN_PATH" not in env
    assert str(Path(sys.executable).parent) not in env["PATH"].split(":")


def test_archive_has_the_versioned_top_folder(tmp_path):
    import tarfile

    bundle = tmp_path / "StorePlan"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "storeplan").write_text("#!/bin/sh\n", encoding="utf-8")
    (bundle / "_internal" / "x.txt").write_text("x", encoding="utf-8")
    archive = bi.make_archive(bundle, tmp_path / "StorePlan-0.1.0-linux-x86_64.tar.gz", "StorePlan-0.1.0")
    with tarfile.open(archive) as tf:
        names = set(tf.getnames())
    assert {"StorePlan-0.1.0/storeplan", "StorePlan-0.1.0/_internal/x.txt"} <= names
    assert not (tmp_path / "StorePlan-0.1.0-linux-x86_64.tar.gz.part").exists()


def test_imported_modules_include_imports_inside_functions(tmp_path):
    pkg = tmp_path / "gis"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("import numpy as np\nfrom . import sibling\n", encoding="utf-8")
    (pkg / "late.py").write_text(
        "def f():\n    import mapclassify\n    from matplotlib.backends.backend_pdf import PdfPages\n"
        "    from PySide6 import QtSvg, QtCore\n", encoding="utf-8")
    found = bi.imported_modules(tmp_path, packages=("gis",))
    assert found == {"PySide6": ["QtCore", "QtSvg"], "mapclassify": [],
                     "matplotlib.backends.backend_pdf": ["PdfPages"], "numpy": []}


def test_excluded_means_the_module_or_inside_it():
    assert bi.is_excluded("dask") and bi.is_excluded("distributed.client")
    assert not bi.is_excluded("daskette") and not bi.is_excluded("pyarrow.parquet")
    assert bi.is_excluded("pyarrow.flight")


def test_bundle_contents_check(tmp_path):
    root = tmp_path / "repo"
    for rel in ("resources/icons/storeplan.png", "sample_data/outlets.csv", "README.md"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x", encoding="utf-8")
    bundle = tmp_path / "StorePlan"
    contents = bundle / "_internal"
    for rel in ("resources/icons/storeplan.png", "sample_data/outlets.csv", "README.md",
                "PySide6/Qt/translations/qtbase_zh_CN.qm", "PySide6/Qt/translations/qtwebengine_locales/en-US.pak",
                "PySide6/Qt/translations/qtwebengine_locales/zh-CN.pak", "PySide6/Qt/resources/icudtl.dat",
                "PySide6/Qt/resources/qtwebengine_resources.pak", "PySide6/Qt/libexec/QtWebEngineProcess",
                "PySide6/Qt/plugins/platforms/libqoffscreen.so", "pyproj/proj_dir/share/proj/proj.db",
                "pyogrio/gdal_data/gdalvrt.xsd", "tzdata/zoneinfo/Asia/Shanghai", "certifi/cacert.pem"):
        (contents / rel).parent.mkdir(parents=True, exist_ok=True)
        (contents / rel).write_text("x", encoding="utf-8")
    (bundle / bi.LICENCE_FILE).write_text("x", encoding="utf-8")
    assert bi.check_bundle_contents(bundle, root) == []
    (contents / "sample_data" / "outlets.csv").unlink()
    (contents / "PySide6/Qt/translations/qtwebengine_locales/zh-CN.pak").unlink()
    assert bi.check_bundle_contents(bundle, root) == ["sample_data/outlets.csv", "**/qtwebengine_locales/zh-CN.pak"]


def _write_png(path: Path, width: int, height: int, pixel) -> None:
    """An RGB PNG written without any imaging library; ``pixel(x, y)`` gives (r, g, b)."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_png_size(tmp_path):
    _write_png(tmp_path / "a.png", 3, 2, lambda x, y: (0, 0, 0))
    assert bi.png_size(tmp_path / "a.png") == (3, 2)
    (tmp_path / "b.png").write_bytes(b"not a png at all, just text....")
    assert bi.png_size(tmp_path / "b.png") is None


def test_distinct_colours_tell_a_blank_area_from_a_drawn_one(tmp_path):
    path = tmp_path / "shot.png"
    _write_png(path, 200, 100, lambda x, y: (255, 255, 255) if x < 100 else ((x * 7) % 256, (y * 13) % 256, 9))
    assert bi.distinct_colours(path, step=4, region=(0.0, 0.0, 0.5, 1.0)) == 1
    assert bi.distinct_colours(path, step=4, region=(0.5, 0.0, 1.0, 1.0)) > 50
