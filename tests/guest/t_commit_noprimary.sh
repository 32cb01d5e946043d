# timeout: 120
# Commits IGT makes and other drivers accept (kms_atomic_transition,
# kms_vblank ts-continuation-modeset, kms_concurrent): the plane off on an
# active CRTC and a CRTC enabled without its plane show black at the
# mode's size (the captures say so); a framebuffer attached while the
# CRTC is off is shown when it comes on; 20 nonblocking plane toggles,
# each TEST_ONLY first, each with its event (wcfb-committest noprimary).
wcfb-committest noprimary
