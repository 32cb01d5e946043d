# lanes: selftest
# Runs after a crash and a hang, in a fresh boot (harness self-test: must PASS).
true
