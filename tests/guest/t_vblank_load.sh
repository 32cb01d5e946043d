# timeout: 240
# Page-flip events while the machine is busy (IGT's kms_flip ts checks;
# wcfb-vblanktest underload): 600 flips with two busy processes on the
# guest's two CPUs (so on the host cores running them), half issued when
# the previous event is read, half just after the next vblank.  No event
# may carry a time before its flip was issued, every event lies on the
# mode's vblank grid, sequences only go forward; the timer's real
# lateness and the missed vblanks are figures (BENCH vblank_under_load).
# Any WARN, "vblank wait timed out" included, fails the test.
#
# A busy host delays the guest's timer interrupt by a millisecond now and
# then, not on demand: then test_vblank_irq_delay_us makes every other
# vblank's interrupt 4 ms late, so that the flips issued just after a
# vblank are issued before its interrupt (200 flips, BENCH
# vblank_irq_delayed).  Control: test_vblank_time_from_timer takes the
# vblank times from the interrupts (how the driver did it before, and as
# vkms does), and those flips complete at the vblank before they were
# issued: exit 3, events early, nothing else wrong.
P=/sys/module/wcfb/parameters
# A slow lane (the debug kernel, wcfb_slow=4) flips a quarter as often:
# it is there for its checkers on these paths, not for the timing.
n=$((600 / SLOW)) nd=$((200 / SLOW)) nc=$((100 / SLOW))
restore() { echo 0 > $P/test_vblank_irq_delay_us; echo 0 > $P/test_vblank_time_from_timer; }
trap restore EXIT
wcfb-vblanktest underload vblank_under_load $n 2 || exit 1

echo "# interrupts of every other vblank 4 ms late"
echo 4000 > $P/test_vblank_irq_delay_us
wcfb-vblanktest underload vblank_irq_delayed $nd 2 || exit 1

echo "# control: vblank times from the interrupts"
echo 1 > $P/test_vblank_time_from_timer
wcfb-vblanktest underload vblank_control $nc 0 > /tmp/vblank_control.log 2>&1
rc=$?
sed 's/^/# control: /' /tmp/vblank_control.log | grep -v "# bench"
[ $rc = 3 ] || { echo "control: expected exit 3 (early events only), got $rc"; exit 1; }
echo "ok - control: with vblank times from the interrupts, events come before their flips"
