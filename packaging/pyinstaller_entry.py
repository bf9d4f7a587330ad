"""Entry point of the frozen application: the same ``storeplan`` command line as the installed script.

For the build's smoke test, ``STOREPLAN_IMPORT_CHECK=REQUEST.json`` makes the program import every
module of ``gis`` and ``app`` and every module their code imports (listed in the request), write
the failures to ``REQUEST.json.result`` and exit, without starting anything.
"""

import multiprocessing
import os
import sys


def import_check(request_path: str) -> int:
    import importlib
    import json
    import pkgutil

    with open(request_path, encoding="utf-8") as fh:
        request = json.load(fh)
    failed: dict[str, str] = {}

    def note(name, exc):
        failed[name] = f"{type(exc).__name__}: {exc}"

    names = []
    for package in ("gis", "app"):
        module = importlib.import_module(package)
        names += [m.name for m in pkgutil.walk_packages(module.__path__, package + ".", onerror=lambda n: None)]
    checked = 0
    for name in names:
        checked += 1
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 (every failure is a finding)
            note(name, exc)
    for name, attributes in request["modules"]:
        checked += 1
        try:
            module = importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001
            note(name, exc)
            continue
        for attribute in attributes:
            if hasattr(module, attribute):
                continue
            try:
                importlib.import_module(f"{name}.{attribute}")
            except Exception as exc:  # noqa: BLE001
                note(f"{name}.{attribute}", exc)
    with open(request_path + ".result", "w", encoding="utf-8") as fh:
        json.dump({"checked": checked, "failed": failed}, fh, indent=1)
    return 0


if __name__ == "__main__":
    # scikit-learn/joblib may start worker processes; a frozen child must not re-run the app.
    multiprocessing.freeze_support()
    if os.environ.get("STOREPLAN_IMPORT_CHECK"):
        sys.exit(import_check(os.environ["STOREPLAN_IMPORT_CHECK"]))
    from app.cli import main

    sys.exit(main())
