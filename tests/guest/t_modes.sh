# The connector lists the modes from 640x480 to 1920x1080 with 1024x768
# preferred; the preferred_mode module parameter changes the preferred mode
# (and the console follows it); a malformed value is refused with a log
# line and the default is kept.
want="640x480 800x600 1024x768 1280x720 1280x800 1280x1024 1440x900 1600x900 1680x1050 1920x1080"
wcfb-kmstest modes > /tmp/modes
cat /tmp/modes
for m in $want; do
	grep -q "^mode $m@60" /tmp/modes || { echo "mode $m@60 missing"; exit 1; }
done
grep -q "^mode 1024x768@60 preferred" /tmp/modes || { echo "1024x768 not preferred"; exit 1; }
[ "$(grep -c preferred /tmp/modes)" = 1 ] || { echo "not exactly one preferred mode"; exit 1; }

reload() { rmmod wcfb && insmod $MODDIR/wcfb.ko "$@"; }
dmesg -c > /dev/null
reload preferred_mode=1280x720 || { echo "reload failed"; exit 1; }
wcfb-kmstest modes | grep -q "^mode 1280x720@60 preferred" || { echo "1280x720 not preferred"; exit 1; }
grep -q "^width 1280" $DRI_DEBUG/scanout || { echo "console not at 1280x720:"; cat $DRI_DEBUG/scanout; exit 1; }

reload preferred_mode=1000x700 || { echo "reload failed"; exit 1; }
wcfb-kmstest modes | grep -q "^mode 1000x700@.. preferred" || { echo "custom 1000x700 not listed as preferred"; wcfb-kmstest modes; exit 1; }

dmesg -c > /dev/null
reload preferred_mode=banana || { echo "reload with a bad value failed"; exit 1; }
dmesg | grep -i "preferred_mode" || { echo "no log line for the bad value"; exit 1; }
wcfb-kmstest modes | grep -q "^mode 1024x768@60 preferred" || { echo "default not kept"; exit 1; }
reload
