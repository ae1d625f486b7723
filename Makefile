# The two commands a newcomer needs:  `make drill`  and  `make test`.
# Both set everything up on a fresh Debian/Ubuntu machine first (system packages, .venv).
# Running drills needs only `make install`; the test suite's extra packages (an audio
# server, a browser, pytest) come with `make install-test`, which `make test` runs.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: install install-test system-deps drill test test-slow bench lint fixtures clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@bash scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[plot]'
	@touch $(STAMP)

install-test: $(TEST_STAMP)

$(TEST_STAMP): $(STAMP)
	@bash scripts/system-deps.sh --test
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,plot]'
	@touch $(TEST_STAMP)

system-deps:
	@bash scripts/system-deps.sh

# A real drill. With no microphone on this machine, the bundled sample answer stands in for you.
drill: install
	$(BIN)/voicepractice drill --fallback-answer audio_fixtures/sample_answer.flac

# The default suite: real model, real TTS, a real PulseAudio server for the end-to-end test
# (about 10 minutes on 2 cores). The long tests (retraining the checker from its data, every
# scenario line through the voice and back, a ten-minute recording, the espeak variants of
# the end-to-end drills, the fuzzers) run in `make test-slow`; CI runs both.
test: install-test
	$(BIN)/python -m pytest -m "not slow"

test-slow: install-test
	$(BIN)/python -m pytest -m slow

bench: install
	$(BIN)/python bench/checker.py
	$(BIN)/python bench/wer.py
	$(BIN)/python bench/latency.py
	$(BIN)/python bench/voice.py
	$(BIN)/python bench/endpoint.py

# ruff and mypy are not project dependencies: pip installs them into .venv on first use.
lint: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check ruff mypy
	$(BIN)/ruff check .
	$(BIN)/mypy src

fixtures: install
	$(BIN)/python scripts/make_fixtures.py

clean:
	rm -rf $(VENV) .pytest_cache build dist
