# Sound Autoencoders: the two commands a learner needs are `make lab` and `make test`.
# Both create .venv on first use and install the exact versions CI tested (requirements.lock).
# Once .venv exists, `make test` needs no root, no npm and no network; `make ci` (what CI runs)
# adds the browser tests, the slides, the quick benchmark and the newest Python.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888
# Jupyter refuses to run as root (containers, CI) unless told it may.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

# Keep TensorFlow's C++ start-up chatter out of terminals and notebook outputs: the settings are
# defined once, in course_utils/session.py (TF_ENVIRONMENT); any Python 3 prints them.
$(foreach setting,$(shell $(PYTHON) -m course_utils env --make),$(eval export $(setting)))
export PYTHONHASHSEED := 0

.PHONY: weights test-pythons lab lab-zh student test ci readme-table lint pytest notebooks notebooks-zh doctor data lock site slides browser screenshots benchmark benchmark-quick clean strip help

help:
	@echo "make lab        set up .venv if needed, build the student edition and open JupyterLab at its lesson 00"
	@echo "                  PORT=8890 another port; EDITION=complete the lessons with their solutions;"
	@echo "                  LAB_ARGS=\"--no-browser ...\" more JupyterLab options (a --port there wins over PORT)"
	@echo "make lab-zh     the same in Chinese: JupyterLab's Chinese language pack, the Chinese lesson 00"
	@echo "make student    the student edition (both languages) in build/student: the learner's code left out"
	@echo "make test       set up .venv if needed, then lint, pytest, run every notebook, build the site (no root, npm or network)"
	@echo "make ci         make test, then the browser tests, slides, quick benchmark and Python 3.13 (what CI runs)"
	@echo "make notebooks-zh  run the Chinese edition once; every solution's check must say 正确"
	@echo "make site       build the course website (executed notebooks as HTML) into build/site"
	@echo "make slides     reveal.js slides of lessons 03 and 05 into build/slides (offline)"
	@echo "make browser    test JupyterLab and the website in a real browser (Debian's Chromium)"
	@echo "make test-pythons  package tests and notebooks on every Python 3.10-3.13 found (PYTHONS=3.13)"
	@echo "make doctor     check Python, packages, data checksums and memory"
	@echo "make data       regenerate data/ (needs espeak-ng and sox; REAL=DIR bundles real recordings)"
	@echo "make weights    train the k-sparse autoencoder and the denoiser the notebooks load (data/weights/)"
	@echo "make lock       re-resolve requirements.lock and binder/requirements.txt"
	@echo "make benchmark  measure notebooks and models, write benchmarks/results.md and results.json"
	@echo "make readme-table  put benchmarks/results.md into README.md's benchmark section"
	@echo "make strip      remove outputs from notebooks before committing"

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed; set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (Sound Autoencoders)" >/dev/null
	# Every kernel loads course_utils.ipython_extension: the NameError hint survives a restart.
	# Markdown opens rendered in JupyterLab, so a glossary link lands on its term.
	$(BIN)/python -m course_utils kernel --dir $(VENV)/share/jupyter/kernels/python3 \
		--lab-settings $(VENV)/share/jupyter/lab/settings >/dev/null
	# nbgrader (dev tools: the instructors' generate_assignment) is a library here, not a JupyterLab menu.
	-$(BIN)/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader >/dev/null 2>&1
	-$(BIN)/jupyter labextension disable --level=sys_prefix @jupyter-notebook/lab-extension >/dev/null 2>&1
	-for extension in formgrader assignment_list course_list validate_assignment; do \
		$(BIN)/jupyter server extension disable --sys-prefix nbgrader.server_extensions.$$extension >/dev/null 2>&1; done
	touch $(STAMP)

# The student edition (scripts/student_edition.py): every lesson of both languages with the
# learner's code (### BEGIN SOLUTION ... ### END SOLUTION) replaced by a skeleton.
student: $(STAMP)
	$(BIN)/python scripts/student_edition.py --out build/student

