# What a removable medium changes in update-grub's entries (tests/install/boot.test):
# on the ISO, GRUB's root is already the CD that holds /boot, so the lines
# that find the installed system's /boot partition go: the insmod lines of
# its partition map and file system, `set root=` and the `search` block.
# Everything else, the multiboot2 and module2 lines above all, stays.
/^[[:space:]]*insmod[[:space:]]/d
/^[[:space:]]*set root=/d
/^[[:space:]]*if \[ x\$feature_platform_search_hint = xy \]; then$/,/^[[:space:]]*fi$/d
/^[[:space:]]*search[[:space:]]/d
