#!/usr/bin/env bash
# The real programs the tests open our output with: Chromium (HTML decks, videos) and
# LibreOffice Impress (PowerPoint decks). Without them those tests are skipped, with the reason.
set -euo pipefail
if command -v chromium >/dev/null && command -v soffice >/dev/null; then
    exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
printf '[setup] installing chromium and libreoffice-impress (real clients for the deck tests)\n' >&2
$sudo apt-get update -q >/dev/null
$sudo apt-get install -y -q chromium libreoffice-impress >/dev/null
