#!/usr/bin/env bash
# Idempotent set-up: system packages (OCR, LibreOffice, PostgreSQL) and the Python venv.
set -euo pipefail
cd "$(dirname "$0")/.."

# libreoffice-calc-nogui: spreadsheets (XLSX exports) printed/converted by LibreOffice;
# fonts-liberation2 (with the Vietnamese letters; fonts-liberation 1.x lacks them), fonts-dejavu-*: the
# fonts the generated samples and the handwriting tests draw their pages with;
# chromium + chromium-driver: the web workspace's browser tests (Selenium drives Debian's own build, no download)
SYSTEM_PACKAGES=(tesseract-ocr tesseract-ocr-vie libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils
                 postgresql fonts-liberation2 fonts-dejavu-core fonts-dejavu-extra chromium chromium-driver)
missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
command -v cc >/dev/null 2>&1 || missing+=(gcc)   # builds the PDF reader's C helper (optional, faster)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.congvan-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/pip install -q --upgrade pip >/dev/null
  .venv/bin/pip install -q -e ".[dev]"
  touch "$stamp"
fi
# the PP-OCRv4 text recogniser for handwritten numbers ships inside this wheel; its opencv
# dependency (needs libGL) is not used: extractors/readers/handwriting.py runs the model with onnxruntime
# (the `handwriting` extra of pyproject.toml, installed here without its unused opencv dependency)
if ! .venv/bin/python -c "import importlib.util as u, sys; sys.exit(u.find_spec('rapidocr_onnxruntime') is None)"; then
  spec=$(.venv/bin/python -c "import tomllib; print(tomllib.load(open('pyproject.toml','rb'))['project']['optional-dependencies']['handwriting'][0])")
  .venv/bin/pip install -q --no-deps "$spec"
fi
.venv/bin/python -m extractors.readers.native      # the PDF reader's C helper (pure-Python fallback)
# byte-compile the project as pip does an installed package: every worker process imports it, and
# with PYTHONDONTWRITEBYTECODE set nothing would cache the compiled modules (~0.1 s per process)
.venv/bin/python -m compileall -q extractors pipelines models >/dev/null
echo "setup: ready (.venv)"
