# Two set-up commands: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
CLAIMS_DB ?= data/claims.db
PORT ?= 8501
# Flags for `uv pip compile`: the CPU build of torch lies in /opt/wheels on these machines.
LOCK_FLAGS := --quiet --generate-hashes --find-links /opt/wheels --python-version 3.11 --custom-compile-command "make lock"

export HF_HUB_OFFLINE := 1
export CLAIMS_DB

.PHONY: run test quick lint format lock install demo clean

# A venv is built from a lock and never patched: when a lock changes, the venv is built
# again from nothing, so a package the lock dropped cannot linger. pip check proves the set.
# The venv's bundled pip (23.2 here) mis-resolves an extra (justext's lxml[html_clean]) in hash mode
# once a newer lxml is on PyPI, so the lock's own hashed pip is installed first.
define fresh_venv
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	awk '/^pip==/{p=1} p{print} p&&!/\\$$/{exit}' $(1) > $(VENV)/pip.lock
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(VENV)/pip.lock
	$(BIN)/pip install --quiet --require-hashes -r $(1)
	$(BIN)/pip check
endef

$(RUN_STAMP): requirements.lock
	$(call fresh_venv,requirements.lock)
	touch $@

# The dev lock is the run lock plus test and lint tools (compiled with the run lock as constraints).
$(DEV_STAMP): requirements-dev.lock requirements.lock
	$(call fresh_venv,requirements-dev.lock)
	touch $(RUN_STAMP) $@

install: $(RUN_STAMP)

# The demo database is built on first run only; delete it (make clean) to rebuild.
$(CLAIMS_DB): | $(RUN_STAMP)
	$(BIN)/python -m claims --db $(CLAIMS_DB) ingest demo/articles

demo: $(CLAIMS_DB)

run: $(RUN_STAMP) $(CLAIMS_DB)
	$(BIN)/streamlit run app.py --server.port $(PORT)

test: $(DEV_STAMP)
	$(BIN)/pip check
	$(BIN)/python -m pytest -q

# Everything but the tests marked slow (retraining, full benchmark splits, subprocesses).
quick: $(DEV_STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

# bandit: the security lint of the code that ships (settings and how a finding is accepted: pyproject.toml).
lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/vulture
	$(BIN)/bandit -c pyproject.toml -q -r claims db ui app.py

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Upgrading a dependency: edit requirements*.txt, `make lock`, `make test`, commit all four files.
# uv keeps the versions already in a lock unless a pin asks for another, so one edit moves one package
# (and what it needs). An unchanged lock keeps its time, so the venv is not rebuilt for nothing,
# unless its requirements file was edited since: a lock is never older than what it was compiled from.
LOCKS := requirements.lock requirements-dev.lock
lock: $(DEV_STAMP)
	for f in $(LOCKS); do cp -p $$f $(VENV)/$$f.before; done
	$(BIN)/uv pip compile $(LOCK_FLAGS) requirements.txt -o requirements.lock
	$(BIN)/uv pip compile $(LOCK_FLAGS) requirements-dev.txt -c requirements.lock -o requirements-dev.lock
	for f in $(LOCKS); do \
		src=$${f%.lock}.txt; \
		cmp -s $$f $(VENV)/$$f.before && [ ! $$src -nt $(VENV)/$$f.before ] && touch -r $(VENV)/$$f.before $$f; \
		rm -f $(VENV)/$$f.before; \
	done

clean:
	rm -f $(CLAIMS_DB) $(CLAIMS_DB)-wal $(CLAIMS_DB)-shm $(CLAIMS_DB).faiss $(CLAIMS_DB).faiss-recent.npz \
		$(CLAIMS_DB).link.faiss $(CLAIMS_DB).link.faiss-recent.npz
