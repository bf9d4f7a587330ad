"""Desktop app timings: cold start to a usable window on the sample project, re-scoring after a
weight change, and map redraw. Run: ``python bench/bench_gui.py`` (offscreen works)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    t0 = time.perf_counter()
    from app.gui.main import create_application
    from app.gui.main_window import MainWindow

    app = create_application()
    w = MainWindow(restore_layout=False, start="sample")  # as `storeplan` starts
    w.resize(1440, 900)
    w.show()

    def wait(cond, timeout=900.0):
        end = time.perf_counter() + timeout
        while not cond() and time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.01)
        return cond()

    wait(lambda: w.state.project is not None)
    print(f"cold start to the window with the sample project open: {time.perf_counter() - t0:.1f} s")
    wait(lambda: w.map_view.ready and w.is_idle())
    print(f"cold start to a usable window (sample project, map drawn): {time.perf_counter() - t0:.1f} s "
          f"(target 5 s)")
    form = w.parameters_panel.forms["scoring"]
    preset = "convenience"
    t1 = time.perf_counter()
    form.set_weight("workers", 0.5, preset=preset)
    form.apply()
    wait(lambda: "outlet_scores" in w.state.project.results and w.is_idle())
    print(f"re-score after the first weight change (potential model fitted, dependent stages re-run, "
          f"map redrawn): {time.perf_counter() - t1:.1f} s")
    t1 = time.perf_counter()
    form.set_weight("workers", 0.3, preset=preset)
    form.apply()
    wait(lambda: "outlet_scores" in w.state.project.results and w.is_idle())
    print(f"re-score after a further weight change (model reused): {time.perf_counter() - t1:.1f} s")
    t2 = time.perf_counter()
    w.map_view.refresh()
    wait(w.is_idle)
    print(f"map redraw: {time.perf_counter() - t2:.2f} s (page drawn in {w.map_view.last_draw_seconds:.2f} s)")
    w._confirmed_close = True
    w.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
