# One entry point for newcomers and CI:  make demo  |  make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 0.0.0.0
PORT ?= 8000

.PHONY: setup demo serve test test-js lint translations vendor

setup: $(VENV)/.installed vendor translations

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# static/vendor holds only what this copies. The browser imports the socket.io client, SortableJS
# and Chart.js as ES modules, by the specifiers that core/assets.py puts in the import map;
# Chart.js with its colour library and its one chunk; canvas-confetti for the reveal's last step.
# The fonts (Be Vietnam Pro, designed for Vietnamese) are what core/pdf.py embeds in printed PDFs,
# and a web font too.
FONTS := node_modules/@expo-google-fonts/be-vietnam-pro
vendor: node_modules/.package-lock.json
	rm -rf static/vendor
	mkdir -p static/vendor/fonts
	cp node_modules/socket.io-client/dist/socket.io.esm.min.js node_modules/socket.io-client/dist/socket.io.esm.min.js.map static/vendor/
	cp node_modules/sortablejs/modular/sortable.esm.js static/vendor/
	mkdir -p static/vendor/chart.js/chunks static/vendor/kurkle-color
	cp node_modules/chart.js/dist/chart.js node_modules/chart.js/dist/chart.js.map static/vendor/chart.js/
	cp node_modules/chart.js/dist/chunks/helpers.dataset.js node_modules/chart.js/dist/chunks/helpers.dataset.js.map static/vendor/chart.js/chunks/
	cp node_modules/@kurkle/color/dist/color.esm.js static/vendor/kurkle-color/
	cp node_modules/canvas-confetti/dist/confetti.module.mjs static/vendor/confetti.module.js
	cp $(FONTS)/400Regular/BeVietnamPro_400Regular.ttf $(FONTS)/400Regular_Italic/BeVietnamPro_400Regular_Italic.ttf \
	   $(FONTS)/600SemiBold/BeVietnamPro_600SemiBold.ttf $(FONTS)/700Bold/BeVietnamPro_700Bold.ttf \
	   $(FONTS)/LICENSE_FONT static/vendor/fonts/

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d core/translations --statistics >/dev/null

# Extract the message ids (Vietnamese) and merge them into the English catalogue.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -o core/translations/messages.pot --no-location --omit-header .
	$(BIN)/pybabel update -i core/translations/messages.pot -d core/translations -l en --no-fuzzy-matching

demo: setup
	$(BIN)/sangtao seed-demo --port $(PORT)
	$(BIN)/sangtao serve --host $(HOST) --port $(PORT)

serve: setup
	$(BIN)/sangtao serve --host $(HOST) --port $(PORT)

lint: $(VENV)/.installed node_modules/.package-lock.json
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	node_modules/.bin/eslint static/js tests/js eslint.config.js

# The front end's own unit tests (tests/js), in node's test runner.
test-js: node_modules/.package-lock.json
	node --test tests/js/*.test.js

test: setup lint test-js
	$(BIN)/pytest -q
