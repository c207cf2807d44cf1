# Two set-up commands: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CLAIMS_DB ?= data/claims.db
PORT ?= 8501

export HF_HUB_OFFLINE := 1
export CLAIMS_DB

.PHONY: run test install demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# The demo database is built on first run only; delete it (make clean) to rebuild.
$(CLAIMS_DB): | $(STAMP)
	$(BIN)/python -m claims --db $(CLAIMS_DB) ingest demo/articles

demo: $(CLAIMS_DB)

run: $(STAMP) $(CLAIMS_DB)
	$(BIN)/streamlit run app.py --server.port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest -q

clean:
	rm -f $(CLAIMS_DB) $(CLAIMS_DB)-wal $(CLAIMS_DB)-shm $(CLAIMS_DB).faiss
