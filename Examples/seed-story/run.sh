#!/usr/bin/env bash
# The seed story: five people run five Grapevine nodes on loopback, connect, introduce each other,
# and ask the merged store who can introduce Jennifer to Kevin Bacon. See README.md next to this file.
#
#   Examples/seed-story/run.sh [--keep DIR]
#
# GRAPEVINE is the grapevine binary (default: build it with `swift build --product grapevine`).
# Every node this script starts is stopped when it exits: on success, on failure and on Ctrl-C.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/nodes.sh
source "$HERE/../lib/nodes.sh"
nodes_args "the five homes" "$@"
nodes_setup "$KEEP"

heading "1. Five homes, five nodes on loopback"
PEOPLE=(jeff jennifer kristina anonymous kevin)
declare -A NAME=([jeff]="Jeff" [jennifer]="Jennifer" [kristina]="Kristina" [anonymous]="Anonymous"
                 [kevin]="Kevin Bacon")
declare -A ID
# say WHO ARGS…: runs grapevine for WHO and prints its output after WHO's name.
say() {
    local who="$1"
    shift
    gv "$who" "$@" | sed "s/^/  ${NAME[$who]}: /"
}
for who in "${PEOPLE[@]}"; do
    gv "$who" init --name "${NAME[$who]}" >/dev/null
    ID[$who]="$(gv "$who" id --json | json_string id)"
done
start_node jeff
TOKEN="$(gv jeff invite | tail -n 1)"
for who in jennifer kristina anonymous kevin; do
    start_node "$who" --peer "$TOKEN"
done
for who in "${PEOPLE[@]}"; do
    printf '  %-12s %s  listening on %s\n' "${NAME[$who]}" "$(fingerprint "$who")" "$(node_listen "$who")"
done

heading "2. Everyone sets a card"
gv jeff card set title "Marketing director" >/dev/null
gv jeff card set org "Great Lakes Outfitters" >/dev/null
gv jeff card set locality "Traverse City, Michigan" >/dev/null
gv jeff card set note "Lifelong learner: night classes, book clubs, and whatever the library offers." >/dev/null
gv jeff card add categories "marketing" >/dev/null
gv jeff card add categories "lifelong learning" >/dev/null

gv jennifer card set title "Community college instructor" >/dev/null
gv jennifer card set org "Northwestern Michigan College" >/dev/null
gv jennifer card set locality "Traverse City, Michigan" >/dev/null
gv jennifer card set note "Teaches adult-education writing workshops." >/dev/null
gv jennifer card add categories "education" >/dev/null

gv kristina card set title "Author" >/dev/null
gv kristina card set org "Independent" >/dev/null
gv kristina card set locality "Petoskey, Michigan" >/dev/null
gv kristina card set note "Writes novels set on the Great Lakes; working on a book about learning late in life." >/dev/null
gv kristina card add categories "writing" >/dev/null
gv kristina card add categories "books" >/dev/null

gv anonymous card set title "Location scout" >/dev/null
gv anonymous card set org "Undisclosed" >/dev/null
gv anonymous card set locality "Los Angeles, California" >/dev/null
gv anonymous card set note "Prefers not to say much." >/dev/null
gv anonymous card add categories "film" >/dev/null

gv kevin card set title "Actor" >/dev/null
gv kevin card set org "The Bacon Brothers" >/dev/null
gv kevin card set locality "New York, New York" >/dev/null
gv kevin card set note "Six degrees, give or take." >/dev/null
gv kevin card add categories "film" >/dev/null
gv kevin card add categories "music" >/dev/null
converge "${PEOPLE[@]}"
echo "  Kristina's contacts, merged from all five nodes:"
gv kristina contacts | sed 's/^/    /'

heading "3. Connections: each side records its own, and only mutual ones count"
connect() {
    say "$1" connect "${ID[$2]}"
}
connect jeff jennifer
connect jeff kristina
connect jeff anonymous
connect anonymous kevin
converge "${PEOPLE[@]}"
connect jennifer jeff
connect kristina jeff
connect anonymous jeff
connect kevin anonymous
converge "${PEOPLE[@]}"

heading "4. Jeff introduces Jennifer to Kristina; both accept"
INTRO="$(gv jeff introduce "${ID[jennifer]}" "${ID[kristina]}" \
    --note "You both care about learning late in life" --json | json_string entry)"
echo "  Jeff: introduced Jennifer to Kristina (introduction ${INTRO:0:12}…)"
converge "${PEOPLE[@]}"
say jennifer accept "$INTRO"
say kristina accept "$INTRO"
converge "${PEOPLE[@]}"

heading "5. How far is Kevin Bacon from Jennifer?"
expect_hops jennifer "${ID[kevin]}" 3

heading "6. Anonymous introduces Jeff to Kevin Bacon; both accept"
INTRO="$(gv anonymous introduce "${ID[jeff]}" "${ID[kevin]}" \
    --note "Jeff is planning a film series at the library" --json | json_string entry)"
echo "  Anonymous: introduced Jeff to Kevin Bacon (introduction ${INTRO:0:12}…)"
converge "${PEOPLE[@]}"
say jeff accept "$INTRO"
say kevin accept "$INTRO"
converge "${PEOPLE[@]}"

heading "7. And now, how far is Kevin Bacon from Jennifer?"
expect_hops jennifer "${ID[kevin]}" 2

heading "8. Jeff's merged store"
gv jeff inspect

# The last line is the answer, so `make demo` ends with it.
echo
gv jennifer path "${ID[kevin]}"
