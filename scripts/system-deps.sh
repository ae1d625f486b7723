#!/usr/bin/env bash
# Install the system packages voicepractice needs, where they are missing.
#   espeak-ng            the interviewer's voice (pyttsx3's engine on Linux)
#   libportaudio2        microphone and speaker access (sounddevice)
# With --test, also what only the test suite needs (a person running drills never does):
#   pulseaudio, pulseaudio-utils, libasound2-plugins
#                        a real audio server with virtual devices, for the end-to-end test
#   chromium             a real browser for the review page's test (driven by Playwright, offline)
# With --list, print the packages of the chosen set and install nothing.
set -euo pipefail

packages=(espeak-ng libportaudio2)
list=0
for arg in "$@"; do
    case "$arg" in
    --test) packages+=(pulseaudio pulseaudio-utils libasound2-plugins chromium) ;;
    --list) list=1 ;;
    *) echo "usage: $0 [--test] [--list]" >&2; exit 2 ;;
    esac
done
if [ "$list" -eq 1 ]; then
    echo "${packages[*]}"
    exit 0
fi

case "$(uname -s)" in
Darwin)
    # pyttsx3 speaks with macOS's own voices and sounddevice's wheel bundles PortAudio.
    exit 0 ;;
MINGW*|MSYS*|CYGWIN*)
    # pyttsx3 uses SAPI5 and sounddevice's wheel bundles PortAudio.
    exit 0 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "voicepractice: not a Debian/Ubuntu system; install espeak-ng and PortAudio with your package manager." >&2
    exit 0
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "voicepractice: installing ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
else
    echo "voicepractice: please install as root: apt-get install ${missing[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
