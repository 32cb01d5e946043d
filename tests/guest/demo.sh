#!/bin/sh
# The demo: the console on the display with a greeting, a client showing
# animated test patterns for a while, then the console again with a shell
# on tty1 and on the serial line.
. /tests/lib.sh
echo 0 > /sys/class/graphics/fbcon/cursor_blink 2>/dev/null
chvt 1
{
	printf '\033[2J\033[H'
	echo "wcfb demo: DRM/KMS on write-combined reserved memory, scanned out by ramfb"
	echo
	echo "kernel $(uname -r)"
	sed 's/^/  /' $DRI_DEBUG/pool | head -n 8
	sed 's/^/  /' $DRI_DEBUG/scanout
	echo
	echo "next: wcfb-kmstest show 6 (page-flipped test patterns)"
} > /dev/tty1
ctl DEMO console
sleep 2
ctl DEMO client
wcfb-kmstest show 6 > /dev/null
ctl DEMO console-again
echo "client done; the console is back. Shell on the serial line and on tty1." > /dev/tty1
setsid sh -c 'exec sh </dev/tty1 >/dev/tty1 2>&1' &
sleep 1
ctl DEMO ready
