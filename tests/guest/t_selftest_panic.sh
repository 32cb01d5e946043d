# lanes: selftest
# A kernel crash in the middle of a test (harness self-test: must FAIL).
echo c > /proc/sysrq-trigger
sleep 5
