#!/bin/sh
# Run by the guest's /init when the kernel command line has emu.test=1,
# with this disk mounted at /mnt. The host checks the console output (the
# hello text, then EMU-TEST-DONE) and afterwards reads the file written
# here out of the image:
#   debugfs -R 'cat /written-by-guest.txt' disk.ext4
set -e
cat /mnt/hello.txt
echo "EMU-GUEST-WROTE-THIS-LINE" >/mnt/written-by-guest.txt
sync
echo "EMU-TEST-DONE"
