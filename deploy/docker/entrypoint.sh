#!/usr/bin/env bash
# Entry point of the sparkprop image. Runs its arguments (a Spark daemon through spark-class, spark-submit, a
# shell) with SPARK_CONF_DIR set to a copy of the image's Spark configuration that holds the shared secret
# from SPARKPROP_SECRET: readable by this container's user only, on no command line, in no image layer.
# SPARKPROP_LOG_CONFIG names a log4j2.properties to use instead of the daemons' (Spark's lines at INFO).
set -euo pipefail
if [[ -z ${SPARKPROP_SECRET:-} ]]; then
  echo "sparkprop image: SPARKPROP_SECRET is empty; set it in .env (see deploy/.env.example)" >&2
  exit 2
fi
conf=$(mktemp -d)
cp -R "$SPARK_HOME/conf/." "$conf/"
if [[ -n ${SPARKPROP_LOG_CONFIG:-} ]]; then
  cp "$SPARKPROP_LOG_CONFIG" "$conf/log4j2.properties"
fi
printf 'spark.authenticate.secret %s\n' "$SPARKPROP_SECRET" >> "$conf/spark-defaults.conf"
chmod 600 "$conf/spark-defaults.conf"
unset SPARKPROP_SECRET
export SPARK_CONF_DIR=$conf
exec "$@"
