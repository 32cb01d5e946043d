# timeout: 180
# Lifetimes: (1) handles and dma-buf fds (vgem import, cached export)
# closed while the slowed-down engine still uses them; (2) kill -9 of a
# client in the middle of a stream of blits on an import and an export;
# (3) rmmod wcfb while another process holds an exported dma-buf fd: the
# dma-buf pins the module, rmmod fails, and succeeds once the fd is
# closed.  After each, the pool and prime counts in debugfs are back to
# baseline, and the kernel complained about nothing.
modload vgem || { echo "cannot load vgem"; exit 1; }
# Objects are freed by the engine's cleanup worker once the jobs finish.
at_base() { [ "$(buffer_counts)" = "$base" ]; }
settle() {
	wait_until 10 at_base && return 0
	echo "$1: counts not back to baseline:"; echo "$base"; echo "--"; buffer_counts
	return 1
}
# The engine's completion interrupts (MSI-X, /proc/interrupts): they move
# with every blit the engine finishes.
engine_irqs() {
	awk '/wcfb/ { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i } END { print n + 0 }' /proc/interrupts
}
base=$(buffer_counts)
dmesg -c > /dev/null

wcfb-primetest inflight || exit 1
settle inflight || exit 1
echo "in-flight close: back to baseline"

wcfb-primetest batch > /tmp/batch.log &
pid=$!
# Killed in the middle of its stream: once it said it is batching and the
# engine has since completed blits (its interrupts moved).
wait_until 10 grep -q batching /tmp/batch.log || { echo "batch client did not start"; cat /tmp/batch.log; exit 1; }
irq0=$(engine_irqs)
blits_done() { [ $(($(engine_irqs) - irq0)) -ge 20 ]; }
wait_until 10 blits_done || { echo "the engine completed no blits of the batch client (interrupts $irq0 -> $(engine_irqs))"; exit 1; }
kill -0 $pid 2>/dev/null || { echo "batch client ended before the kill"; cat /tmp/batch.log; exit 1; }
kill -9 $pid
wait $pid 2>/dev/null
settle "kill -9" || exit 1
echo "kill -9 mid-batch: back to baseline"

dmabuf_hold || { echo "hold client did not start"; exit 1; }
pid=$HOLD_PID
exp0=$(echo "$base" | sed -n 's/^exports_wc //p')
grep -q "^exports_wc $((exp0 + 1))$" $DRI_DEBUG/prime || { echo "no live export"; cat $DRI_DEBUG/prime; exit 1; }
echo "wcfb refcount with the fd held: $(cat /sys/module/wcfb/refcnt)"
if err=$(rmmod wcfb 2>&1); then
	echo "rmmod succeeded while a dma-buf was held"; exit 1
fi
echo "rmmod refused while the fd is held: $err"
[ -d /sys/module/wcfb ] || { echo "module gone"; exit 1; }
exec 3>&-
wait $pid
rmmod wcfb || { echo "rmmod failed after the fd was closed"; exit 1; }
insmod $MODDIR/wcfb.ko || exit 1
now=$(grep -E "^(objects|consumed) " $DRI_DEBUG/pool; cat $DRI_DEBUG/prime)
[ "$now" = "$base" ] || { echo "after reload: $now"; exit 1; }
echo "rmmod after close, reload: back to baseline"
rmmod vgem
if dmesg | grep -iE "warn|bug|leak|oops"; then echo "kernel complained"; exit 1; fi
exit 0
