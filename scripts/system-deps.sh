#!/usr/bin/env bash
# Debian packages the gazette needs beyond Python. Installs only what is missing, as root;
# otherwise prints the apt-get command to run. Each later capability adds its packages here.
set -euo pipefail
# command or file that proves the package is there -> Debian package
declare -A needs=(
  [/usr/bin/chromium]=chromium                 # browser tests (Playwright drives Debian's Chromium)
  [qpdf]=qpdf                                  # PDF structure checks of composed issues
  [pdftotext]=poppler-utils                    # reading PDFs back: pdftotext, pdffonts, pdftoppm
  [soffice]="libreoffice-writer-nogui libreoffice-calc-nogui"  # DOC/DOCX/XLSX to PDF
  [ocrmypdf]=ocrmypdf                          # OCR of scanned PDFs
  [/usr/share/tesseract-ocr/5/tessdata/vie.traineddata]=tesseract-ocr-vie  # Vietnamese OCR data
  [wrk]=wrk                                    # HTTP load generator of make bench
  [pg_dump]=postgresql-client                  # backup and restore of a PostgreSQL database
  [softhsm2-util]=softhsm2                     # a PKCS#11 token for the signing tests (SoftHSM2)
  [npm]=npm                                    # Lighthouse (make lighthouse), front-end refresh
)
missing=()
for probe in "${!needs[@]}"; do
  if ! command -v "$probe" >/dev/null 2>&1 && [ ! -e "$probe" ]; then
    read -r -a packages <<< "${needs[$probe]}"
    missing+=("${packages[@]}")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "missing Debian packages: ${missing[*]}" >&2
  echo "run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