# The server's root is the repository, so lessons' links to ../README.md and ../docs/ work
# (as on Binder); the browser opens on the first lesson of the student edition (EDITION=complete:
# the lessons with their solutions). A --port in LAB_ARGS wins over PORT instead of clashing.
EDITION ?= student
LESSONS_DIR = $(if $(filter complete,$(EDITION)),notebooks,build/student/notebooks)
PORT_FLAG = $(if $(findstring --port,$(LAB_ARGS))$(findstring --ServerApp.port,$(LAB_ARGS)),,--port=$(PORT))
lab: $(STAMP) $(if $(filter complete,$(EDITION)),,student)
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/$(LESSONS_DIR)/00_welcome.ipynb \
		$(PORT_FLAG) $(ROOT_FLAG) $(LAB_ARGS)

# The Chinese edition in a Chinese JupyterLab: the optional language pack (the `zh` extra, not in
# the lock) and a settings folder of its own that selects zh_CN, so `make lab` stays English.
ZH_SETTINGS := build/lab-zh-settings
lab-zh: $(STAMP) $(if $(filter complete,$(EDITION)),,student)
	$(BIN)/python -m pip install --quiet "jupyterlab-language-pack-zh-cn>=4.2"
	mkdir -p $(ZH_SETTINGS)/@jupyterlab/translation-extension
	test -f $(ZH_SETTINGS)/@jupyterlab/translation-extension/plugin.jupyterlab-settings || \
		echo '{"locale": "zh_CN"}' > $(ZH_SETTINGS)/@jupyterlab/translation-extension/plugin.jupyterlab-settings
	JUPYTERLAB_SETTINGS_DIR=$(ZH_SETTINGS) $(BIN)/jupyter lab --ServerApp.root_dir=. \
		--LabApp.default_url=/lab/tree/$(LESSONS_DIR)/zh/00_welcome.ipynb $(PORT_FLAG) $(ROOT_FLAG) $(LAB_ARGS)

# The README's test command, for anyone with .venv: no root, no npm, no network.
test: $(STAMP) lint pytest notebooks site

# What CI runs (.ci/run), as root with the npm registry reachable: make test, then Chromium
# (installed as root), the slides (reveal.js from npm), the quick benchmark and the newest Python.
ci: test notebooks-zh slides browser benchmark-quick
	$(MAKE) test-pythons PYTHONS=3.13 TEST_PYTHONS_ARGS=--require

lint: $(STAMP)
	$(BIN)/ruff check course_utils tests scripts benchmarks notebooks
# The package, tests, scripts and benchmarks keep ruff's format. Lessons are left out: the formatter
# would put each argument on a line of its own and add about 2,000 lines a learner has to read.
	$(BIN)/ruff format --check course_utils tests scripts benchmarks
	$(BIN)/python scripts/check_notebooks_clean.py notebooks
	$(BIN)/python scripts/update_used_in.py --check
	$(BIN)/python scripts/update_module_table.py --check

