# lanes: selftest
# A kernel warning while a test runs (harness self-test: must FAIL).
echo "<2>WARNING: CPU: 0 PID: 1 at selftest.c:1 harness_selftest" > /dev/kmsg
sleep 0.2
