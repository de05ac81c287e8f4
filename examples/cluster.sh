#!/usr/bin/env bash
# Three workers share one job through Redis, on this machine: the test site (smartretry serve),
# a local redis-server (appendonly, in a temporary folder), three `smartretry run --queue`
# processes on examples/catalog.yaml, then the job's totals (status) and its results.
#
#   bash examples/cluster.sh             # uses ./smartretry if built, else `go run ./cmd/smartretry`
#
# On several machines it is the same commands, with the Redis URL of a server all of them reach
# (see "Many machines" in the README).
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

if [[ -x ./smartretry ]]; then
	sr=./smartretry
else
	go build -o "$tmp/smartretry" ./cmd/smartretry
	sr="$tmp/smartretry"
fi
command -v redis-server >/dev/null || { echo "redis-server is not installed: run make setup" >&2; exit 1; }

# A free loopback port for Redis.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --dir "$tmp" --appendonly yes --appendfsync everysec \
	--save '' --maxmemory-policy noeviction --daemonize no --loglevel warning >"$tmp/redis.log" 2>&1 &
pids+=($!)
export SMARTRETRY_QUEUE="redis://127.0.0.1:$port/0"
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done

"$sr" serve >"$tmp/site" 2>"$tmp/serve.log" &
pids+=($!)
for _ in $(seq 100); do [[ -s "$tmp/site" ]] && break; sleep 0.1; done
export SITE=$(head -1 "$tmp/site")
echo "site $SITE, queue $SMARTRETRY_QUEUE"

job=cluster-$$
workers=()
for n in 1 2 3; do
	"$sr" run --job "$job" --concurrency 2 --out "$tmp/worker$n.jsonl" examples/catalog.yaml \
		>/dev/null 2>"$tmp/worker$n.log" &
	workers+=($!)
done
code=0
for n in 1 2 3; do
	if wait "${workers[$((n - 1))]}"; then rc=0; else rc=$?; code=1; fi
	echo "worker $n: exit $rc, $(grep -c '"kind":"item"' "$tmp/worker$n.jsonl" || true) items done here"
done

"$sr" status --job "$job"
"$sr" results --job "$job" -o "$tmp/all.jsonl" 2>/dev/null
echo "results: $(grep -c '"kind":"item"' "$tmp/all.jsonl") items, $(grep -c '"kind":"record"' "$tmp/all.jsonl") records"
"$sr" status --job "$job" --delete
exit $code
