# timeout: 60
# The connector goes away and comes back through the core's sysfs
# "status" file (there is no cable): "off" sends a hotplug uevent and
# leaves it disconnected with no modes, "detect" sends another and it is
# connected again with the same mode list (wcfb-committest hotplug).
# Then the console, told of both by the core, is on screen again: a line
# written after the reconnect is captured at its character cells.
echo 0 > /sys/class/graphics/fbcon/cursor_blink 2>/dev/null
chvt 1
wcfb-committest hotplug || exit 1
printf '\033[2J\033[H\033[?25l\n\n    HOTPLUG BACK' > /dev/tty1
shot_until 10 hotplug_console glyphs 8 16 2 4 HOTPLUG_BACK_
