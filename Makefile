# Neural networks, from XOR to PyTorch.
#
#   make lab     set up .venv (once) and open JupyterLab at notebooks/00_start_here.ipynb
#   make test    set up .venv (once) and run every test
#   make site    the course as a website, in build/site (offline; nothing is executed)
#
# Every target is idempotent: a second run installs nothing.

PYTHON      ?= python3
VENV        := .venv
BIN         := $(VENV)/bin
STAMP       := $(VENV)/.course-installed
KERNEL      := nn-course
KERNEL_NAME := Python 3 (NN course)
LAB_ARGS    ?=
PYTEST_ARGS ?=
NBGRADER_VENV  := .venv-nbgrader
NBGRADER_STAMP := $(NBGRADER_VENV)/.installed
NOTEBOOKS   := $(sort $(wildcard notebooks/*.ipynb))
SOLUTIONS   := $(sort $(wildcard solutions/*.ipynb))

export PYTHONHASHSEED := 0

.PHONY: setup lab kernel test data execute exercises bench grade site wheelhouse clean help

help:
	@sed -n '3,7p' Makefile

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstalls only when the package description or the pins change. The kernel is registered
# inside .venv (--sys-prefix), so two clones on one machine never overwrite each other's.
$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test,dev,site]"
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "$(KERNEL_NAME)"
	touch $@

setup: $(STAMP)

# Jupyter refuses to run as root (a container, a cloud VM) unless told to.
ROOT_ARGS := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)
ROOT_NOTE := make lab: you are root, so JupyterLab starts with --allow-root

# The course's bin/ comes first on PATH, so `course` and `python` in a JupyterLab
# terminal (File > New > Terminal) are the course's own.
lab: $(STAMP)
	@$(if $(ROOT_ARGS),echo "$(ROOT_NOTE)")
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" $(ROOT_ARGS) $(LAB_ARGS) notebooks/00_start_here.ipynb

# For a JupyterLab of your own: this clone's environment as a kernel of your user, named
# after this folder, so that several clones can each have theirs.
USER_KERNEL := nn-course-$(shell printf '%s' "$(CURDIR)" | cksum | cut -d' ' -f1)
kernel: $(STAMP)
	$(BIN)/python -m ipykernel install --user --name $(USER_KERNEL) --display-name "Python 3 (NN course, $(CURDIR))"
	@echo "Registered the kernel $(USER_KERNEL): pick \"Python 3 (NN course, $(CURDIR))\" in Kernel > Change Kernel."

# nbgrader adds menus to the JupyterLab it is installed in, so it lives in an
# environment of its own, used only by tests/grading/test_nbgrader_compat.py.
$(NBGRADER_STAMP): tests/nbgrader-requirements.txt
	$(PYTHON) -m venv $(NBGRADER_VENV)
	$(NBGRADER_VENV)/bin/python -m pip install --quiet -r tests/nbgrader-requirements.txt
	touch $@

# The offline-room test installs the course from this wheelhouse with PIP_NO_INDEX=1.
TEST_WHEELHOUSE := build/wheelhouse
$(TEST_WHEELHOUSE)/.complete: constraints.txt | $(STAMP)
	$(MAKE) --no-print-directory wheelhouse WHEELHOUSE=$(TEST_WHEELHOUSE)
	touch $@

test: $(STAMP) $(NBGRADER_STAMP) $(TEST_WHEELHOUSE)/.complete
	TQDM_DISABLE=1 COURSE_NBGRADER=$(CURDIR)/$(NBGRADER_VENV)/bin/nbgrader \
	  COURSE_WHEELHOUSE=$(CURDIR)/$(TEST_WHEELHOUSE) \
	  $(BIN)/python -m pytest $(PYTEST_ARGS) \
	    tests/unit tests/parity tests/setup tests/grading tests/site \
	    --nbval-lax --nbval-current-env $(NOTEBOOKS) $(SOLUTIONS) \
	    tests/browser

data: $(STAMP)
	$(BIN)/python -m course_lib.data.fashion_mnist

# Re-run every lecture and solution notebook in place, as committed.
execute: $(STAMP)
	TQDM_DISABLE=1 $(BIN)/python -m course_lib.execute $(NOTEBOOKS) $(SOLUTIONS)

exercises: $(STAMP)
	$(BIN)/course release

bench: $(STAMP)
	$(BIN)/python benchmarks/import_time.py
	$(BIN)/python benchmarks/notebooks.py
	$(BIN)/python benchmarks/grading.py
	$(BIN)/python benchmarks/xor_success_rate.py
	$(BIN)/python benchmarks/engine_vs_torch.py

# make grade SOURCE=solutions/01_xor.ipynb SUBMISSIONS=path/to/submissions [OUT=gradebook] [JOBS=2]
OUT  ?= gradebook
JOBS ?=
grade: $(STAMP)
	@test -n "$(SOURCE)" -a -n "$(SUBMISSIONS)" || \
	  { echo "usage: make grade SOURCE=solutions/NAME.ipynb SUBMISSIONS=DIR [OUT=DIR] [JOBS=N]"; exit 2; }
	$(BIN)/course grade "$(SOURCE)" "$(SUBMISSIONS)" --out "$(OUT)" $(if $(JOBS),--jobs $(JOBS))

# The course as a website, in build/site: the notebooks with their committed outputs
# (nothing is executed), the README's parts for learners and instructors, the
# instructor guide. Needs no network: MathJax is served from website/_static.
#   make site REPOSITORY_URL=https://github.com/ORG/REPO   adds Binder links
SITE              := build/site
REPOSITORY_URL    ?=
REPOSITORY_BRANCH ?= main
site: $(STAMP)
	$(BIN)/python -m sphinx -E -q -W --keep-going -b html -c website -d $(SITE)-doctrees \
	  -D course_repository_url="$(REPOSITORY_URL)" -D course_repository_branch="$(REPOSITORY_BRANCH)" \
	  . $(SITE)
	@echo "The site is in $(SITE)/ (to browse it: $(BIN)/python -m http.server -d $(SITE))"

# Every pinned package as a wheel, to install the course where there is no network:
#   make wheelhouse [WHEELHOUSE=wheels], then PIP_NO_INDEX=1 PIP_FIND_LINKS=wheels make lab
WHEELHOUSE ?= wheels
wheelhouse: $(STAMP)
	$(BIN)/python -m pip download --quiet --dest "$(WHEELHOUSE)" -r constraints.txt setuptools

clean:
	rm -rf $(VENV) $(NBGRADER_VENV) .pytest_cache .hypothesis test-artifacts build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -name .ipynb_checkpoints -type d -prune -exec rm -rf {} +