pytest: $(STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/browser $(PYTEST_ARGS)

# Every notebook runs twice: nbconvert executes it (any error fails), then nbval
# executes the result again and compares every output with the first run's
# (times and memory are masked by tests/nbval_sanitize.cfg), so a notebook whose
# numbers change from run to run fails. Every exercise's solution (the code between
# ### BEGIN SOLUTION and ### END SOLUTION) must have made its check say "Correct".
NOTEBOOKS ?= notebooks/*.ipynb
notebooks: $(STAMP)
	rm -rf build/executed && mkdir -p build/executed
	$(BIN)/jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=180 \
		--output-dir build/executed $(NOTEBOOKS)
	$(BIN)/python scripts/student_edition.py --verify build/executed
	$(BIN)/python -m pytest --nbval --nbval-current-env --nbval-cell-timeout=180 \
		--nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider build/executed $(PYTEST_ARGS)

# The Chinese edition, executed once: its code is the English lessons' (tests/test_zh_edition.py),
# which nbval runs twice; here its messages are Chinese (setup_notebook(language="zh")), and
# every solution's check must say 正确 (Correct).
notebooks-zh: $(STAMP)
	rm -rf build/executed-zh && mkdir -p build/executed-zh
	$(BIN)/jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=180 \
		--output-dir build/executed-zh notebooks/zh/*.ipynb
	$(BIN)/python scripts/student_edition.py --verify build/executed-zh

# The website: the notebooks executed by `make notebooks` (build/executed; any missing
# or changed since is executed here) as HTML pages, offline, in build/site. No npm: the
# slides are a target of their own.
site: $(STAMP)
	$(BIN)/python scripts/build_site.py --executed build/executed --out build/site

# reveal.js slides of lessons 03 and 05 (reveal.js, require.js, jQuery from npm, copied at build time).
slides: $(STAMP)
	$(BIN)/python scripts/build_site.py --slides --executed build/executed --out build/slides

# JupyterLab and the website in Debian's Chromium, driven by Playwright (no browser
# download; the tests apt-get install chromium when it is missing and they run as root).
# The slides come first: a browser test opens them (`make slides` needs the npm registry).
browser: $(STAMP) site slides
	$(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

# Refresh docs/explorer.png, the README's picture of the code-size explorer.
screenshots: $(STAMP)
	UPDATE_DOCS_SCREENSHOT=1 $(BIN)/python -m pytest tests/browser/test_jupyterlab.py $(PYTEST_ARGS)

# Every supported Python found here (3.10-3.13): a venv from the lock in .venvs/, the package
# tests and every notebook once; a FutureWarning or DeprecationWarning from the course fails.
PYTHONS ?= 3.10 3.11 3.12 3.13
test-pythons:
	$(PYTHON) scripts/test_pythons.py --pythons $(PYTHONS) $(TEST_PYTHONS_ARGS)

doctor: $(STAMP)
	$(BIN)/python -m course_utils doctor

# make data REAL=DIR also bundles the real recordings from DIR (clips/, fsdd-4-speakers/);
# REAL_ONLY=1 redoes only data/real/ and needs neither espeak-ng nor sox.
data: $(STAMP)
	$(BIN)/python scripts/make_data.py $(if $(REAL),--real "$(REAL)") $(if $(REAL_ONLY),--real-only)

# Train the k-sparse autoencoder and the denoiser the notebooks load (data/weights/, checked by SHA-256).
weights: $(STAMP)
	$(BIN)/python scripts/make_weights.py

# One resolution: the dev lock, then the runtime subset constrained to it, so Binder and
# environment.yml get exactly the versions CI tests, without the test tools.
lock:
	uv pip compile pyproject.toml --extra dev --python-version 3.10 --universal -o requirements.lock
	uv pip compile pyproject.toml --python-version 3.10 --universal -c requirements.lock -o binder/requirements.txt

# A small version of every benchmark part, run by make test so the harness cannot rot. The
# trainers part is left out here because pytest already runs it and asserts its memory claim
# (tests/test_benchmarks.py): running it twice cost make test 80 s.
benchmark-quick: $(STAMP)
	mkdir -p build
	$(BIN)/python -m benchmarks --quick --skip trainers --markdown build/benchmark-quick.md --json build/benchmark-quick.json

# The full benchmark writes to benchmarks/ only; `make readme-table` then copies its table into
# README.md, so a benchmark run never rewrites the README by surprise.
benchmark: $(STAMP)
	$(BIN)/python -m benchmarks --markdown benchmarks/results.md --json benchmarks/results.json

readme-table: $(STAMP)
	$(BIN)/python -m benchmarks --readme-from benchmarks/results.md --readme README.md

strip:
	$(BIN)/python scripts/check_notebooks_clean.py --fix notebooks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
