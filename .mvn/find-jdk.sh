# Sourced by ./mvnw and ./tern: make JAVA_HOME point at a JDK 25 or newer.
# Keeps a JAVA_HOME that is already new enough; otherwise takes the newest JDK >= 25 under /usr/lib/jvm.
tern_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
}
tern_find_jdk() {
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(tern_java_major "$JAVA_HOME")" -ge 25 ] 2>/dev/null; then
    return 0
  fi
  if command -v java >/dev/null 2>&1; then
    sys_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    if [ -x "$sys_home/bin/javac" ] && [ "$(tern_java_major "$sys_home")" -ge 25 ] 2>/dev/null; then
      JAVA_HOME=$sys_home; export JAVA_HOME; return 0
    fi
  fi
  for candidate in $(find /usr/lib/jvm -mindepth 1 -maxdepth 1 2>/dev/null | sort -rV); do
    candidate=${candidate%/}
    if [ -x "$candidate/bin/javac" ] && [ "$(tern_java_major "$candidate")" -ge 25 ] 2>/dev/null; then
      JAVA_HOME=$candidate; export JAVA_HOME; return 0
    fi
  done
  echo "tern: no JDK 25 found; install one or set JAVA_HOME" >&2
  return 1
}
tern_find_jdk
