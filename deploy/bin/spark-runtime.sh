# Sourced by deploy/bin/spark-submit and deploy/bin/spark-cluster, not run by itself.
#
# use_spark_home sets SPARK_HOME to the Spark runtime that the deploy module assembles from Maven Central
# jars (deploy/target/spark-home: jars/ and a RELEASE file), building it first if it is missing;
# spark_command asks Spark's own launcher for the JVM command of a Spark class, so that memory settings,
# the JDK 17 --add-opens list and the classpath are exactly what Spark's scripts would use.
#
# Environment:
#   SPARKPROP_SPARK_HOME  another Spark home to use (an assembled one, or a Spark distribution)
#   JAVA_HOME             the JDK to run (default: java on the PATH)

sparkprop_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# die MESSAGE: one sentence on stderr, exit status 2 (a user's mistake).
die() {
  echo "$(basename "$0"): $*" >&2
  exit 2
}

java_bin=${JAVA_HOME:+$JAVA_HOME/bin/}java

# use_spark_home: exports SPARK_HOME (building it first when it is the default one and missing) and the
# Scala version that Spark's launcher reads when SPARK_HOME is not a source tree (without it, workers
# cannot launch executors: "Cannot find any build directories").
use_spark_home() {
  if [[ -n ${SPARKPROP_SPARK_HOME:-} ]]; then
    [[ -f $SPARKPROP_SPARK_HOME/RELEASE && -d $SPARKPROP_SPARK_HOME/jars ]] \
      || die "SPARKPROP_SPARK_HOME=$SPARKPROP_SPARK_HOME is not a Spark home (it needs a RELEASE file and jars/)"
    export SPARK_HOME=$SPARKPROP_SPARK_HOME
  else
    export SPARK_HOME=$sparkprop_root/deploy/target/spark-home
    if [[ ! -f $SPARK_HOME/RELEASE || ! -f $sparkprop_root/jobs/target/sparkprop-jobs.jar ]]; then
      echo "$(basename "$0"): building the Spark runtime and the application jar first (mvn package, tests skipped) ..." >&2
      (cd "$sparkprop_root" && mvn -q -B -DskipTests package) >&2
    fi
  fi
  export SPARK_SCALA_VERSION=2.13
}

# spark_command CLASS [ARGS...]: sets the array spark_cmd to the JVM command line that Spark's launcher
# (org.apache.spark.launcher.Main, what Spark's spark-class runs) builds for CLASS; returns the launcher's
# status. The launcher may first print messages, one a line, then a NUL character and a newline, then
# the command's arguments, each ended by a NUL; we add the launcher's exit status the same way.
spark_command() {
  spark_cmd=()
  local arg in_command=false
  while true; do
    if $in_command; then
      IFS= read -r -d '' arg || break
      spark_cmd+=("$arg")
    else
      IFS= read -r arg || break
      if [[ -z $arg ]]; then  # the NUL line: bash drops the NUL, leaving an empty line
        in_command=true
      else
        echo "$arg" >&2
      fi
    fi
  done < <("$java_bin" -Xmx128m -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main "$@"; printf '%d\0' $?)
  ((${#spark_cmd[@]} > 0)) || return 1
  local status=${spark_cmd[${#spark_cmd[@]}-1]}
  unset 'spark_cmd[${#spark_cmd[@]}-1]'
  return "$status"
}
