# Qingling: `make run` starts the demo, `make test` runs every test.
SHELL := /bin/bash
export PATH := $(HOME)/.local/bin:$(PATH)
export UV_LINK_MODE := copy
UV := uv
# The environment's interpreter: the distribution's CPython 3.11 where there is one (built with
# profile-guided and link-time optimisation, like the production image's python:3.11-slim; a plain
# source build, as pyenv makes, spends about 7 % more CPU on the same pages), else the one uv finds.
# UV_PYTHON given by the caller wins.
UV_PYTHON ?= $(wildcard /usr/bin/python3.11)
ifneq ($(UV_PYTHON),)
export UV_PYTHON
endif

.PHONY: run test install install-test lint bench bench-ledger drill migrate demo uv backup restore

uv:
	@command -v uv >/dev/null || python3 -m pip install --quiet uv

install: uv
	@scripts/system-deps.sh run
	@$(UV) sync --frozen --quiet

install-test: uv
	@scripts/system-deps.sh test
	@$(UV) sync --frozen --quiet
	@scripts/services.sh

migrate: install
	@DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(UV) run python manage.py migrate --noinput -v0

demo: migrate
	@DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(UV) run python manage.py seed_demo

run: demo
	@scripts/run.sh

PYTEST_WORKERS ?= 2
test: install-test  ## every test, in PYTEST_WORKERS parallel processes (each with its own database)
	@$(UV) run pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	@$(UV) run ruff check . && $(UV) run ruff format --check .

bench: install-test  ## province benchmark (1 000 000 hazards; BENCH_ARGS=--quick for 100 000)
	@$(UV) run python bench/run.py $(BENCH_ARGS)

bench-ledger: install-test  ## only the ledger steps: 100 000-row export, 10 000-row import check and commit
	@$(UV) run python bench/run.py --only export,import,commit $(BENCH_ARGS)

drill: install-test  ## two web processes, proxy, two workers, a streaming replica, under load (DRILL_ARGS)
	@$(UV) run python bench/drill.py $(DRILL_ARGS)

backup: install  ## one dated archive of the database and uploaded files (BACKUP_DIR, default var/backups)
	@DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(UV) run python manage.py backup

restore: install  ## make restore FILE=var/backups/qingling-….tar (into an empty database)
	@test -n "$(FILE)" || { echo "用法：make restore FILE=备份文件.tar" >&2; exit 2; }
	@DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(UV) run python manage.py restore "$(FILE)"
