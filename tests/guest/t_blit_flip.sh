# timeout: 120
# tier: check
# Blit into a scanout buffer, then flip to it without waiting: the commit
# waits for the blit's fence (implicit sync), so the fence has signalled
# at the flip event and the host's capture shows the finished blit (the
# engine model is slowed down, and the client checks its answer and
# times a probe blit, or the blit would end before the flip anyway).
wcfb-blittest flip 21 || { echo "blit then flip failed (its not ok lines above)"; exit 1; }
# The control: with test_skip_implicit_sync=1 the commit does not wait;
# at the flip event the fence is pending and the capture, taken while it
# still is, shows the buffer as it was before the blit.
rmmod wcfb || exit 1
insmod $MODDIR/wcfb.ko test_skip_implicit_sync=1 || exit 1
out=$(wcfb-blittest flip 21 unfinished)
rc=$?
echo "$out"
if [ $rc = 0 ] && echo "$out" | grep -q "^unfinished buffer on screen"; then
	echo "a commit without implicit sync showed the unfinished buffer (expected)"
else
	echo "no unfinished buffer without implicit sync (exit $rc)"
	rc=1
fi
rmmod wcfb && insmod $MODDIR/wcfb.ko || rc=1
exit $rc
