#!/usr/bin/env bash
# What the end-to-end tests need besides npm packages: Debian's Chromium (playwright-core cannot
# download a browser here) and the renderer exactly as electron-vite builds it for shipping.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
need=()
[ -x "$chromium" ] || need+=(chromium)
# A CJK font, or the zh-CN screenshots show boxes (the tests read text, people read screenshots).
if ! command -v fc-list >/dev/null || [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then need+=(fonts-wqy-microhei); fi
bash "$repo/scripts/apt-install.sh" setup-e2e "needed by the end-to-end tests; or set CHROMIUM_PATH" ${need[@]+"${need[@]}"}
echo "setup-e2e: $("$chromium" --version 2>/dev/null || echo "chromium at $chromium")" >&2

# The e2e suite serves out/renderer as the headless host would ship it; build it fresh.
npx electron-vite build >/dev/null
echo "setup-e2e: built out/ with electron-vite" >&2
