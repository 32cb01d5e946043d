# tier: check
# Bad formats, pitches, offsets, modifiers, modes and framebuffer sizes are
# refused with EINVAL; nothing is programmed and nothing leaks.
wcfb-kmstest badinput
