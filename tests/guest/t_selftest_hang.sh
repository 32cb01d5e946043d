# lanes: selftest
# timeout: 5
# A test that never ends (harness self-test: must FAIL by timeout).
sleep 600
