# timeout: 120
# Fault injection: an injected descriptor fault fails that blit (-EIO from
# CPU_PREP); a hung engine is reset by the watchdog, its blit fails, and
# later blits work.  The engine model's fault log has the injected fault
# only.
wcfb-blittest fault
