# Allocations lie inside the device-tree pool; exhausting the pool fails
# dumb-create with ENOMEM and the driver keeps working afterwards.
wcfb-kmstest poolcheck || exit 1
wcfb-kmstest exhaust
