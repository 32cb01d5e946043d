# lanes: baddt
# Device-tree errors: each broken display node fails to probe with a log
# line that names the problem; nothing binds and nothing oopses.
fail=0
expect() { # expect NODE PATTERN
	if dmesg | grep "$1" | grep -qiE "$2"; then
		echo "ok - $1: $(dmesg | grep "$1" | grep -iE "$2" | head -n1 | cut -c16-)"
	else
		echo "not ok - $1: no log line matching '$2'"; fail=1
	fi
}
expect display-nopool "memory-region"
expect display-notapool "shared-dma-pool|reserved|pool"
expect display-badbits "dma-address-bits"
expect display-nofwcfg "fw-cfg"
expect display-notfwcfg "fw-cfg"
if ls /dev/dri/card* 2>/dev/null; then echo "not ok - a broken node bound"; fail=1; fi
dmesg | grep -E "^\[.*\] wcfb" | head -20
# The module unloads cleanly after all those failed probes.
rmmod wcfb || { echo "not ok - rmmod"; fail=1; }
exit $fail
