#!/usr/bin/env bash
# Packs what benchmarks/scaling/run-scaling.sh needs on a machine that has Python 3 but no JDK and no network:
# a jlink'd JRE 17, the Spark runtime's jars minus what a standalone cluster running `train` does not use,
# and the application jar. Jars are stored exploded inside tar.xz archives (their classes compress far better
# that way); unpack.py, written beside them, rebuilds each jar with Python's zipfile.
#
# usage: benchmarks/scaling/bundle.sh OUT_DIR [JOBS_JAR]
#   JOBS_JAR defaults to jobs/target/sparkprop-jobs.jar; the Spark runtime is read from
#   $SPARKPROP_SPARK_HOME (default deploy/target/spark-home); the JDK from $JLINK_JDK
#   (default /usr/lib/jvm/java-17-openjdk-amd64). The bundle comes in two folders, each small enough for one
#   transfer of under 64 MiB: OUT_DIR/p1 (unpack.py, and part-1.tar.xz: the JRE and the application, about
#   25 MB) and OUT_DIR/p2 (part-2.tar.xz: Spark's jars, about 48 MB). To unpack, put both archives in one
#   folder and run: python3 unpack.py FOLDER DEST; DEST then holds jre/, spark/ and app/sparkprop-jobs.jar.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:?usage: bundle.sh OUT_DIR [JOBS_JAR]}
jobs_jar=${2:-$root/jobs/target/sparkprop-jobs.jar}
spark_home=${SPARKPROP_SPARK_HOME:-$root/deploy/target/spark-home}
jdk=${JLINK_JDK:-/usr/lib/jvm/java-17-openjdk-amd64}
[[ -f $jobs_jar ]] || { echo "no application jar at $jobs_jar" >&2; exit 2; }
jobs_jar=$(cd "$(dirname "$jobs_jar")" && pwd)/$(basename "$jobs_jar")
[[ -f $spark_home/RELEASE ]] || { echo "no Spark runtime at $spark_home" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/p1" "$out/p2"
mkdir -p "$out/p1" "$out/p2"

# 1. The JRE: Spark needs java.se plus a few jdk.* modules (sun.misc.Unsafe, JMX, the Vector API for
#    netlib's Java fallback, zip file systems, JAAS for Hadoop's UserGroupInformation).
"$jdk/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.management,jdk.crypto.ec,jdk.incubator.vector,jdk.zipfs,jdk.security.auth,jdk.naming.dns,jdk.jfr \
  --strip-debug --no-man-pages --no-header-files --compress=0 --output "$work/jre" | { grep -v 'incubator modules' || true; }

# 2. Spark's jars, without: RocksDB (the history server's and shuffle service's disk store), ICU (SQL
#    collations), breeze and its numeric libraries (MLlib), the QUIC/HTTP3 and BoringSSL natives (no TLS
#    here), and every native library built for another platform than linux x86-64. arpack_combined_all
#    stays: netlib's JNIBLAS, loaded from Spark's jars, needs its org.netlib classes beside it (the copy
#    inside the application jar is out of its class loader's sight), or native BLAS quietly fails to load.
mkdir -p "$work/spark/jars"
cp "$spark_home/RELEASE" "$work/spark/"
drop='^(rocksdbjni|icu4j|breeze|breeze-macros|spire|spire-macros|spire-platform|spire-util|cats-kernel|algebra|spark-mllib-local|arpack|lapack|JTransforms|JLargeArrays|netty-codec-native-quic|netty-tcnative-boringssl-static)(_2\.13)?-[0-9]'
for jar in "$spark_home"/jars/*.jar; do
  name=$(basename "$jar")
  [[ $name =~ $drop ]] && continue
  [[ $name =~ -(linux-aarch_64|linux-riscv64|osx-aarch_64|osx-x86_64|windows-x86_64)\.jar$ ]] && continue
  mkdir "$work/spark/jars/$name"
  (cd "$work/spark/jars/$name" && unzip -q "$jar")
done
j=$work/spark/jars
(cd "$j"/zstd-jni-*.jar && find aix darwin freebsd win linux -mindepth 1 -maxdepth 1 -not -path linux/amd64 -exec rm -rf {} +)
(cd "$j"/snappy-java-*.jar/org/xerial/snappy/native && find . -mindepth 2 -maxdepth 2 -not -path ./Linux/x86_64 -exec rm -rf {} +)
(cd "$j"/leveldbjni-all-*.jar/META-INF/native && find . -mindepth 1 -maxdepth 1 -not -name linux64 -exec rm -rf {} +)
(cd "$j"/lz4-java-*.jar/net/jpountz/util && find . -mindepth 2 -maxdepth 2 -path './*/*' -type d -not -path ./linux/amd64 -exec rm -rf {} +)

# 3. The application jar, exploded the same way, without the netlib JNI stubs for other platforms.
mkdir -p "$work/app/sparkprop-jobs.jar"
(cd "$work/app/sparkprop-jobs.jar" && unzip -q "$jobs_jar" && rm -rf resources/native/Linux-aarch64 resources/native/Linux-riscv64)

cat > "$out/p1/unpack.py" <<'PY'
# Unpacks the bundle's tar.xz archives into DEST and zips every directory named *.jar back into a jar,
# without META-INF/INDEX.LIST: the JDK trusts such an index (netty's jars have one) and refuses to load a
# class from a rebuilt jar with "Invalid index"; without it, it simply looks in each jar.
import os, shutil, sys, tarfile, zipfile
src, dest = sys.argv[1], sys.argv[2]
os.makedirs(dest, exist_ok=True)
for name in sorted(os.listdir(src)):
    if name.endswith('.tar.xz'):
        with tarfile.open(os.path.join(src, name)) as t:
            try:
                t.extractall(dest, filter='tar')
            except TypeError:  # Python before 3.12
                t.extractall(dest)
for top, dirs, files in os.walk(dest):
    for d in list(dirs):
        if d.endswith('.jar'):
            path = os.path.join(top, d)
            with zipfile.ZipFile(path + '.tmp', 'w', zipfile.ZIP_STORED) as z:
                manifest = os.path.join(path, 'META-INF', 'MANIFEST.MF')
                if os.path.exists(manifest):
                    z.write(manifest, 'META-INF/MANIFEST.MF')
                for t2, subdirs, fs in os.walk(path):
                    subdirs.sort()
                    if t2 != path:  # directory entries too: a resource lookup of a folder needs them
                        z.write(t2, os.path.relpath(t2, path) + '/')
                    for f in sorted(fs):
                        full = os.path.join(t2, f)
                        arc = os.path.relpath(full, path)
                        if arc not in ('META-INF/MANIFEST.MF', 'META-INF/INDEX.LIST'):
                            z.write(full, arc)
            shutil.rmtree(path)
            os.rename(path + '.tmp', path)
            dirs.remove(d)
PY

xzc() { XZ_OPT="-9 -T1" tar -C "$work" -cJf "$1" "${@:2}"; }
xzc "$out/p1/part-1.tar.xz" jre app
xzc "$out/p2/part-2.tar.xz" spark
ls -l "$out"/p1 "$out"/p2
