#!/usr/bin/env sh
# Post one example to a running ai-webhook:  ./examples/post.sh session_create
# Uses API_KEY, or the key generated in ${DATA_DIR:-./data}/secrets.properties; URL from AI_WEBHOOK_URL.
set -eu
name=${1:?usage: examples/post.sh <example name, e.g. session_create>}
dir=$(dirname "$0")
file="$dir/${name%.json}.json"
key=${API_KEY:-$(sed -n 's/^api_key=//p' "${DATA_DIR:-./data}/secrets.properties" 2>/dev/null)}
[ -n "$key" ] || { echo "No API key: set API_KEY or start the app once (it writes ${DATA_DIR:-./data}/secrets.properties)" >&2; exit 2; }
curl -sS -X POST "${AI_WEBHOOK_URL:-http://localhost:${PORT:-8080}}/webhook" -H "X-API-Key: $key" \
     -H "Content-Type: application/json" --data-binary @"$file"
echo
