#!/bin/sh
# The engine tests (test/engines) build their launchers with Maven and run them on Java 17+.
# Both are on the project's machines; this installs Debian's if a machine lacks them.
# Maven downloads the launchers' jars from Maven Central itself on the first test run.
set -e
if command -v mvn >/dev/null 2>&1 && command -v java >/dev/null 2>&1; then
  major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  [ "${major:-0}" -ge 17 ] && exit 0
fi
SUDO=''
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO=sudo
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y openjdk-17-jdk-headless maven
