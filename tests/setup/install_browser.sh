#!/bin/sh
# Install the headless browser the `browser` tests drive: Debian's chromium and
# its chromedriver (/usr/bin/chromium, /usr/bin/chromedriver). Selenium is given
# that driver path, so it never tries to download a browser or a driver itself.
# Run as root (CI runs it so); it does nothing when the driver is already there.
set -eu
if [ -x /usr/bin/chromedriver ] && [ -x /usr/bin/chromium ]; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core
