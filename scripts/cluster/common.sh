# Sourced by up.sh and down.sh once they have set $here to this folder: the pinned versions, the
# cluster's settings, and the functions that start, configure and tear down its daemons. These
# files only set variables and define functions, so the order they are sourced in is free.
. "$here/versions.env"
. "$here/cluster.env"
. "$here/lib.sh"
. "$here/daemons.sh"
. "$here/configs.sh"
. "$here/teardown.sh"
