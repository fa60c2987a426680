# The two commands: `make run` (chat with the bot) and `make test` (everything CI runs).
# Each does its own setup: a Python 3.10 venv in .venv/, the pinned dependencies, compiled
# catalogs, and a trained model (only when config or data changed; cached by fingerprint).

SHELL := /bin/bash
PYTHON310 ?= $(shell scripts/find-python310)
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
STAMP := $(VENV)/.installed
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1
# Rasa 3.6 and its pinned libraries print pages of deprecation warnings on every start.
RASA_QUIET := PYTHONWARNINGS=ignore::DeprecationWarning,ignore::UserWarning:pyparsing

.PHONY: run test lint unit rasa-validate rasa-stories catalogs model bench lock clean help \
	content-check coverage preview nlu-report nlu-audit lexicon-audit new-user-probe nlu-cv follow-up-probe typo-probe profile

help:
	@echo "make run    start Rasa, the action server and the gateway (console chat without TELEGRAM_BOT_TOKEN)"
	@echo "make test   everything CI runs: ruff, content check, rasa data validate, pytest, rasa test"
	@echo "make bench  throughput, latency, memory and start-up of the stack vs stock rasa run"
	@echo "For content editors (docs/editing-content.md):"
	@echo "make content-check                          find problems in the texts"
	@echo "make coverage                               which topics are translated in which language"
	@echo "make preview KEY=healthcare_access LANG=ar  a message as the user sees it"

$(STAMP): requirements.lock
	@test -n "$(PYTHON310)" || { echo "Python 3.10 is required (Rasa 3.6 supports nothing newer)"; exit 1; }
	@test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip check
	@touch $@

venv: $(STAMP)

catalogs: $(STAMP)
	@$(PY) -m bot.i18n.editor build

model: $(STAMP)
	@$(PY) scripts/model.py > /dev/null

run: catalogs model
	@$(PY) -m bot.supervisor --model "$$($(PY) scripts/model.py)"

content-check: catalogs
	@$(PY) -m bot.i18n.editor check

coverage: catalogs
	@$(PY) -m bot.i18n.editor coverage

preview: catalogs
	@$(PY) -m bot.i18n.editor preview "$(KEY)" "$(LANG)"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy bot actions nlu dialogue

rasa-validate: $(STAMP)
	$(RASA_QUIET) $(RASA) data validate --domain domain --data data --config config.yml --fail-on-warnings

rasa-stories: model
	$(RASA_QUIET) $(RASA) test core --model "$$($(PY) scripts/model.py)" --stories tests/test_stories.yml --e2e \
		--fail-on-prediction-errors --out results/stories

unit: catalogs
	$(PY) -m pytest -q -m "not integration"

test: lint content-check model rasa-validate
	$(PY) -m pytest -q
	$(MAKE) --no-print-directory rasa-stories

bench: catalogs model
	$(PY) scripts/bench.py --model "$$($(PY) scripts/model.py)"

# Where Rasa's time goes under load (needs py-spy on PATH or PY_SPY; not a bot dependency).
profile: catalogs model
	$(PY) scripts/profile_rasa.py --model "$$($(PY) scripts/model.py)"

lock: $(STAMP)
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e ' > requirements.lock

clean:
	rm -rf models results .rasa var locales/*/LC_MESSAGES/*.mo

# `make nlu-report ARGS="--held-out-from <commit>"`: score today's data on what that commit held out.
nlu-report: $(STAMP)
	$(PY) scripts/nlu_report.py $(ARGS)

# Training examples the model confidently disagrees with (5 folds, ~20 min), for a native speaker to check.
nlu-audit: $(STAMP)
	$(PY) scripts/nlu_audit.py $(ARGS)

# Messages written as new users would (tests/probes/, not training data) through the served model.
new-user-probe: model
	$(PY) scripts/new_user_probe.py $(ARGS)

# Lexicon forms of one language that match words of another in the training data (false friends).
lexicon-audit: $(STAMP)
	$(PY) scripts/lexicon_audit.py $(ARGS)

# `make nlu-cv ARGS="--set network_weight=0.6"`: a classifier setting against config.yml's, on the
# audit's five folds (~5 min a setting), for choosing settings without touching the report's test;
# `--tokenizer question_tokens=false` the same for a setting of the tokenizer.
nlu-cv: $(STAMP)
	$(PY) scripts/nlu_cv.py $(ARGS)

# Follow-up questions in two-message conversations through the trained model (no server).
follow-up-probe: model
	$(PY) scripts/follow_up_probe.py

# The report's held-out messages as they are, without accents or punctuation, and with typing
# errors (~12 min; `ARGS='--variants "as they are" "one typo"'` for two of them).
typo-probe: $(STAMP)
	$(PY) scripts/typo_probe.py $(ARGS)
