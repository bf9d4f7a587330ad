# StorePlan developer and user entry points. `make start` and `make test` do all the set-up.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

# Debian packages Qt and QtWebEngine need, a virtual X server for real-window tests, and a CJK font.
DEB_PACKAGES := libgl1 libegl1 libfontconfig1 libglib2.0-0 libxkbcommon0 libdbus-1-3 \
	libnss3 libasound2 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxkbfile1 \
	xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
	libxcb-render-util0 libxcb-shape0 libxcb-xkb1 fonts-wqy-microhei poppler-utils desktop-file-utils

.PHONY: start test test-core sysdeps setup bench sample sample-project installer clean

start: setup sample-project
	$(BIN)/storeplan

# The analysed sample the app opens in seconds; rebuilt only when the analysis code or inputs changed.
sample-project: setup
	$(BIN)/python -m sample_data.analysed --if-stale

test: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q
	STOREPLAN_WITHOUT_QT=1 $(BIN)/python -m pytest -q -p no:pytest-qt tests/gis

# The analysis core's tests in an interpreter where PySide6 cannot be imported.
test-core: setup
	STOREPLAN_WITHOUT_QT=1 $(BIN)/python -m pytest -q -p no:pytest-qt tests/gis

setup: sysdeps $(VENV)/.installed

sysdeps:
	@missing=""; for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if command -v apt-get >/dev/null 2>&1; then \
			SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
			echo "installing Debian packages:$$missing"; \
			$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
		else \
			echo "warning: cannot install$$missing (no apt-get); Qt may fail to start" >&2; \
		fi; \
	fi

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

bench: setup
	for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

# The frozen desktop bundle and its archive in dist/, smoke-tested (see build_installer.py).
installer: setup sample-project
	$(BIN)/python -m pip install -q -e '.[build]'
	$(BIN)/python build_installer.py

sample: setup
	$(BIN)/python -m sample_data.generate

clean:
	rm -rf $(VENV) build dist .pytest_cache
