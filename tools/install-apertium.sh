#!/usr/bin/env bash
# Install Apertium and the language pairs `align` uses, from the distribution's packages.
#
# - root and apt-get usable: installs them (runs `apt-get update` first, only when
#   something is missing, so a second run is quick);
# - otherwise: prints the exact command to run and exits 0 (Apertium is optional:
#   the tests that need it skip with a reason).
#
# Waits for the dpkg lock when another apt-get is running (up to 10 minutes).
#
# Pairs: English <-> Spanish, Catalan, Galician; through Spanish or Catalan:
# French, Portuguese, Italian, Romanian. And, as bridges into a language the sentence
# embeddings cover (so `align sentences` can compare like with like): Icelandic,
# Macedonian and Basque -> English, Belarusian <-> Russian, Afrikaans <-> Dutch
# (docs/alignment.md). For language detection's word evidence between close languages
# (docs/detect.md, step 9b): the morphological analysers of afr-nld, dan-nor, swe-nor,
# hbs-slv, mkd-bul, rus-ukr and es-pt (whose translation modes align hides: its tagger returns nothing on ordinary
# sentences); and, for the same step between Hindi, Nepali and Marathi, which no Apertium pair
# analyses, the spelling dictionaries hunspell-hi, hunspell-ne and aspell-mr (read in memory,
# not through a spell checker's command line). Override with APERTIUM_PACKAGES="...".
# Also GNU gettext: the PO tests check align's output with `msgfmt -c` (docs/formats.md).
set -euo pipefail

DEFAULT_PACKAGES="apertium lttoolbox apertium-lex-tools \
apertium-eng-spa apertium-eng-cat apertium-en-gl apertium-spa-cat \
apertium-fr-es apertium-fra-cat apertium-es-pt apertium-por-cat \
apertium-spa-ita apertium-cat-ita apertium-es-ro \
apertium-isl-eng apertium-mkd-eng apertium-eu-en apertium-bel-rus \
apertium-afr-nld apertium-dan-nor apertium-swe-nor apertium-hbs-slv apertium-mkd-bul apertium-rus-ukr \
hunspell-hi hunspell-ne aspell aspell-mr gettext"
read -r -a PACKAGES <<<"${APERTIUM_PACKAGES:-$DEFAULT_PACKAGES}"

missing=()
for pkg in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
    echo "apertium: all ${#PACKAGES[@]} packages already installed"
    exit 0
fi

command_line="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "apertium: not installed here (needs root and apt-get). Run:"
    echo "  sudo sh -c '$command_line'"
    exit 0
fi

echo "apertium: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
echo "apertium: installed; modes: $(apertium -l 2>/dev/null | tr -s ' \n' ' ')"
