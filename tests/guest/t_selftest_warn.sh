# lanes: selftest
# A kernel warning while a test runs (harness self-test: must FAIL).
# Printed at KERN_WARNING (<4>), the level WARN() prints at: it proves
# that level reaches the serial line at the lanes' loglevel=5 (<2> would
# reach it at any loglevel and prove nothing about that).
echo "<4>WARNING: CPU: 0 PID: 1 at selftest.c:1 harness_selftest" > /dev/kmsg
sleep 0.2
