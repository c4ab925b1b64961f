# Sourced by ./mvnw and ./segment: exports JAVA_HOME as a JDK 25+ (javac included, which Chronicle
# Map needs at run time), whatever the default java is. Order: $JAVA_HOME when it is 25+, then the
# usual install places. Exits with a clear message if none is found.
# The major version from the JDK's release file (no JVM started: ./segment runs this before every command), else from the JVM.
segmenta_jdk_major() {
  local v
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
  if [ -n "$v" ]; then echo "$v"; return; fi
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
}
segmenta_pick=""
for segmenta_cand in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-* /usr/lib/jvm/java-25-* /usr/lib/jvm/jdk-25* /opt/java/openjdk /usr/lib/jvm/*; do
  [ -n "$segmenta_cand" ] && [ -x "$segmenta_cand/bin/javac" ] || continue
  segmenta_v=$(segmenta_jdk_major "$segmenta_cand" || true)
  if [ -n "$segmenta_v" ] && [ "$segmenta_v" -ge 25 ] 2>/dev/null; then segmenta_pick=$segmenta_cand; break; fi
done
if [ -z "$segmenta_pick" ]; then
  echo "$(basename "$0"): Segmenta needs a JDK 25 (javac included); none found in JAVA_HOME or /usr/lib/jvm." >&2
  echo "$(basename "$0"): install one (e.g. Temurin 25) and set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME=$segmenta_pick
