# Environment for deploy/bin/spark-submit, sourced before Spark's launcher runs (as Spark's own scripts
# source conf/spark-env.sh). Variables set here are exported.

# One BLAS thread per task, for the driver and for local mode, where tasks run in the driver's JVM.
OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
MKL_NUM_THREADS=${MKL_NUM_THREADS:-1}
