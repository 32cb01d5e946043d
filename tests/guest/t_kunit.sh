# kernel: debug
# timeout: 120
# KUnit tests of the driver's internals (drm/tests/wcfb_kunit.c, module
# wcfb_test.ko, only in the debug kernel's initramfs): loading the module
# runs its suites; each suite's KTAP log is read back from debugfs and
# every case is reported to the host as "kunit.SUITE.CASE".  Any "not ok",
# a missing suite or a failed load fails this test.
SUITES="wcfb_scanout wcfb_gem wcfb_drv wcfb_blitter wcfb_sg wcfb_composer"
KUNIT_DEBUG=/sys/kernel/debug/kunit
[ -e "$MODDIR/wcfb_test.ko" ] || { echo "no wcfb_test.ko in this initramfs"; exit 77; }
modload wcfb_test || { echo "loading wcfb_test.ko failed"; exit 1; }
fail=0
for s in $SUITES; do
	r=$KUNIT_DEBUG/$s/results
	if [ ! -r "$r" ]; then
		echo "suite $s: no results in $r"
		fail=1
		continue
	fi
	cat "$r"
	# Cases are the indented "ok N - name" / "not ok N - name" lines.
	sed -n 's/^[[:space:]]\{1,\}\(not ok\|ok\) [0-9]\{1,\} \(- \)\{0,1\}\([^ #]*\).*$/\1 \3/p' "$r" > /tmp/kunit.$s
	[ -s /tmp/kunit.$s ] || { echo "suite $s: no cases found"; fail=1; }
	while read -r a b c; do
		if [ "$a" = ok ]; then
			ctl CASE "kunit.$s.$b" PASS
		else
			ctl CASE "kunit.$s.$c" FAIL
			fail=1
		fi
	done < /tmp/kunit.$s
	grep -q "^not ok" "$r" && { echo "suite $s: not ok"; fail=1; }
done
# wcfb_test.ko holds wcfb.ko: unload it so t_reload can unload wcfb.
rmmod wcfb_test || { echo "rmmod wcfb_test failed"; fail=1; }
[ $fail = 0 ]
