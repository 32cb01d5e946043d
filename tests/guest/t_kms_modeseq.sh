# Mode changes 640x480 -> 1920x1080 -> 800x600, each followed by a capture.
wcfb-kmstest modeseq 640x480,1920x1080,800x600
