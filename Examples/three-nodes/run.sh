#!/usr/bin/env bash
# The smallest network: three nodes on loopback joined with one invite, then their status and
# equal store digests. See README.md next to this file.
#
#   Examples/three-nodes/run.sh [--keep DIR]
#
# GRAPEVINE is the grapevine binary (default: build it with `swift build --product grapevine`).
# Every node this script starts is stopped when it exits: on success, on failure and on Ctrl-C.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/nodes.sh
source "$HERE/../lib/nodes.sh"
nodes_args "the three homes" "$@"
nodes_setup "$KEEP"

heading "1. Three homes"
gv ada init --name "Ada" | sed 's/^/  /'
gv grace init --name "Grace" | sed 's/^/  /'
gv linus init --name "Linus" | sed 's/^/  /'

heading "2. Ada runs a node and prints an invite"
start_node ada
echo "  ada listens on $(node_listen ada)"
gv ada invite | sed 's/^/  /'
TOKEN="$(gv ada invite | tail -n 1)"

heading "3. Grace adds the invite, then starts; Linus joins with --peer"
gv grace peer add "$TOKEN" | sed 's/^/  /'
start_node grace
start_node linus --peer "$TOKEN"
echo "  grace listens on $(node_listen grace), linus on $(node_listen linus)"

heading "4. Equal digests"
converge ada grace linus
for who in ada grace linus; do
    printf '  %-6s %s\n' "$who" "$(gv "$who" inspect --json | json_string digest)"
done

heading "5. Ada's node"
wait_members ada alive 2
gv ada status
