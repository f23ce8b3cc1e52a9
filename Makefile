# From Gradient Descent to Adam -- build and test the book.
#
#   make book   install what is needed into .venv, then build the HTML book
#   make test   install what is needed into .venv, then run the whole suite
#   make check NB=chapters/NAME.md   test one chapter (pair, both nbval passes)
#   make lab    JupyterLab on the chapters, MyST rendered (jupyterlab-myst)
#   make student   the book without solutions, in _build/student
#   make pdf    the whole book as one PDF, _build/book.pdf
#
# Both create the virtual environment on first use; later runs reuse it.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The notebooks' stored outputs were computed on a CPU; refreshing them on a
# GPU machine would store numbers that nbval cannot reproduce on a CPU.
EXEC_ENV := BOOK_DEVICE=cpu
NB     ?= $(shell grep -l '^jupytext:' chapters/*.md)
# No per-cell timestamps (they would change the file on every run), and
# stream outputs merged with carriage returns applied, as a terminal shows
# them: a progress bar is stored as its final state.
EXEC_OPTS := --ExecutePreprocessor.timeout=600 \
	--ExecutePreprocessor.record_timing=False \
	--NotebookExporter.preprocessors='["nbconvert.preprocessors.CoalesceStreamsPreprocessor"]'

# pytest-xdist workers for make test (auto: one per CPU core).
WORKERS ?= auto
# make sync / make execute stop rather than overwrite an edit; KEEP=md or
# KEEP=ipynb says which side of a conflicting pair wins (tests/pairs.py).
KEEP   ?=
SYNC   := $(BIN)/python tests/pairs.py $(if $(KEEP),--keep $(KEEP))

.PHONY: install browser book student pdf test check bench execute sync serve lab lock clean

install: $(STAMP)

$(STAMP): requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -c constraints.txt -r requirements.txt
	$(BIN)/python -m pip install --no-deps -e .
	touch $@

# Builds from the notebooks' stored outputs; nothing is executed. With
# BOOK_REPOSITORY_URL=https://github.com/OWNER/REPO in the environment the
# chapters also get Colab/Binder launch buttons (_ext/launch_buttons.py).
book: install
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "The book is in _build/html/index.html (make serve to browse it)."

# The student edition: the same book with every solution removed, from the
# pages and from the notebooks they offer for download (_ext/student_edition.py).
student: install
	BOOK_EDITION=student $(BIN)/jupyter-book build . --path-output _build/student -W -n --keep-going
	@echo "The student edition is in _build/student/_build/html/index.html."

# The whole book as one PDF, printed from the one-page HTML by the system's
# Chromium (_ext/pdf_book.py); needs make browser's Chromium.
pdf: install browser
	BOOK_PDF=_build/book.pdf $(BIN)/jupyter-book build . --builder singlehtml --path-output _build/pdf -W -n --keep-going
	@echo "The PDF is _build/book.pdf."

# Chromium for the browser tests: Debian's package, installed with apt-get
# when no Chromium or Chrome is found (see tests/install_chromium.sh).
browser:
	bash tests/install_chromium.sh

# lib's unit tests, notebook checks, the -W book build, the browser tests of
# the built site and nbval (every notebook natively and under perturbed
# arithmetic, tests/arithmetic.py), in one run spread over the CPU cores.
test: install browser
	$(BIN)/python -m pytest -n $(WORKERS)

# One chapter after an edit: its pair and notebook checks, and nbval's two
# passes over its notebook.
check: install
	@test "$(words $(NB))" = 1 || \
	  { echo "usage: make check NB=chapters/NAME.md"; exit 2; }
	$(BIN)/python -m pytest -n $(WORKERS) $(NB:.md=.ipynb) \
	  tests/test_notebooks.py -k "$(basename $(notdir $(NB)))"

# Time the notebooks, the site build, lib.optim and lib.fit; print tables and
# write benchmarks/RESULTS.md (about 5 minutes; make test runs only a quick
# smoke test of it). Run it on an otherwise idle machine.
bench: install
	$(BIN)/python -m benchmarks

# Re-run chapters top to bottom and store their outputs (after an edit).
# One chapter: make execute NB=chapters/gradient_descent.md
execute: install
	@for md in $(NB); do \
	  echo "executing $$md"; \
	  $(SYNC) "$$md" && \
	  $(EXEC_ENV) $(BIN)/jupyter nbconvert --to notebook --execute \
	    --inplace $(EXEC_OPTS) "$${md%.md}.ipynb" || exit 1; \
	done

# Regenerate each .ipynb from its .md, keeping the stored outputs; stops,
# naming the file, where the notebook was edited too (see KEEP above).
sync: install
	$(SYNC) $(NB)

serve:
	$(PYTHON) -m http.server --directory _build/html --bind 127.0.0.1 8000

# JupyterLab on the book: jupyterlab-myst renders the chapters' MyST
# (exercise boxes, solutions folded away), Jupytext opens either file of a
# pair. Jupyter refuses to start as root (a container, a cloud machine)
# without --allow-root; ARGS passes more (tests/test_lab.py uses it).
LAB_FLAGS := $(if $(filter 0,$(shell id -u)),--allow-root)
lab: install
	$(BIN)/jupyter lab $(LAB_FLAGS) $(ARGS)

lock: install
	@echo "# Every package of a working install, pinned (pip freeze). Regenerate with" > constraints.txt
	@echo "# 'make lock' after changing requirements.txt." >> constraints.txt
	$(BIN)/python -m pip freeze --exclude-editable \
	  | sed 's/^torch==\([0-9.]*\)+cpu/torch==\1/' >> constraints.txt

clean:
	rm -rf _build
