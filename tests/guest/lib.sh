# Guest side of the harness protocol, sourced by init and every test.
#
# The guest talks to the host harness over the serial line (ttyAMA0, also
# the kernel console).  Every message is one line starting with "@@WCFB ";
# the host answers requests that need it (SHOT) with one line on the
# serial input.  See tests/harness/README.md for the whole protocol.
KREL=$(uname -r)
MODDIR=/lib/modules/$KREL
CTL=/dev/ttyAMA0
DRI_DEBUG=/sys/kernel/debug/dri/0

ctl() { echo "@@WCFB $*" > "$CTL"; }

# shot NAME CHECK...: ask the host for a screendump of what the display
# shows now and to check it (see the harness for the checks).  Returns 0
# when the host says the check passed.
shot() {
	local name=$1 reply
	shift
	stty -F "$CTL" -echo 2>/dev/null
	ctl SHOT "$name" "$@"
	read -r reply < "$CTL"
	case "$reply" in
	*"ok $name"*) return 0 ;;
	*) echo "shot $name: host said: $reply"; return 1 ;;
	esac
}

# modload NAME [PARAMS...]: insmod NAME's dependencies in depmod order
# (MODDIR/NAME.deps, written by mkinitramfs.sh), then NAME with PARAMS.
modload() {
	local m name=$1
	shift
	for m in $(cat "$MODDIR/$name.deps" 2>/dev/null); do
		[ "$m" = "$name" ] && continue
		[ -d "/sys/module/$m" ] || insmod "$MODDIR/$m.ko" || return 1
	done
	[ -d "/sys/module/$name" ] || insmod "$MODDIR/$name.ko" "$@"
}
