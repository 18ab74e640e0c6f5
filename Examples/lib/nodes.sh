# Helpers the example scripts share: homes in a temporary directory, nodes on loopback that are
# always stopped, convergence by store digest. Sourced by Examples/*/run.sh; needs bash 4.

NODE_START_TIMEOUT=10   # seconds for a node to write its first status.json
CONVERGE_TIMEOUT=20     # seconds for every store to reach the same digest
STOP_TIMEOUT=3          # seconds between SIGTERM and SIGKILL

NODE_PIDS=()
declare -A NODE_PID

die() {
    echo "error: $*" >&2
    exit 1
}

heading() {
    printf '\n== %s ==\n' "$*"
}

# nodes_args WHAT "$@": parses the scripts' one option, --keep DIR, into KEEP ("" when absent).
# WHAT names the homes in the usage line, for example "the five homes".
nodes_args() {
    local what="$1"
    shift
    KEEP=""
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --keep) [[ $# -ge 2 ]] || nodes_usage "$what"; KEEP="$2"; shift 2 ;;
            -h|--help) nodes_usage "$what" ;;
            *) echo "error: unknown argument $1" >&2; nodes_usage "$what" ;;
        esac
    done
}

nodes_usage() {
    echo "usage: $0 [--keep DIR]   (keep $1 and node logs in DIR, which must not exist yet)" >&2
    exit 64
}

# nodes_setup KEEP_DIR: finds or builds the binary, makes the homes' directory, installs the traps.
nodes_setup() {
    KEEP_DIR="$1"
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
    if [[ -z "${GRAPEVINE:-}" ]]; then
        echo "building grapevine (set GRAPEVINE to use another binary)…" >&2
        (cd "$root" && swift build --product grapevine >&2)
        GRAPEVINE="$(cd "$root" && swift build --product grapevine --show-bin-path)/grapevine"
    fi
    [[ -x "$GRAPEVINE" ]] || die "no grapevine binary at $GRAPEVINE: build it with \`swift build --product grapevine\`"
    if [[ -n "$KEEP_DIR" ]]; then
        [[ ! -e "$KEEP_DIR" || -z "$(ls -A "$KEEP_DIR")" ]] || die "--keep $KEEP_DIR is not empty: give a new directory"
        mkdir -p "$KEEP_DIR"
        HOMES="$(cd "$KEEP_DIR" && pwd)"
    else
        HOMES="$(mktemp -d "${TMPDIR:-/tmp}/grapevine-example.XXXXXX")"
    fi
    trap nodes_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# Stops every node this script started (SIGTERM, then SIGKILL), and removes the homes unless kept.
nodes_cleanup() {
    local code=$?
    trap - EXIT INT TERM
    local pid waited
    for pid in "${NODE_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${NODE_PIDS[@]}"; do
        waited=0
        while kill -0 "$pid" 2>/dev/null && (( waited < STOP_TIMEOUT * 10 )); do
            sleep 0.1
            waited=$(( waited + 1 ))
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "node $pid did not stop within ${STOP_TIMEOUT} s: killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
    if (( code == 130 || code == 143 )); then
        echo "interrupted: every node this script started is stopped" >&2
    elif (( code != 0 )); then
        echo >&2
        echo "failed (exit $code); the last lines of each node's log:" >&2
        local log
        for log in "$HOMES"/*.log; do
            [[ -e "$log" ]] || continue
            echo "--- $(basename "$log")" >&2
            tail -n 5 "$log" >&2
        done
    fi
    if [[ -z "$KEEP_DIR" ]]; then
        rm -rf "$HOMES"
    else
        echo "homes and node logs kept in $HOMES (every node is stopped)" >&2
    fi
    exit "$code"
}

# gv WHO ARGS…: runs grapevine on WHO's home (options follow the subcommand).
gv() {
    local who="$1"
    shift
    "$GRAPEVINE" "$@" --home "$HOMES/$who"
}

# json_string KEY: the first string value of KEY in the JSON on standard input.
json_string() {
    grep -o "\"$1\" *: *\"[^\"]*\"" | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/'
}

# json_number KEY: the first number (or null) value of KEY in the JSON on standard input.
json_number() {
    grep -o "\"$1\" *: *[0-9a-z]*" | head -n 1 | sed 's/.*: *//'
}

fingerprint() {
    gv "$1" id --json | json_string fingerprint
}

# start_node WHO [RUN OPTIONS…]: starts WHO's node on an OS-chosen loopback port and waits until
# it reports its status.
start_node() {
    local who="$1"
    shift
    "$GRAPEVINE" run --home "$HOMES/$who" --listen 127.0.0.1:0 "$@" >"$HOMES/$who.log" 2>&1 &
    local pid=$!
    NODE_PIDS+=("$pid")
    NODE_PID[$who]=$pid
    local deadline=$(( SECONDS + NODE_START_TIMEOUT ))
    until [[ "$(gv "$who" status --json 2>/dev/null | json_number pid)" == "$pid" ]]; do
        kill -0 "$pid" 2>/dev/null || die "the node of $who exited at start: see $HOMES/$who.log"
        (( SECONDS < deadline )) || die "the node of $who did not start within ${NODE_START_TIMEOUT} s"
        sleep 0.1
    done
}

# node_listen WHO: the address WHO's running node listens on.
node_listen() {
    gv "$1" status --json | json_string listen
}

# converge WHO…: waits until every named store holds the same digest.
converge() {
    local start=$EPOCHREALTIME deadline=$(( SECONDS + CONVERGE_TIMEOUT ))
    local who digests
    while :; do
        digests=()
        for who in "$@"; do
            digests+=("$(gv "$who" inspect --json | json_string digest)")
        done
        if [[ "$(printf '%s\n' "${digests[@]}" | sort -u | wc -l)" -eq 1 ]]; then
            printf '  converged: %d stores hold digest %s (%.1f s)\n' "$#" "${digests[0]}" \
                "$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { print b - a }')"
            return 0
        fi
        if (( SECONDS >= deadline )); then
            echo "error: the stores did not converge within ${CONVERGE_TIMEOUT} s:" >&2
            local i=0
            for who in "$@"; do
                echo "  $who ${digests[$i]}" >&2
                i=$(( i + 1 ))
            done
            return 1
        fi
        sleep 0.2
    done
}

# expect_hops WHO TARGET HOPS: prints WHO's path to TARGET and fails unless it has HOPS hops.
expect_hops() {
    local hops
    hops="$(gv "$1" path "$2" --json | json_number hops || true)"
    gv "$1" path "$2" | sed 's/^/  /' || true
    [[ "$hops" == "$3" ]] || die "expected a path of $3 hops, found ${hops:-none}"
}

# wait_members WHO STATE COUNT: waits until WHO's node lists COUNT members in STATE.
wait_members() {
    local deadline=$(( SECONDS + CONVERGE_TIMEOUT ))
    until [[ "$(gv "$1" status --json | grep -c "\"state\" *: *\"$2\"")" -ge "$3" ]]; do
        (( SECONDS < deadline )) || die "$1's node did not see $3 members $2 within ${CONVERGE_TIMEOUT} s"
        sleep 0.2
    done
}
